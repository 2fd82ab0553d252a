import { WHOLE_CONTEXT_SOURCES } from '../analysis/context';
import { interpretCommand, resolvePath } from '../commands';
import { optionValues, parseOptions } from '../commands/argv';
import type { DockerfileModel, InstructionInfo, StageInfo } from '../model';
import type { ImageReference } from '../knowledge/images';
import { normalizePath, type ShellCommand } from '../shell/parse';
import { expandDockerfileWord } from '../variables';
import { commandName, roleOf } from './commands';
import { runtimeInstallFor, type RuntimeInstall } from './runtime-install';
import type { StartCommand } from './start-command';

/** Where each instruction of the split stage goes. */
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

export type Ecosystem = 'python' | 'node' | 'go' | 'rust' | 'java' | 'ruby' | 'c' | 'generic';

export interface Plan {
  readonly stage: StageInfo;
  readonly kinds: readonly InstructionKind[];
  /** Index of the last instruction the builder needs; -1 when nothing is built. */
  readonly lastBuild: number;
  readonly ecosystem: Ecosystem;
  readonly runtimeInstalls: ReadonlyMap<InstructionInfo, RuntimeInstall | undefined>;
  /** Lines the builder gains before an instruction (a virtualenv, CGO_ENABLED=0). */
  readonly builderInsertions: ReadonlyMap<InstructionInfo, readonly string[]>;
  /** Lines appended at the end of the builder (npm prune, the build of a `go run` CMD). */
  readonly builderAppend: readonly string[];
  /** Paths copied from the builder, as [from, to]. */
  readonly artefacts: ReadonlyArray<readonly [string, string]>;
  /** Lines the runtime stage gains right after the copies (the virtualenv's PATH). */
  readonly afterArtefacts: readonly string[];
  /** Packages the runtime stage adds because its new base lacks them (CA certificates after golang). */
  readonly extraRuntimePackages: readonly string[];
  readonly start: StartCommand;
}

export type PlanResult = { readonly ok: true; readonly plan: Plan } | { readonly ok: false; readonly reason: string };

/** Folders the toolchain images add to PATH where builds install programs. */
const TOOLCHAIN_PATHS: Readonly<Record<string, readonly string[]>> = { golang: ['/go/bin'], rust: ['/usr/local/cargo/bin'] };

const CONTEXT = new Set(['ARG', 'ENV', 'WORKDIR', 'USER', 'SHELL']);
const METADATA = new Set(['LABEL', 'EXPOSE', 'VOLUME', 'HEALTHCHECK', 'STOPSIGNAL', 'ENTRYPOINT', 'CMD', 'MAINTAINER']);

