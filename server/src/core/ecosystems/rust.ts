import { basename, optionValues, parseOptions } from '../commands/argv';
import { resolvePath } from '../commands/paths';
import { parseTomlText } from '../knowledge/toml';
import type { Ecosystem, StartContext } from './ecosystem';
import { distributionRuntime } from './images';
import type { PlanContribution, PlanInput } from './plan-input';

export const rust: Ecosystem = {
  id: 'rust',
  title: 'Rust',
  commands: ['cargo', 'rustc', 'rustup'],
  dependencyInstallHint: /\bcargo\b[\s\S]*?\b(build|fetch|install)\b/,

  interpret(tool, argv, command) {
    const verb = argv.slice(1).map((arg) => arg.value ?? '').find((word) => !word.startsWith('-') && !word.startsWith('+'));
    return tool === 'cargo' && (verb === 'build' || verb === 'fetch' || verb === 'install') ? [{ kind: 'dependency-install', ecosystem: 'rust', command, manifests: ['Cargo.toml', 'Cargo.lock'] }] : [];
  },

  builds: () => true,
  compilers: ['cargo', 'rustc'],

  toolchainImages: [
    { matches: (image) => image.repository === 'rust' || image.repository === 'rustlang/rust', keeps: 'rustc, cargo and gcc', runtimeImage: distributionRuntime },
  ],

  classifyStart(start, context) {
    const [first, ...rest] = start.words;
    if (basename(first) !== 'cargo') return undefined;
    const spelled = start.words.slice(0, 3).join(' ');
    if (rest[0] !== 'run') return { kind: 'build-environment', reason: `it runs \`${spelled}\` at start-up and needs the Rust toolchain` };
    const dashDash = rest.indexOf('--');
    const options = rest.slice(1, dashDash < 0 ? undefined : dashDash);
    const binIndex = options.indexOf('--bin');
    const bin = binIndex >= 0 ? options[binIndex + 1] : binaryFromManifest(context);
    if (!bin) {
      return { kind: 'unsupported', reason: 'its CMD is `cargo run` without `--bin NAME`, and no Cargo.toml in the build context names the binary' };
    }
    const programArgs = dashDash < 0 ? [] : rest.slice(dashDash + 1);
    const target = context.workdir && context.workdir !== '/' ? context.workdir : '/app';
    return {
      kind: 'compiles-at-start',
      buildCommand: `cargo build --release --bin ${bin}`,
      artefact: { from: `${target}/target/release/${bin}`, to: `/usr/local/bin/${bin}` },
      startWords: [`/usr/local/bin/${bin}`, ...programArgs],
    };
  },

  contribute: planRust,
};

/** The binary `cargo run` runs: `default-run`, the only `[[bin]]`, or the package's name. */
function binaryFromManifest(context: StartContext): string | undefined {
  const text = context.readContextFile('Cargo.toml');
  if (!text) return undefined;
  try {
    const manifest = parseTomlText(text) as { package?: { name?: unknown; 'default-run'?: unknown }; bin?: Array<{ name?: unknown }> };
    if (typeof manifest.package?.['default-run'] === 'string') return manifest.package['default-run'];
    const bins = (manifest.bin ?? []).map((entry) => entry.name).filter((name): name is string => typeof name === 'string');
    if (bins.length === 1) return bins[0];
    if (bins.length === 0 && typeof manifest.package?.name === 'string') return manifest.package.name;
  } catch {
    return undefined; // not TOML: the Dockerfile alone must say
  }
  return undefined;
}

function planRust(input: PlanInput): PlanContribution {
  const artefacts: Array<readonly [string, string]> = [];
  const afterArtefacts: string[] = [];
  const cargoInstall = input.builderCommands.find(({ command }) => basename(command.args[0]?.value) === 'cargo' && command.args[1]?.value === 'install');
  if (cargoInstall) {
    // cargo install puts binaries beside rustup's cargo and rustc proxies: copy only the one the CMD runs.
    const root = optionValues(parseOptions(cargoInstall.command.args.slice(2), new Set(['--root'])), '--root')[0];
    const home = input.scope('CARGO_HOME') ?? (input.baseImage.repository === 'rust' ? '/usr/local/cargo' : '/root/.cargo');
    const bin = root ? `${resolvePath(root, cargoInstall.command.cwd) ?? root}/bin` : `${home}/bin`;
    const program = input.startProgram;
    if (!program) return { refusal: `cargo install puts the binary in ${bin} beside the toolchain, and the CMD does not name it` };
    const name = program.split('/').pop()!;
    artefacts.push(program.startsWith('/') ? [program, program] : [`${bin}/${name}`, `/usr/local/bin/${name}`]);
  }
  const fromStart = releaseBinaryOfStart(input);
  if (fromStart) artefacts.push([fromStart, fromStart]);
  if (input.toolchainBase && artefacts.some(([, to]) => to.startsWith('/usr/local/cargo/bin/'))) afterArtefacts.push('ENV PATH="/usr/local/cargo/bin:$PATH"');
  const runtimePackages = input.toolchainBase && input.runtimeDistribution?.family.id === 'apt' ? ['ca-certificates'] : [];
  // target/ is large and only the binaries matter.
  const binariesKnown = artefacts.length > 0 || input.compilesAtStart;
  return { artefacts, afterArtefacts, runtimePackages, workdir: binariesKnown ? 'skip' : undefined };
}

/** The binary a CMD runs from target/release, so only it is copied. */
function releaseBinaryOfStart(input: PlanInput): string | undefined {
  const program = input.startProgram;
  if (!program || !/(^|\/)target\/release\/[\w.-]+$/.test(program)) return undefined;
  return resolvePath(program, input.workdir ?? '/');
}
