import type { CommandEffect } from '../commands';
import { interpretCommand } from '../commands';
import { family as familyById, type Distribution, type FamilyId } from '../families';
import type { ShellCommand } from '../shell/parse';
import { roleOf } from '../commands/roles';

/** What the runtime stage installs in place of one RUN that installed packages. */
export interface RuntimeInstall {
  readonly family: FamilyId;
  /** The package manager the runtime stage runs (apt-get, apk, dnf, microdnf, yum, zypper). */
  readonly tool: string;
  readonly packages: readonly string[];
  /** Setup commands of the original RUN worth keeping (mkdir for the JRE's man pages, say), as written. */
  readonly keptCommands: readonly string[];
  /** Build-only packages the runtime no longer installs. */
  readonly moved: readonly string[];
}

export type RuntimeInstallResult = { readonly ok: true; readonly install: RuntimeInstall | undefined } | { readonly ok: false; readonly reason: string };

export interface RuntimeInstallOptions {
  /** Whether a package is build-only here (the family's catalogue, the user's list, build helpers). */
  readonly isBuildOnly: (family: FamilyId, name: string) => boolean;
  /** The distribution the runtime stage runs on, which names the runtime libraries. */
  readonly distribution: Distribution | undefined;
  /** The runtime base's package manager when it differs from the original's (ubi-minimal has microdnf). */
  readonly runtimeTool: ((family: FamilyId) => string | undefined) | undefined;
  /** Keep the RUN's other commands (it comes after the build, so it runs in the runtime stage). */
  readonly keepOtherCommands: boolean;
}

/**
 * The runtime half of a RUN that installs packages: the packages that are not build-only, plus the
 * runtime libraries of the build-only ones (`libpq-dev` -> `libpq5`). Packages the same RUN removes
 * again were build dependencies and stay out.
 */
export function runtimeInstallFor(commands: readonly ShellCommand[], options: RuntimeInstallOptions): RuntimeInstallResult {
  const effects = commands.map((command) => ({ command, effects: interpretCommand(command) }));
  const removed = new Set<string>();
  let removesEverything = false;
  for (const { effects: list } of effects) {
    for (const effect of list) {
      if (effect.kind === 'package-remove') for (const pkg of effect.packages) removed.add(pkg.name);
      if (effect.kind === 'package-mark' && effect.names === 'all' && !effect.manual) removesEverything = true;
    }
  }
  let family: FamilyId | undefined;
  let tool: string | undefined;
  const packages: string[] = [];
  const seen = new Set<string>();
  const moved: string[] = [];
  const keptCommands: string[] = [];
  const add = (name: string) => {
    if (!seen.has(name)) {
      seen.add(name);
      packages.push(name);
    }
  };
  for (const { command, effects: list } of effects) {
    const install = list.find((effect): effect is Extract<CommandEffect, { kind: 'package-install' }> => effect.kind === 'package-install');
    if (install) {
      if (family && family !== install.family) return { ok: false, reason: `one RUN installs both ${family} and ${install.family} packages` };
      family = install.family;
      tool ??= options.runtimeTool?.(install.family) ?? scriptTool(install.tool);
      if (install.command.args.some((arg) => arg.value === undefined)) {
        return { ok: false, reason: `the package list of \`${abbreviate(install.command.text)}\` is computed at build time` };
      }
      if (removesEverything) continue; // apt-mark auto '.*' + purge: everything here was a build dependency
      const owner = familyById(install.family);
      for (const pkg of install.packages) {
        if (options.isBuildOnly(install.family, pkg.name)) {
          moved.push(pkg.name);
          for (const runtime of owner.runtimeCounterparts(pkg.name, options.distribution)) add(runtime);
        } else if (!removed.has(pkg.name)) {
          add(pkg.name);
        }
      }
      continue;
    }
    const role = roleOf(command);
    if (role === 'package-manager' || role === 'build') continue; // updates, purges and builds belong to the builder
    if (list.some((effect) => effect.kind === 'remove-paths')) continue; // cache clean-up is written afresh
    if (TRIVIAL.has(command.text.trim())) continue; // `|| true` guards the install, which is written afresh
    if (role === 'setup' || options.keepOtherCommands) keptCommands.push(command.text);
  }
  if (!family || !tool) return { ok: true, install: undefined };
  const owner = family;
  // Runtime counterparts of a moved package may be build-only themselves (python3-dev -> python3 is not).
  const runtimePackages = packages.filter((name) => !options.isBuildOnly(owner, name));
  return { ok: true, install: { family, tool, packages: runtimePackages, keptCommands, moved } };
}

const TRIVIAL = new Set(['true', ':', 'set -e', 'set -eux', 'set -ex', 'set -x']);

/** The RUN instruction that installs runtime packages with the family's clean-up, one command per line. */
export function renderInstall(install: RuntimeInstall, escapeChar: string, newline: string): string | undefined {
  const commands = [...install.keptCommands];
  if (install.packages.length > 0) commands.push(...familyById(install.family).runtimeInstallCommands(install.tool, install.packages));
  if (commands.length === 0) return undefined;
  return `RUN ${commands.join(` ${escapeChar}${newline} && `)}`;
}

function abbreviate(text: string): string {
  return text.length > 50 ? `${text.slice(0, 47)}...` : text;
}

/** The program a script runs to install what an interactive command installed (apt's CLI is not for scripts). */
export function scriptTool(tool: string): string {
  return tool === 'apt' || tool === 'aptitude' ? 'apt-get' : tool;
}