export function planSplit(model: DockerfileModel, stage: StageInfo, start: StartCommand, extraBuildTools: ReadonlySet<string>, toolchainBase: boolean, runtimeImage: ImageReference): PlanResult {
  const kinds: InstructionKind[] = [];
  const commandsOf = new Map<InstructionInfo, readonly ShellCommand[]>();
  for (const info of stage.instructions) {
    const kind = classify(model, info, commandsOf);
    if (typeof kind === 'object') return kind;
    kinds.push(kind);
  }
  const builds = (info: InstructionInfo) => (commandsOf.get(info) ?? []).some((command) => roleOf(command) === 'build');
  let lastBuild = -1;
  stage.instructions.forEach((info, index) => {
    if (kinds[index] === 'build' || (kinds[index] === 'install' && builds(info))) lastBuild = index;
  });
  if (lastBuild < 0) lastBuild = kinds.lastIndexOf('install');
  // A CMD that compiles (`go run`) is built in the builder from everything the stage set up before it.
  if (start.kind === 'compiles-at-start') kinds.forEach((kind, index) => kind !== 'metadata' && index > lastBuild && (lastBuild = index));
  // Other RUNs before the last build step are build steps too (./build.sh, curl | tar).
  stage.instructions.forEach((_, index) => {
    if (kinds[index] === 'other' && index < lastBuild) kinds[index] = 'build';
  });

  const builderCommands = stage.instructions.slice(0, lastBuild + 1).flatMap((info) => commandsOf.get(info) ?? []);
  const ecosystem = detectEcosystem(builderCommands, start);
  const runtimeInstalls = new Map<InstructionInfo, RuntimeInstall | undefined>();
  for (const [index, info] of stage.instructions.entries()) {
    if (kinds[index] !== 'install') continue;
    const result = runtimeInstallFor(commandsOf.get(info) ?? [], extraBuildTools, index > lastBuild);
    if (!result.ok) return { ok: false, reason: result.reason };
    runtimeInstalls.set(info, result.install);
  }

  const builderInsertions = new Map<InstructionInfo, string[]>();
  const builderAppend: string[] = [];
  const afterArtefacts: string[] = [];
  const artefacts: Array<readonly [string, string]> = [];
  const lastInfo = stage.instructions[Math.max(0, lastBuild)];
  const workdir = lastInfo?.workdir;
  const scope = (name: string) => lastInfo?.scope.get(name);
  const insertBefore = (info: InstructionInfo, lines: string[]) => builderInsertions.set(info, [...(builderInsertions.get(info) ?? []), ...lines]);
  const firstRunWith = (test: (command: ShellCommand) => boolean) =>
    stage.instructions.slice(0, lastBuild + 1).find((info) => (commandsOf.get(info) ?? []).some(test));

  // Ecosystem specifics: where the build puts what the application needs.
  if (ecosystem === 'python') {
    const venv = findVirtualenv(builderCommands);
    const pipUser = builderCommands.some((command) => isPipInstall(command) && command.args.some((arg) => arg.value === '--user'));
    if (venv) artefacts.push([venv, venv]);
    else if (pipUser) artefacts.push(['/root/.local', '/root/.local']);
    else if (['python', 'pypy'].includes(stage.image.repository)) {
      const firstPip = firstRunWith(isPipInstall)!;
      insertBefore(firstPip, ['RUN python -m venv /opt/venv', 'ENV PATH="/opt/venv/bin:$PATH"']);
      artefacts.push(['/opt/venv', '/opt/venv']);
      afterArtefacts.push('ENV PATH="/opt/venv/bin:$PATH"');
    } else {
      return { ok: false, reason: 'pip installs into the system Python here; create a virtualenv first (RUN python3 -m venv /opt/venv and ENV PATH="/opt/venv/bin:$PATH") so the builder can hand it over' };
    }
  }
  // Static Go binaries run on any base; cgo (wanted when -dev packages are installed) stays as set.
  const staticGo = ecosystem === 'go' && !scope('CGO_ENABLED') && !needsCgo(runtimeInstalls);
  if (staticGo) {
    const firstGo = firstRunWith((command) => commandName(command) === 'go');
    if (firstGo) insertBefore(firstGo, ['ENV CGO_ENABLED=0']);
  }
  if (ecosystem === 'node') {
    const installs = builderCommands.filter((command) => ['npm'].includes(commandName(command) ?? '') && ['ci', 'install', 'i'].includes(command.args[1]?.value ?? ''));
    const omitsDev = installs.some((command) => command.args.some((arg) => /^(--omit=dev|--production|--only=prod(uction)?)$/.test(arg.value ?? '')));
    if (installs.length > 0 && !omitsDev && scope('NODE_ENV') !== 'production') builderAppend.push('RUN npm prune --omit=dev');
  }
  if (start.kind === 'compiles-at-start') {
    builderAppend.push(`RUN ${staticGo ? 'CGO_ENABLED=0 ' : ''}${start.buildCommand}`);
    artefacts.push([start.artefact.from, start.artefact.to]);
  }

  // Outputs the builder's commands name explicitly.
  const outputs = explicitOutputs(model, stage, lastBuild, commandsOf, ecosystem);
  const cargoInstall = builderCommands.find((command) => commandName(command) === 'cargo' && command.args[1]?.value === 'install');
  if (cargoInstall) {
    // cargo install puts binaries beside rustup's cargo and rustc proxies: copy only the one the CMD runs.
    const root = optionValues(parseOptions(cargoInstall.args.slice(2), new Set(['--root'])), '--root')[0];
    const bin = root ? `${resolvePath(root, cargoInstall.cwd) ?? root}/bin` : `${scope('CARGO_HOME') ?? (stage.image.repository === 'rust' ? '/usr/local/cargo' : '/root/.cargo')}/bin`;
    const program = startProgram(model, stage);
    if (!program) return { ok: false, reason: `cargo install puts the binary in ${bin} beside the toolchain, and the CMD does not name it` };
    const name = program.split('/').pop()!;
    artefacts.push(program.startsWith('/') ? [program, program] : [`${bin}/${name}`, `/usr/local/bin/${name}`]);
  }
  const rustBinary = ecosystem === 'rust' ? rustBinaryFromStart(model, stage, workdir) : undefined;
  if (rustBinary) outputs.unshift(rustBinary);
  // The working directory holds sources, assets and, for most toolchains, the build output.
  const contextCopied = stage.instructions.slice(0, lastBuild + 1).some((_, index) => kinds[index] === 'copy-context');
  // Python and Ruby builds land in the virtualenv or the bundle; when the whole context is copied
  // again after the build, the builder's working directory (only manifests) adds nothing.
  const recopied = (ecosystem === 'python' || ecosystem === 'ruby') && stage.instructions.some((info, index) => index > lastBuild && kinds[index] === 'copy-context' && copiesWholeContextTo(model, info, workdir));
  // A jar or binary built from a compiling CMD is the whole application; Go keeps its assets around it.
  // Rust's target/ folder is large and only the binaries matter.
  const artefactOnly = (start.kind === 'compiles-at-start' && ecosystem !== 'go') || (ecosystem === 'rust' && (outputs.length > 0 || cargoInstall !== undefined));
  if (workdir && workdir !== '/' && (contextCopied || lastBuild >= 0) && !rustBinary && !recopied && !artefactOnly) outputs.unshift(workdir);
  if ((!workdir || workdir === '/') && contextCopied && !rustBinary && outputs.length === 0) {
    return { ok: false, reason: 'the build context is copied into / (there is no WORKDIR), so the build results cannot be told from the base system; add a WORKDIR first' };
  }
  for (const path of dedupe(outputs)) {
    if (!artefacts.some(([from]) => from === path || path.startsWith(`${from}/`))) artefacts.push([path, path]);
  }

  const extraRuntimePackages: string[] = [];
  const distroRuntime = runtimeImage.repository === 'debian' || runtimeImage.repository === 'ubuntu';
  if (toolchainBase && distroRuntime && /^(golang|rust|gcc|buildpack-deps|haskell)$/.test(stage.image.repository)) extraRuntimePackages.push('ca-certificates');
  // The toolchain image put its bin folder on PATH; the plain distribution image does not.
  if (toolchainBase && distroRuntime) {
    for (const folder of TOOLCHAIN_PATHS[stage.image.repository] ?? []) {
      if (artefacts.some(([, to]) => to === folder || to.startsWith(`${folder}/`))) afterArtefacts.push(`ENV PATH="${folder}:$PATH"`);
    }
  }

  return {
    ok: true,
    plan: { stage, kinds, lastBuild, ecosystem, runtimeInstalls, builderInsertions, builderAppend, artefacts, afterArtefacts, extraRuntimePackages, start },
  };
}

