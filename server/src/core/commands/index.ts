import { ecosystemOfCommand, toolName } from '../ecosystems';
import { familyOfTool } from '../families';
import type { ShellCommand } from '../shell/parse';
import { basename, stripWrappers } from './argv';
import type { CommandEffect } from './effects';
import { interpretFileCommand } from './paths';

export type { CommandEffect, PackageArg } from './effects';
export { resolvePath } from './paths';

/** Everything one simple command does that the rules look at, in order: asked of the registries. */
export function interpretCommand(command: ShellCommand): CommandEffect[] {
  const argv = stripWrappers(command.args);
  const program = basename(argv[0]?.value);
  if (program === undefined) return [];
  const family = familyOfTool(program);
  if (family) return family.interpret(program, argv, command);
  const ecosystem = ecosystemOfCommand(program);
  if (ecosystem?.interpret) return ecosystem.interpret(toolName(program), argv, command);
  return interpretFileCommand(argv, command);
}
