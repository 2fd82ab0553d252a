import { WHOLE_CONTEXT_SOURCES } from '../analysis/context';
import { buildHelperVerdicts, type BuildHelperVerdicts } from '../analysis/build-helpers';
import { startCommand, startScript, startText, type StartCommand } from '../analysis/start';
import { interpretCommand, resolvePath } from '../commands';
import { optionValues, parseOptions } from '../commands/argv';
import { ECOSYSTEMS, ecosystemOfCommand, findToolchainImage, languageOfImage, type EcosystemId, type ImageUser, type PlanContribution, type PlanInput, type StartVerdict } from '../ecosystems';
import { family as familyById, useradd, type DistributionBase, type FamilyId, type PackageFamily } from '../families';
import type { ImageReference } from '../knowledge/images';
import type { DockerfileModel, InstructionInfo, StageInfo } from '../model';
import { normalizePath, type ShellCommand } from '../shell/parse';
import { expandDockerfileWord } from '../variables';
import { buildsSomething, commandName, roleOf, runsInRuntime } from '../commands/roles';
import { runtimeInstallFor, scriptTool, type RuntimeInstall } from './runtime-install';

/** Where each instruction of the image that ships goes. */
export type InstructionKind =
  /** ARG, ENV, WORKDIR, USER, SHELL: both stages. */
  | 'context'
  /** LABEL, EXPOSE, VOLUME, HEALTHCHECK, STOPSIGNAL, ENTRYPOINT, CMD: the runtime stage only. */
  | 'metadata'
  /** RUN that installs packages: verbatim in the builder, its runtime half in the runtime stage. */
  | 'install'
  /** RUN that compiles or fetches dependencies: the builder only. */
  | 'build'
  /** RUN of setup commands only (useradd, mkdir, ln): both stages. */
  | 'setup'
  /** Any other RUN: wherever it falls, before or after the last build step. */
  | 'other'
  /** COPY/ADD from the build context. */
  | 'copy-context'
  /** COPY --from another stage or image. */
  | 'copy-from';

/** How the rewritten image starts. */
export type StartPlan =
  | { readonly kind: 'unchanged' }
  /** `go run`, `cargo run`: the builder builds the artefact and the start instruction runs it. */
  | { readonly kind: 'compiles-at-start'; readonly instruction: InstructionInfo; readonly replacement: string; readonly buildCommand: string };

export interface Plan {
  /** The stages of the image that ships, base first; the last is the one split. */
  readonly chain: readonly StageInfo[];
  /** Their instructions in order (FROMs left out), and where each goes. */
  readonly instructions: readonly InstructionInfo[];
  readonly kinds: readonly InstructionKind[];
  /** Index of the last instruction the builder needs; -1 when nothing is built. */
  readonly lastBuild: number;
  readonly ecosystems: readonly EcosystemId[];
  readonly runtimeInstalls: ReadonlyMap<InstructionInfo, RuntimeInstall | undefined>;
  readonly builderInsertions: ReadonlyMap<InstructionInfo, readonly string[]>;
  readonly builderAppend: readonly string[];
  /** Paths copied from the builder, as [from, to]. */
  readonly artefacts: ReadonlyArray<readonly [string, string]>;
  /** Lines the runtime stage gains right after the copies (a PATH). */
  readonly afterArtefacts: readonly string[];
  /** Packages the runtime stage adds because its new base lacks them (CA certificates after golang). */
  readonly extraRuntimePackages: readonly string[];
  /** The runtime base's family and its package manager, for packages no install RUN takes. */
  readonly runtimeFamily: { readonly family: PackageFamily; readonly tool: string } | undefined;
  readonly start: StartPlan;
  /** An ecosystem's runtime base instead of the derived one. */
  readonly runtimeBase: string | undefined;
  /** The toolchain image's own user, which the runtime image lacks: the line that creates it, and the USER to run as. */
  readonly runtimeUser: { readonly create: string; readonly runAs: string | undefined } | undefined;
  readonly notes: readonly string[];
}

export type PlanResult =
  | { readonly ok: true; readonly plan: Plan }
  | { readonly ok: false; readonly kind: 'build-environment' | 'unsupported'; readonly reason: string };

/** The family and distribution base the runtime stage installs its packages with. */
export interface RuntimeDistribution {
  readonly family: PackageFamily;
  readonly base: DistributionBase;
}