function classify(model: DockerfileModel, info: InstructionInfo, commandsOf: Map<InstructionInfo, readonly ShellCommand[]>): InstructionKind | { ok: false; reason: string } {
  const line = model.lineNumberAt(info.start);
  if (CONTEXT.has(info.keyword)) return 'context';
  if (METADATA.has(info.keyword)) return 'metadata';
  if (info.keyword === 'ONBUILD') return { ok: false, reason: `line ${line} has ONBUILD, which belongs to base images` };
  if (info.keyword === 'COPY' || info.keyword === 'ADD') {
    return model.flagsOf(info).some((flag) => flag.name.toLowerCase() === 'from') ? 'copy-from' : 'copy-context';
  }
  if (info.keyword !== 'RUN') return 'other';
  const parsed = model.shellOf(info);
  if (!parsed) return { ok: false, reason: `the RUN on line ${line} uses a non-POSIX SHELL` };
  if (parsed.error) return { ok: false, reason: `the RUN on line ${line} does not parse as shell (${parsed.error.message})` };
  commandsOf.set(info, parsed.commands);
  const roles = parsed.commands.map(roleOf);
  if (parsed.commands.some((command) => interpretCommand(command).some((effect) => effect.kind === 'package-install'))) return 'install';
  if (roles.includes('build')) return 'build';
  if (roles.length > 0 && roles.every((role) => role === 'setup')) return 'setup';
  return 'other';
}

