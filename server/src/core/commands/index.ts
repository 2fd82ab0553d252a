import type { ShellCommand } from '../shell/parse';
import { stripWrappers } from './argv';
import type { CommandEffect } from './effects';
import { interpretFileCommand } from './paths';
import { interpretPackageManager } from './package-managers';
import { interpretProjectTool } from './project-tools';

export type { CommandEffect, Ecosystem, PackageArg } from './effects';
export { DEPENDENCY_MANIFESTS } from './project-tools';
export { resolvePath } from './paths';

/** Everything one simple command does that the rules look at, in order. */
export function interpretCommand(command: ShellCommand): CommandEffect[] {
  const argv = stripWrappers(command.args);
  if (argv.length === 0) return [];
  return [...interpretPackageManager(argv, command), ...interpretProjectTool(argv, command), ...interpretFileCommand(argv, command)];
}
