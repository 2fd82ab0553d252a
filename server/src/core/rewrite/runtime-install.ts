import type { CommandEffect } from '../commands';
import { interpretCommand } from '../commands';
import { isBuildOnlyPackage, type PackageFamily } from '../knowledge/build-tools';
import { runtimeCounterparts } from '../knowledge/runtime-libraries';
import type { ShellCommand } from '../shell/parse';
import { roleOf } from './commands';

/** What the runtime stage installs in place of one RUN that installed packages. */
export interface RuntimeInstall {
  readonly family: PackageFamily;
  /** The package manager the original used (apt-get, apk, dnf, microdnf, yum, zypper). */
  readonly tool: string;
  readonly packages: readonly string[];
  /** Setup commands of the original RUN worth keeping (mkdir for the JRE's man pages, say), as written. */
  readonly keptCommands: readonly string[];
  /** Build-only packages the runtime no longer installs. */
  readonly moved: readonly string[];
}

export type RuntimeInstallResult = { readonly ok: true; readonly install: RuntimeInstall | undefined } | { readonly ok: false; readonly reason: string };

/**
 * The runtime half of a RUN that installs packages: the packages that are not build-only, plus the
 * runtime libraries of the build-only ones (`libpq-dev` -> `libpq5`). Packages the same RUN removes
 * again were build dependencies and stay out.
 */
export function runtimeInstallFor(commands: readonly ShellCommand[], extraBuildTools: ReadonlySet<string>, keepOtherCommands: boolean): RuntimeInstallResult {
  const effects = commands.map((command) => ({ command, effects: interpretCommand(command) }));
  const removed = new Set<string>();
  let removesEverything = false;
  for (const { effects: list } of effects) {
    for (const effect of list) {
      if (effect.kind === 'package-remove') for (const pkg of effect.packages) removed.add(pkg.name);
      if (effect.kind === 'package-mark' && effect.names === 'all' && !effect.manual) removesEverything = true;
    }
  }
  let family: PackageFamily | undefined;
  let tool: string | undefined;
  const packages: string[] = [];
  const moved: string[] = [];
  const keptCommands: string[] = [];
  const add = (name: string) => {
    if (!packages.includes(name)) packages.push(name);
  };
  for (const { command, effects: list } of effects) {
    const install = list.find((effect): effect is Extract<CommandEffect, { kind: 'package-install' }> => effect.kind === 'package-install');
    if (install) {
      if (family && family !== install.family) return { ok: false, reason: `one RUN installs both ${family} and ${install.family} packages` };
      family = install.family;
      tool ??= install.tool === 'apt' || install.tool === 'aptitude' ? 'apt-get' : install.tool;
      if (install.command.args.some((arg) => arg.value === undefined)) {
        return { ok: false, reason: `the package list of \`${abbreviate(install.command.text)}\` is computed at build time` };
      }
      if (removesEverything) continue; // apt-mark auto '.*' + purge: everything here was a build dependency
      for (const pkg of install.packages) {
        if (isBuildOnlyPackage(install.family, pkg.name, extraBuildTools)) {
          moved.push(pkg.name);
          for (const runtime of runtimeCounterparts(install.family, pkg.name)) add(runtime);
        } else if (!removed.has(pkg.name)) {
          add(pkg.name);
        }
      }
      continue;
    }
    const role = roleOf(command);
    if (role === 'package-manager' || role === 'build') continue; // updates, purges and builds belong to the builder
    if (list.some((effect) => effect.kind === 'remove-paths')) continue; // cache clean-up is written afresh
    if (role === 'setup' || keepOtherCommands) keptCommands.push(command.text);
  }
  // Runtime counterparts of a moved package may be build-only themselves (python3-dev -> python3 is not).
  const runtimePackages = packages.filter((name) => !family || !isBuildOnlyPackage(family, name, extraBuildTools));
  if (!family || !tool) return { ok: true, install: undefined };
  return { ok: true, install: { family, tool, packages: runtimePackages, keptCommands, moved } };
}

/** The RUN instruction that installs runtime packages with each manager's clean-up, one command per line. */
export function renderInstall(install: RuntimeInstall, escapeChar: string, newline: string): string | undefined {
  const commands = [...install.keptCommands];
  const names = install.packages.join(' ');
  if (install.packages.length > 0) {
    switch (install.family) {
      case 'apt':
        commands.push('apt-get update', `apt-get install -y --no-install-recommends ${names}`, 'rm -rf /var/lib/apt/lists/*');
        break;
      case 'apk':
        commands.push(`apk add --no-cache ${names}`);
        break;
      case 'rpm': {
        const tool = install.tool === 'yum' ? 'yum' : install.tool;
        const weak = tool === 'dnf' || tool === 'microdnf' ? ' --setopt=install_weak_deps=0' : '';
        commands.push(`${tool} install -y${weak} ${names}`, `${tool} clean all`);
        break;
      }
      case 'zypper':
        commands.push(`zypper --non-interactive install --no-recommends ${names}`, 'zypper clean --all');
        break;
    }
  }
  if (commands.length === 0) return undefined;
  return `RUN ${commands.join(` ${escapeChar}${newline} && `)}`;
}

function abbreviate(text: string): string {
  return text.length > 50 ? `${text.slice(0, 47)}...` : text;
}