function detectEcosystem(commands: readonly ShellCommand[], start: StartCommand): Ecosystem {
  const names = commands.map((command) => ({ name: commandName(command) ?? '', command }));
  const has = (test: (name: string, command: ShellCommand) => boolean) => names.some(({ name, command }) => test(name, command));
  if (has((_, command) => isPipInstall(command)) || has((name, command) => /^python/.test(name) && command.args.some((a) => a.value === 'venv'))) return 'python';
  if (has((name) => ['npm', 'yarn', 'pnpm'].includes(name))) return 'node';
  if (has((name) => name === 'go') || (start.kind === 'compiles-at-start' && start.buildCommand.startsWith('go '))) return 'go';
  if (has((name) => name === 'cargo' || name === 'rustc')) return 'rust';
  if (has((name) => ['mvn', 'mvnw', 'gradle', 'gradlew', 'javac', 'jar', 'ant'].includes(name))) return 'java';
  if (has((name) => ['bundle', 'bundler', 'gem'].includes(name))) return 'ruby';
  if (has((name) => ['make', 'cmake', 'gcc', 'g++', 'cc', 'c++', 'clang', 'ninja', 'meson'].includes(name))) return 'c';
  return 'generic';
}

function isPipInstall(command: ShellCommand): boolean {
  const name = commandName(command) ?? '';
  const words = command.args.map((arg) => arg.value);
  return (/^pip\d*(\.\d+)?$/.test(name) && words.includes('install')) || (/^python\d*(\.\d+)?$/.test(name) && words.includes('pip') && words.includes('install'));
}

function findVirtualenv(commands: readonly ShellCommand[]): string | undefined {
  for (const command of commands) {
    const name = commandName(command) ?? '';
    const words = command.args.map((arg) => arg.value);
    let target: string | undefined;
    if (/^python\d*(\.\d+)?$/.test(name) && words[1] === '-m' && words[2] === 'venv') target = words.slice(3).find((w) => w !== undefined && !w.startsWith('-'));
    else if (name === 'virtualenv') target = words.slice(1).find((w) => w !== undefined && !w.startsWith('-'));
    else if (name === 'uv' && words[1] === 'venv') target = words.slice(2).find((w) => w !== undefined && !w.startsWith('-')) ?? '.venv';
    const path = resolvePath(target, command.cwd);
    if (path) return path;
  }
  return undefined;
}

/** cgo needs a C compiler and headers at build time; a Dockerfile that installs -dev packages wants it. */
function needsCgo(installs: ReadonlyMap<InstructionInfo, RuntimeInstall | undefined>): boolean {
  return [...installs.values()].some((install) => install?.moved.some((name) => name.endsWith('-dev') && name !== 'libc6-dev') ?? false);
}

