import type { JSONInstruction } from 'dockerfile-ast';
import { basename } from '../commands/argv';
import type { DockerfileModel, InstructionInfo, StageInfo } from '../model';

/** How the image starts, and what that means for a rewrite. */
export type StartCommand =
  | { readonly kind: 'runs-application' }
  | { readonly kind: 'build-environment'; readonly reason: string }
  | { readonly kind: 'unsupported'; readonly reason: string }
  /** `go run`, `cargo run --bin`, `mvn spring-boot:run`: build the artefact instead and run it. */
  | {
      readonly kind: 'compiles-at-start';
      readonly instruction: InstructionInfo;
      /** The RUN the builder gains. */
      readonly buildCommand: string;
      /** Where the artefact is in the builder, and where the runtime puts it. */
      readonly artefact: { readonly from: string; readonly to: string };
      /** The start instruction's new text. */
      readonly replacement: string;
    };

interface StartWords {
  readonly instruction: InstructionInfo;
  readonly words: readonly string[];
  readonly execForm: boolean;
}

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'fish', 'ksh']);
const COMPILERS = new Set(['make', 'gcc', 'g++', 'cc', 'c++', 'clang', 'javac', 'rustc', 'cmake', 'ninja', 'tsc', 'webpack', 'pytest', 'tox', 'jest', 'mocha']);

/** Reads the stage's ENTRYPOINT and CMD to tell an application image from a build environment. */
export function classifyStart(model: DockerfileModel, stage: StageInfo, workdir: string | undefined): StartCommand {
  const start = startWords(model, stage);
  if (!start) return { kind: 'build-environment', reason: 'it has no CMD or ENTRYPOINT, so it looks like a base or build image whose tools are its purpose' };
  const [first, ...rest] = start.words;
  const name = basename(first) ?? '';
  const spelled = start.words.slice(0, 3).join(' ');
  if (SHELLS.has(name) && !rest.includes('-c')) return { kind: 'build-environment', reason: `it starts an interactive shell (${spelled}), as development and CI images do` };
  if (COMPILERS.has(name)) return { kind: 'build-environment', reason: `it runs \`${spelled}\` at start-up and needs its build tools` };
  const target = workdir && workdir !== '/' ? workdir : '/app';
  switch (name) {
    case 'go': {
      if (rest[0] !== 'run') return { kind: 'build-environment', reason: `it runs \`${spelled}\` at start-up and needs the Go toolchain` };
      const dashDash = rest.indexOf('--');
      const operands = rest.slice(1, dashDash < 0 ? undefined : dashDash);
      const packageIndex = operands.findIndex((word) => !word.startsWith('-'));
      if (packageIndex < 0) return { kind: 'unsupported', reason: 'its `go run` names no package to build' };
      const packages = operands.slice(packageIndex).filter((word) => word.endsWith('.go') || /^[./]/.test(word));
      const programArgs = [...operands.slice(packageIndex + packages.length), ...(dashDash < 0 ? [] : rest.slice(dashDash + 1))];
      const binary = '/usr/local/bin/app';
      return {
        kind: 'compiles-at-start',
        instruction: start.instruction,
        buildCommand: `go build -o ${binary} ${(packages.length > 0 ? packages : ['.']).join(' ')}`,
        artefact: { from: binary, to: binary },
        replacement: `${start.instruction.keyword} ${jsonArray([binary, ...programArgs])}`,
      };
    }
    case 'cargo': {
      if (rest[0] !== 'run') return { kind: 'build-environment', reason: `it runs \`${spelled}\` at start-up and needs the Rust toolchain` };
      const binIndex = rest.indexOf('--bin');
      const bin = binIndex >= 0 ? rest[binIndex + 1] : undefined;
      if (!bin) return { kind: 'unsupported', reason: 'its CMD is `cargo run` without `--bin NAME`, so the binary to run instead cannot be named from the Dockerfile alone' };
      const dashDash = rest.indexOf('--');
      const programArgs = dashDash < 0 ? [] : rest.slice(dashDash + 1);
      const built = `${target}/target/release/${bin}`;
      return {
        kind: 'compiles-at-start',
        instruction: start.instruction,
        buildCommand: `cargo build --release --bin ${bin}`,
        artefact: { from: built, to: `/usr/local/bin/${bin}` },
        replacement: `${start.instruction.keyword} ${jsonArray([`/usr/local/bin/${bin}`, ...programArgs])}`,
      };
    }
    case 'mvn':
    case 'mvnw':
    case 'gradle':
    case 'gradlew': {
      const maven = name.startsWith('mvn');
      const runGoal = maven ? rest.includes('spring-boot:run') : rest.includes('bootRun');
      if (!runGoal) return { kind: 'build-environment', reason: `it runs \`${spelled}\` at start-up and needs the build tool` };
      const tool = first!;
      const jar = `${target}/app.jar`;
      return {
        kind: 'compiles-at-start',
        instruction: start.instruction,
        buildCommand: maven ? `${tool} -B -DskipTests package` : `${tool} --no-daemon bootJar`,
        artefact: { from: maven ? `${target}/target/*.jar` : `${target}/build/libs/*.jar`, to: jar },
        replacement: `${start.instruction.keyword} ${jsonArray(['java', '-jar', jar])}`,
      };
    }
    case 'npm':
    case 'yarn':
    case 'pnpm': {
      const script = rest[0] === 'run' ? rest[1] : rest[0];
      if (script === 'test' || script === 'dev' || script === 'watch') return { kind: 'build-environment', reason: `it runs \`${spelled}\`, which needs development dependencies` };
      return { kind: 'runs-application' };
    }
    default:
      return { kind: 'runs-application' };
  }
}

/** The words the container starts with: ENTRYPOINT's if any (CMD then only adds arguments), else CMD's. */
function startWords(model: DockerfileModel, stage: StageInfo): StartWords | undefined {
  const last = (keyword: string) => [...stage.instructions].reverse().find((info) => info.keyword === keyword);
  const instruction = last('ENTRYPOINT') ?? last('CMD');
  if (!instruction) return undefined;
  const json = (instruction.node as JSONInstruction).getJSONStrings();
  if (json.length > 0) {
    const words = json.map((s) => {
      const { start, end } = model.offsetOf(s.getRange());
      try {
        return String(JSON.parse(model.text.slice(start, end)));
      } catch {
        return s.getJSONValue();
      }
    });
    if (words.length >= 3 && SHELLS.has(basename(words[0]) ?? '') && words[1] === '-c') return { instruction, words: words[2]!.trim().split(/\s+/), execForm: true };
    return { instruction, words, execForm: true };
  }
  const words = model.wordsOf(instruction).words.map((word) => word.value);
  return words.length > 0 ? { instruction, words, execForm: false } : undefined;
}

/** Exec form as Dockerfiles usually spell it: `["java", "-jar", "app.jar"]`. */
function jsonArray(words: readonly string[]): string {
  return `[${words.map((word) => JSON.stringify(word)).join(', ')}]`;
}
