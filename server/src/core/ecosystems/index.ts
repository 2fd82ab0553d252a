import { cCpp } from './c-cpp';
import { dotnet } from './dotnet';
import type { Ecosystem, EcosystemId, ToolchainImage } from './ecosystem';
import { generic } from './generic';
import { go } from './go';
import { java } from './java';
import { node } from './node';
import { php } from './php';
import { python, pythonToolName } from './python';
import { ruby } from './ruby';
import { rust } from './rust';
import type { ImageReference } from '../knowledge/images';

export type { Ecosystem, EcosystemId, ImageUser, StartVerdict, StartWords, ToolCache, ToolchainImage } from './ecosystem';
export type { PlanContribution, PlanInput } from './plan-input';

/** Every ecosystem, generic last. A new one is a module like python.ts and a line here. */
export const ECOSYSTEMS: readonly Ecosystem[] = [python, node, go, rust, java, ruby, php, dotnet, cCpp, generic];

const byCommand = new Map<string, Ecosystem>(ECOSYSTEMS.flatMap((ecosystem) => ecosystem.commands.map((command) => [command, ecosystem] as const)));

/** A program's name as the registries know it: `python3.12` -> `python`, `./mvnw` -> `mvnw`. */
export function toolName(program: string): string {
  const name = program.slice(program.lastIndexOf('/') + 1);
  return pythonToolName(name).replace(/^(ruby|gem|bundle|php|node|npm)\d+(\.\d+)*$/, '$1');
}

/** The ecosystem a program belongs to (`pip3` -> Python), if any. */
export function ecosystemOfCommand(program: string): Ecosystem | undefined {
  return byCommand.get(toolName(program));
}

/** Every ecosystem's programs, as a test on a RUN's text: RUNs that name none run no ecosystem tool. */
export const ECOSYSTEM_COMMANDS: readonly string[] = [...byCommand.keys()];

export function ecosystem(id: EcosystemId): Ecosystem {
  return ECOSYSTEMS.find((candidate) => candidate.id === id)!;
}

/** The toolchain image an image is, with the ecosystem it belongs to; undefined for other images. */
export function findToolchainImage(image: ImageReference): (ToolchainImage & { ecosystem: Ecosystem }) | undefined {
  for (const candidate of ECOSYSTEMS) {
    for (const entry of candidate.toolchainImages ?? []) {
      if (entry.matches(image) && !entry.runtimeTag?.test(image.tag)) return { ...entry, ecosystem: candidate };
    }
  }
  return undefined;
}

/** A cheap test on a RUN's text: whether it may hold some ecosystem's dependency install. */
export const DEPENDENCY_INSTALL_HINT = new RegExp(
  ECOSYSTEMS.flatMap((candidate) => (candidate.dependencyInstallHint ? [candidate.dependencyInstallHint.source] : [])).join('|'),
);

/** The language an image is made for, whatever its tag (`node:20-alpine` is a Node.js image). */
export function languageOfImage(image: ImageReference): EcosystemId | undefined {
  return ECOSYSTEMS.find((candidate) => candidate.id !== 'generic' && (candidate.toolchainImages ?? []).some((entry) => entry.matches(image)))?.id;
}