export interface PlanOptions {
  readonly extraBuildTools: ReadonlySet<string>;
  readonly toolchainBase: boolean;
  readonly runtimeImage: ImageReference;
  readonly runtimeDistribution: RuntimeDistribution | undefined;
  readonly readContextFile: (path: string) => string | undefined;
  readonly contextFiles: () => readonly string[];
}

const CONTEXT = new Set(['ARG', 'ENV', 'WORKDIR', 'USER', 'SHELL']);
const METADATA = new Set(['LABEL', 'EXPOSE', 'VOLUME', 'HEALTHCHECK', 'STOPSIGNAL', 'ENTRYPOINT', 'CMD', 'MAINTAINER']);

export function planSplit(model: DockerfileModel, chain: readonly StageInfo[], options: PlanOptions): PlanResult {
  const instructions = chain.flatMap((stage) => stage.instructions);
  const kinds: InstructionKind[] = [];
  const commandsOf = new Map<InstructionInfo, readonly ShellCommand[]>();
  for (const info of instructions) {
    const kind = classify(model, info, commandsOf);
    if (typeof kind === 'object') return kind;
    kinds.push(kind);
  }
  const builds = (info: InstructionInfo) => (commandsOf.get(info) ?? []).some((command) => roleOf(command) === 'build');
  // A RUN of unknown commands (`nimble c`, `curl ... | sh`) may need what moves to the builder: it
  // stays in the runtime stage only when everything it runs is at home there.
  const unknownBuild = (info: InstructionInfo) => (commandsOf.get(info) ?? []).some((command) => !runsInRuntime(command));
  // An install of build tools followed by commands that are not at home in a runtime stage is a
  // build step too (`apk add g++ make && gosu node ghost install`): they need what it installs.
  const installsBuildTools = (info: InstructionInfo) =>
    (commandsOf.get(info) ?? []).some((command) => interpretCommand(command).some((effect) => effect.kind === 'package-install' && effect.packages.some((pkg) => familyById(effect.family).isBuildOnly(pkg.name))));
  const buildsAfterInstalling = (info: InstructionInfo) =>
    installsBuildTools(info) && (commandsOf.get(info) ?? []).some((command) => roleOf(command) === 'other' && !runsInRuntime(command));
  let lastBuild = -1;
  instructions.forEach((info, index) => {
    if (kinds[index] === 'build' || (kinds[index] === 'install' && (builds(info) || buildsAfterInstalling(info))) || (kinds[index] === 'other' && unknownBuild(info))) lastBuild = index;
  });
  if (lastBuild < 0) lastBuild = kinds.lastIndexOf('install');

  // How the image starts: a build environment is refused; a compiling start becomes its artefact.
  const start = startCommand(model, chain);
  const workdirAtStart = start?.instruction.workdir ?? instructions[instructions.length - 1]?.workdir;
  const verdict = start ? classifyStart(start, workdirAtStart, options) : undefined;
  if (verdict?.kind === 'build-environment') return { ok: false, kind: 'build-environment', reason: verdict.reason };
  if (verdict?.kind === 'unsupported') return { ok: false, kind: 'unsupported', reason: verdict.reason };
  if (!start && !copiesAnApplication(model, instructions, kinds, commandsOf)) {
    return { ok: false, kind: 'build-environment', reason: 'it has no CMD or ENTRYPOINT and copies no application into the image, so it looks like a base or build image whose tools are its purpose' };
  }
  const toolchain = findToolchainImage(chain[0]!.image);
  if (!start && toolchain && !toolchain.interpreter) {
    return { ok: false, kind: 'build-environment', reason: `it has no CMD or ENTRYPOINT and starts from ${chain[0]!.imageText}, as images built to compile other projects do` };
  }
  const compiles = verdict?.kind === 'compiles-at-start' ? verdict : undefined;
  // A compiling start is built in the builder from everything the stage set up before it.
  if (compiles) kinds.forEach((kind, index) => kind !== 'metadata' && index > lastBuild && (lastBuild = index));
  // Other RUNs before the last build step are build steps too (./build.sh, curl | tar).
  instructions.forEach((_, index) => {
    if (kinds[index] === 'other' && index < lastBuild) kinds[index] = 'build';
  });

  const builderRuns = instructions.slice(0, lastBuild + 1).filter((info) => commandsOf.has(info));
  const builderCommands = builderRuns.flatMap((info) => (commandsOf.get(info) ?? []).map((command) => ({ info, command })));
  const runtimeCommands = instructions.slice(lastBuild + 1).flatMap((info) => commandsOf.get(info) ?? []);
  const workdir = instructions[Math.max(0, lastBuild)]?.workdir;
  const lastInfo = instructions[Math.max(0, lastBuild)];
  const scope = (name: string) => lastInfo?.scope.get(name);

  // Packages only the build needs here, and the runtime half of every install.
  const script = startScript(start);
  const scriptText = script ? readScript(script, workdirAtStart, options) : undefined;
  const helpers = new Map<FamilyId, BuildHelperVerdicts>();
  const helpersOf = (id: FamilyId) => {
    let verdicts = helpers.get(id);
    if (!verdicts) {
      verdicts = buildHelperVerdicts({
        family: id,
        buildCommands: builderCommands.map(({ command }) => command),
        runtimeCommands,
        startText: startText(model, chain),
        startScript: scriptText,
        opaqueStartScript: script !== undefined && scriptText === undefined,
        baseEcosystem: languageOfImage(chain[0]!.image),
        imageBuilds: builderCommands.some(({ command }) => buildsSomething(command)) || buildToolsInstalled(id),
      });
      helpers.set(id, verdicts);
    }
    return verdicts;
  };
  const buildToolsInstalled = (id: FamilyId) =>
    instructions.some((info) => (commandsOf.get(info) ?? []).some((command) => interpretCommand(command).some((effect) => effect.kind === 'package-install' && effect.family === id && effect.packages.some((pkg) => familyById(id).isBuildOnly(pkg.name)))));
  // The runtime image's program, or where it is the original's own image, the one the original ran.
  const runtimeToolOf = ({ family, base }: RuntimeDistribution) => {
    if (base.runtimeTool) return base.runtimeTool;
    for (const info of instructions) {
      for (const command of commandsOf.get(info) ?? []) {
        const install = interpretCommand(command).find((effect) => effect.kind === 'package-install' && effect.family === family.id);
        if (install && 'tool' in install) return scriptTool(install.tool);
      }
    }
    return family.tools[0]!;
  };
  const isBuildOnly = (id: FamilyId, name: string) => options.extraBuildTools.has(name) || familyById(id).isBuildOnly(name) || helpersOf(id).buildOnly.has(name);
  const runtimeInstalls = new Map<InstructionInfo, RuntimeInstall | undefined>();
  for (const [index, info] of instructions.entries()) {
    if (kinds[index] !== 'install') continue;
    const result = runtimeInstallFor(commandsOf.get(info) ?? [], {
      isBuildOnly,
      distribution: options.runtimeDistribution?.base,
      runtimeTool: (id) => (options.runtimeDistribution?.family.id === id ? options.runtimeDistribution.base.runtimeTool : undefined),
      keepOtherCommands: index > lastBuild,
    });
    if (!result.ok) return { ok: false, kind: 'unsupported', reason: result.reason };
    runtimeInstalls.set(info, result.install);
  }
  const movedPackages = [...runtimeInstalls.values()].flatMap((install) => install?.moved ?? []);
  const runtimePackages = [...runtimeInstalls.values()].flatMap((install) => install?.packages ?? []);

  // The ecosystems the build uses: each adds its part (a virtualenv, pruning, artefacts).
  const used = new Set<EcosystemId>(['generic']);
  for (const { command } of builderCommands) {
    const ecosystem = ecosystemOfCommand(commandName(command) ?? '');
    if (ecosystem) used.add(ecosystem.id);
  }
  const rootImage = chain[0]!.image;
  if (toolchain) used.add(toolchain.ecosystem.id);
  const input: PlanInput = {
    model,
    instructions,
    lastBuild,
    builderCommands,
    workdir,
    scope,
    baseImage: rootImage,
    toolchainBase: options.toolchainBase,
    runtimeImage: options.runtimeImage,
    runtimeDistribution: options.runtimeDistribution,
    movedPackages,
    runtimePackages,
    startProgram: start?.words[0],
    compilesAtStart: compiles !== undefined,
    readContextFile: options.readContextFile,
    contextFiles: options.contextFiles,
  };
  const contributions: PlanContribution[] = [];
  for (const ecosystem of ECOSYSTEMS) {
    if (!used.has(ecosystem.id) || !ecosystem.contribute) continue;
    const contribution = ecosystem.contribute(input);
    if (contribution.refusal) return { ok: false, kind: 'unsupported', reason: contribution.refusal };
    contributions.push(contribution);
  }

  const dropped = new Set(contributions.flatMap((contribution) => contribution.dropRuntimePackages ?? []));
  if (dropped.size > 0) {
    for (const [info, install] of runtimeInstalls) {
      if (install) runtimeInstalls.set(info, { ...install, packages: install.packages.filter((name) => !dropped.has(name)) });
    }
  }
  const builderInsertions = new Map<InstructionInfo, string[]>();
  for (const { before, lines } of contributions.flatMap((contribution) => contribution.builderInsertions ?? [])) {
    builderInsertions.set(before, [...(builderInsertions.get(before) ?? []), ...lines]);
  }
  const builderAppend = contributions.flatMap((contribution) => contribution.builderAppend ?? []);
  const artefacts: Array<readonly [string, string]> = contributions.flatMap((contribution) => contribution.artefacts ?? []);
  const afterArtefacts = [...new Set(contributions.flatMap((contribution) => contribution.afterArtefacts ?? []))];
  if (compiles) {
    const environment = contributions.map((contribution) => contribution.startBuildEnvironment).find((value) => value !== undefined);
    builderAppend.push(`RUN ${environment ? `${environment} ` : ''}${compiles.buildCommand}`);
    artefacts.push([compiles.artefact.from, compiles.artefact.to]);
  }

  // What the build wrote outside the working directory, and the working directory itself.
  const buildSteps = new Set(instructions.filter((info, index) => kinds[index] === 'build' || (kinds[index] === 'install' && (builds(info) || buildsAfterInstalling(info)))));
  const outputs = explicitOutputs(model, instructions, lastBuild, commandsOf, buildSteps);
  const contextCopied = kinds.slice(0, lastBuild + 1).includes('copy-context');
  const votes = contributions.map((contribution) => contribution.workdir).filter((vote) => vote !== undefined);
  const recopied = instructions.some((info, index) => index > lastBuild && kinds[index] === 'copy-context' && copiesWholeContextTo(model, info, workdir));
  const installsOutside = [...used].every((id) => id === 'generic' || id === 'python' || id === 'ruby');
  const copyWorkdir = votes.includes('copy') || (!votes.includes('skip') && !compiles && !(recopied && installsOutside));
  if (workdir && workdir !== '/' && (contextCopied || lastBuild >= 0) && copyWorkdir) outputs.unshift(workdir);
  if ((!workdir || workdir === '/') && contextCopied && outputs.length === 0 && artefacts.length === 0) {
    const program = start?.words[0];
    const binary = program && /^(\.\/|\/)[\w./-]+$/.test(program) ? resolvePath(program, workdir ?? '/') : undefined;
    if (!binary) return { ok: false, kind: 'unsupported', reason: 'the build context is copied into / (there is no WORKDIR), so the build results cannot be told from the base system; add a WORKDIR first' };
    outputs.push(binary);
  }
  for (const path of dedupe(outputs)) {
    if (!artefacts.some(([from]) => from === path || path.startsWith(`${from}/`))) artefacts.push([path, path]);
  }
  // A build whose results cannot be located would be lost: better no rewrite than an empty image.
  const compilesSomething = instructions.some((info, index) => index <= lastBuild && kinds[index] === 'build' && (commandsOf.get(info) ?? []).some((command) => roleOf(command) !== 'package-manager'));
  if (artefacts.length === 0 && compilesSomething) {
    return { ok: false, kind: 'unsupported', reason: 'the build writes its results nowhere the rewrite can name (no WORKDIR, no output path), so it cannot tell what the runtime stage needs' };
  }

  const notes = [...contributions.flatMap((contribution) => contribution.notes ?? []), ...[...helpers.values()].flatMap((verdicts) => [...verdicts.kept.values()])];
  const runtimeFamily = options.runtimeDistribution ? { family: options.runtimeDistribution.family, tool: runtimeToolOf(options.runtimeDistribution) } : undefined;
  return {
    ok: true,
    plan: {
      chain,
      instructions,
      kinds,
      lastBuild,
      ecosystems: [...used].filter((id) => id !== 'generic'),
      runtimeInstalls,
      builderInsertions,
      builderAppend,
      artefacts: dedupeArtefacts(artefacts),
      afterArtefacts,
      extraRuntimePackages: [...new Set(contributions.flatMap((contribution) => contribution.runtimePackages ?? []))].filter((name) => !dropped.has(name)),
      runtimeFamily,
      start: compiles ? { kind: 'compiles-at-start', instruction: start!.instruction, replacement: `${start!.keyword} ${jsonArray(compiles.startWords)}`, buildCommand: compiles.buildCommand } : { kind: 'unchanged' },
      runtimeBase: contributions.map((contribution) => contribution.runtimeBase).find((base) => base !== undefined),
      runtimeUser: toolchainUser(toolchain?.user, instructions, options),
      notes: [...new Set(notes)],
    },
  };
}