/** Files and folders build commands write outside the working directory. */
function explicitOutputs(model: DockerfileModel, stage: StageInfo, lastBuild: number, commandsOf: ReadonlyMap<InstructionInfo, readonly ShellCommand[]>, ecosystem: Ecosystem): string[] {
  const outputs: string[] = [];
  for (const [index, info] of stage.instructions.entries()) {
    if (index > lastBuild) break;
    const scope = (name: string) => info.scope.get(name);
    if (info.keyword === 'COPY' || info.keyword === 'ADD') {
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
      const parsed = parseOptions(command.args.slice(1), new Set(['-o', '--root', '--prefix', '-O', '--output', '--output-document']));
      if (name === 'go' && words[1] === 'build') {
        const output = optionValues(parsed, '-o')[0];
        const path = resolvePath(output, command.cwd);
        if (path) outputs.push(path);
      } else if (name === 'go' && words[1] === 'install') {
        outputs.push(scope('GOBIN') ?? `${scope('GOPATH') ?? (stage.image.repository === 'golang' ? '/go' : '/root/go')}/bin`);
      } else if (name === 'make' && words.includes('install')) {
        outputs.push(...installPrefixOutputs(words));
      } else if (name === 'cmake' && words[1] === '--install') {
        const prefix = optionValues(parsed, '--prefix')[0];
        outputs.push(...installPrefixOutputs(prefix ? [`PREFIX=${prefix}`] : []));
      } else if ((name === 'npm' || name === 'yarn' || name === 'pnpm') && words.some((w) => w === '-g' || w === '--global' || w === 'global')) {
        outputs.push('/usr/local/lib/node_modules', '/usr/local/bin');
      } else if ((name === 'bundle' || name === 'bundler') && words[1] === 'install' && ecosystem === 'ruby') {
        outputs.push(scope('BUNDLE_PATH') ?? scope('GEM_HOME') ?? (stage.image.repository === 'ruby' ? '/usr/local/bundle' : '/var/lib/gems'));
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

function installPrefixOutputs(words: readonly string[]): string[] {
  const setting = (name: string) => words.map((word) => new RegExp(`^${name}=(.+)$`).exec(word)?.[1]).find((value) => value !== undefined);
  const prefix = normalizePath(setting('PREFIX') ?? setting('prefix') ?? '/usr/local');
  const destdir = setting('DESTDIR');
  const root = destdir ? normalizePath(`${destdir}/${prefix}`) : prefix;
  // /usr/local of a language image holds the language itself; copy only what installs add there.
  return root === '/usr/local' ? ['/usr/local/bin', '/usr/local/lib', '/usr/local/share'] : [root];
}

/** The program ENTRYPOINT (or else CMD) starts, as written. */
function startProgram(model: DockerfileModel, stage: StageInfo): string | undefined {
  const start = [...stage.instructions].reverse().find((info) => info.keyword === 'ENTRYPOINT') ?? [...stage.instructions].reverse().find((info) => info.keyword === 'CMD');
  if (!start) return undefined;
  const text = model.text.slice(start.start, start.end).replace(/^\S+\s+/, '');
  const first = text.startsWith('[') ? /^\[\s*"([^"]+)"/.exec(text)?.[1] : text.split(/\s+/)[0];
  return first && /^[\w./-]+$/.test(first) ? first : undefined;
}

/** The binary a Rust CMD runs from target/release, so only it is copied (target/ is large). */
function rustBinaryFromStart(model: DockerfileModel, stage: StageInfo, workdir: string | undefined): string | undefined {
  const start = [...stage.instructions].reverse().find((info) => info.keyword === 'ENTRYPOINT' || info.keyword === 'CMD');
  if (!start) return undefined;
  const text = model.text.slice(start.start, start.end);
  const match = /["\s]((?:\.\/|\/)?[\w./-]*target\/release\/[\w.-]+)["\s]?/.exec(text);
  if (!match) return undefined;
  return resolvePath(match[1], workdir ?? '/');
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