/** The ecosystems' verdict on the start command: the first one that recognises it. */
function classifyStart(start: StartCommand, workdir: string | undefined, options: PlanOptions): StartVerdict | undefined {
  const context = { workdir, readContextFile: options.readContextFile, contextFiles: options.contextFiles };
  for (const ecosystem of ECOSYSTEMS) {
    const verdict = ecosystem.classifyStart?.({ words: start.words, keyword: start.keyword }, context);
    if (verdict) return verdict;
  }
  return undefined;
}

/**
 * An image without a start command is an application image when it copies one in (scripts for /tmp
 * do not count) or installs an application's dependencies (`pip install -r requirements.txt`).
 */
function copiesAnApplication(model: DockerfileModel, instructions: readonly InstructionInfo[], kinds: readonly InstructionKind[], commandsOf: ReadonlyMap<InstructionInfo, readonly ShellCommand[]>): boolean {
  const installsDependencies = instructions.some((info) => (commandsOf.get(info) ?? []).some((command) => interpretCommand(command).some((effect) => effect.kind === 'dependency-install')));
  return installsDependencies || instructions.some((info, index) => {
    if (kinds[index] !== 'copy-context' && kinds[index] !== 'copy-from') return false;
    const words = model.wordsOf(info).words;
    const destination = resolvePath(words[words.length - 1]?.value, info.workdir ?? '/');
    return destination === undefined || !/^\/(tmp|var\/tmp)(\/|$)/.test(destination);
  });
}

/** The start script's text from the build context, when the context is known and holds it. */
function readScript(script: string, workdir: string | undefined, options: PlanOptions): string | undefined {
  const name = script.replace(/^\.\//, '');
  return options.readContextFile(name) ?? options.readContextFile(name.split('/').pop()!) ?? (workdir ? options.readContextFile(`${workdir.replace(/^\//, '')}/${name}`) : undefined);
}

function classify(model: DockerfileModel, info: InstructionInfo, commandsOf: Map<InstructionInfo, readonly ShellCommand[]>): InstructionKind | { ok: false; kind: 'unsupported'; reason: string } {
  const line = model.lineNumberAt(info.start);
  if (CONTEXT.has(info.keyword)) return 'context';
  if (METADATA.has(info.keyword)) return 'metadata';
  if (info.keyword === 'ONBUILD') return { ok: false, kind: 'unsupported', reason: `line ${line} has ONBUILD, which belongs to base images` };
  if (info.keyword === 'COPY' || info.keyword === 'ADD') {
    return model.flagsOf(info).some((flag) => flag.name.toLowerCase() === 'from') ? 'copy-from' : 'copy-context';
  }
  if (info.keyword !== 'RUN') return 'other';
  const parsed = model.shellOf(info);
  if (!parsed) return { ok: false, kind: 'unsupported', reason: `the RUN on line ${line} uses a non-POSIX SHELL` };
  if (parsed.error) return { ok: false, kind: 'unsupported', reason: `the RUN on line ${line} does not parse as shell (${parsed.error.message})` };
  commandsOf.set(info, parsed.commands);
  const roles = parsed.commands.map(roleOf);
  if (parsed.commands.some((command) => interpretCommand(command).some((effect) => effect.kind === 'package-install'))) return 'install';
  if (roles.includes('build')) return 'build';
  if (roles.length > 0 && roles.every((role) => role === 'setup')) return 'setup';
  return 'other';
}

/** Files and folders build steps write outside the working directory, whatever the language. */
function explicitOutputs(
  model: DockerfileModel,
  instructions: readonly InstructionInfo[],
  lastBuild: number,
  commandsOf: ReadonlyMap<InstructionInfo, readonly ShellCommand[]>,
  buildSteps: ReadonlySet<InstructionInfo>,
): string[] {
  const outputs: string[] = [];
  for (const [index, info] of instructions.entries()) {
    if (index > lastBuild) break;
    const scope = (name: string) => info.scope.get(name);
    if (info.keyword === 'COPY' || info.keyword === 'ADD') {
      // A COPY --from another image or stage comes again in the runtime stage as it is written.
      if (model.flagsOf(info).some((flag) => flag.name.toLowerCase() === 'from')) continue;
      const args = model.wordsOf(info).words.map((word) => word.value);
      const destination = args[args.length - 1];
      const expanded = destination === undefined ? undefined : expandDockerfileWord(destination, scope).value;
      const path = expanded?.startsWith('/') ? normalizePath(expanded) : undefined;
      if (path && path !== '/' && !(info.workdir && (path === info.workdir || path.startsWith(`${info.workdir}/`)))) outputs.push(path);
      continue;
    }
    for (const command of commandsOf.get(info) ?? []) {
      const name = commandName(command) ?? '';
      const words = command.args.map((arg) => arg.value ?? '');
      const parsed = parseOptions(command.args.slice(1), new Set(['-o', '-O', '--output', '--output-document']));
      if ((name === 'npm' || name === 'yarn' || name === 'pnpm') && words.some((w) => w === '-g' || w === '--global' || w === 'global')) {
        outputs.push('/usr/local/lib/node_modules', '/usr/local/bin');
      } else if (name === 'mkdir' && words.includes('-p') && buildSteps.has(info)) {
        // A folder a build step creates outside the working directory is where it puts something.
        for (const word of words.slice(1).filter((w) => !w.startsWith('-'))) {
          const path = resolvePath(word, command.cwd);
          if (path && path !== '/' && !/^\/(tmp|var\/tmp|root|var\/cache|var\/log)(\/|$)/.test(path) && !(info.workdir && path.startsWith(`${info.workdir}/`))) outputs.push(path);
        }
      } else if (['cp', 'mv', 'install'].includes(name)) {
        const destination = words.filter((word, i) => i > 0 && !word.startsWith('-')).pop();
        const path = resolvePath(destination, command.cwd);
        if (path && path !== '/' && words.length > 2) outputs.push(path.replace(/\/$/, ''));
      } else if (name === 'curl' || name === 'wget') {
        const output = optionValues(parsed, '-o', '--output', '-O', '--output-document')[0];
        const path = output && output !== '-' ? resolvePath(output, command.cwd) : undefined;
        if (path) outputs.push(path);
      }
    }
  }
  return outputs;
}

function copiesWholeContextTo(model: DockerfileModel, info: InstructionInfo, workdir: string | undefined): boolean {
  const args = model.wordsOf(info).words.map((word) => word.value);
  if (args.length !== 2 || !WHOLE_CONTEXT_SOURCES.has(args[0]!)) return false;
  const destination = resolvePath(args[1], info.workdir ?? '/');
  return destination !== undefined && destination === workdir;
}

function dedupe(paths: readonly string[]): string[] {
  const unique = [...new Set(paths.map((path) => (path === '/' ? path : path.replace(/\/+$/, ''))))];
  return unique.filter((path) => !unique.some((other) => other !== path && path.startsWith(`${other}/`)));
}

/** One copy per source; a source inside another copied source with the same target layout is dropped. */
function dedupeArtefacts(artefacts: ReadonlyArray<readonly [string, string]>): Array<readonly [string, string]> {
  const result: Array<readonly [string, string]> = [];
  for (const [from, to] of artefacts) {
    const covered = artefacts.some(([otherFrom, otherTo]) => otherFrom !== from && from.startsWith(`${otherFrom}/`) && otherFrom === otherTo && from === to);
    if (!covered && !result.some(([f, t]) => f === from && t === to)) result.push([from, to]);
  }
  return result;
}

/** Exec form as Dockerfiles usually spell it: `["java", "-jar", "app.jar"]`. */
function jsonArray(words: readonly string[]): string {
  return `[${words.map((word) => JSON.stringify(word)).join(', ')}]`;
}

/** The toolchain image's user, recreated in a runtime image that lacks it; its USER when the original ran as it. */
function toolchainUser(user: ImageUser | undefined, instructions: readonly InstructionInfo[], options: PlanOptions): Plan['runtimeUser'] {
  if (!user || !options.toolchainBase) return undefined;
  const create = (options.runtimeDistribution?.family.createUserCommand ?? useradd)(user);
  const setsUser = instructions.some((info) => info.keyword === 'USER');
  return { create: `RUN ${create}`, runAs: user.runsAs && !setsUser ? `USER ${user.name}` : undefined };
}
