import { basename, stripWrappers } from '../commands/argv';
import { ECOSYSTEMS, ecosystemOfCommand, type EcosystemId } from '../ecosystems';
import { familyOfTool, type FamilyId } from '../families';
import type { ShellCommand } from '../shell/parse';

/**
 * Packages that are build tools only in context: node-gyp's python3 in a Node.js image, git used only
 * to fetch dependencies, curl or wget used only to download sources. Each is build-only when the
 * build uses it and nothing the running image does needs it; the reason is kept for messages and
 * the rewrite summary either way.
 */
export interface BuildHelperVerdicts {
  /** Package -> why it is needed only to build. */
  readonly buildOnly: ReadonlyMap<string, string>;
  /** Package -> why it stays in the runtime image although the build uses it too. */
  readonly kept: ReadonlyMap<string, string>;
}

export interface BuildHelperInput {
  readonly family: FamilyId;
  /** Commands the build runs (every RUN of the runtime image, for the analysis; the builder's, for the rewrite). */
  readonly buildCommands: readonly ShellCommand[];
  /** Commands that still run in the runtime image's own RUNs (after the build, for the rewrite). */
  readonly runtimeCommands: readonly ShellCommand[];
  /** The words the container starts with (ENTRYPOINT and CMD) and the HEALTHCHECK's, as written. */
  readonly startText: string;
  /** The start script's text when the container starts a script of the build context that can be read. */
  readonly startScript: string | undefined;
  /** Whether the container starts a script that cannot be read (it may use anything). */
  readonly opaqueStartScript: boolean;
  /** The language of the base image (a `node:20-alpine` image is a Node.js image), if it has one. */
  readonly baseEcosystem: EcosystemId | undefined;
  /** Whether the image builds anything (compiles, installs build tools): fetch tools then serve the build. */
  readonly imageBuilds: boolean;
}

// Commands that fetch with git behind the scenes: Go modules, the git+ URLs of pip, uv, Poetry,
// Pipenv and PDM, Bundler's and Cargo's git sources, npm's git dependencies, Composer's source
// installs, Nim's, Crystal's, Elixir's, Haskell's and D's package managers, Conan and vcpkg.
const FETCHES_WITH_GIT = /^(go (mod|get|build|install)|pip[\d.]* install|python[\d.]* -m pip install|uv (pip install|sync)|poetry (install|add|lock|update)|pipenv (install|sync)|pdm (install|sync)|bundle(r)? install|cargo (build|fetch|install)|npm (ci|install|i)|yarn( install)?|composer (install|require|update)|nimble|shards|mix deps|cabal|stack|dub|conan|vcpkg)\b/;

// The packages a fetch tool comes in, across families (git-core on RHEL, curl-minimal on UBI 9 and Fedora).
const FETCH_TOOL_PACKAGES: Readonly<Record<string, readonly string[]>> = {
  git: ['git', 'git-core', 'git-minimal'],
  curl: ['curl', 'curl-minimal'],
  wget: ['wget', 'wget2', 'wget2-wget'],
  gnupg: ['gnupg', 'gnupg2', 'gnupg1'],
};

/** Whether a package is a fetch tool's, and so may serve only the build. */
export const isFetchToolPackage = (name: string): boolean => Object.values(FETCH_TOOL_PACKAGES).some((names) => names.includes(name));

// git subcommands that fetch; `git config` instead prepares git for the running application.
const GIT_FETCHES = /^git (clone|fetch|pull|submodule|checkout|reset|init|remote|lfs|archive|ls-remote|describe|rev-parse)\b/;

export function buildHelperVerdicts(input: BuildHelperInput): BuildHelperVerdicts {
  const buildOnly = new Map<string, string>();
  const kept = new Map<string, string>();
  const inUse = ecosystemsInUse(input.buildCommands);
  if (input.baseEcosystem) inUse.add(input.baseEcosystem);
  const buildTexts = input.buildCommands.map(normalized);
  // Package-manager commands name packages (`apk add python3`); they do not run them.
  const runtimeRuns = input.runtimeCommands.filter((command) => !familyOfTool(basename(stripWrappers(command.args)[0]?.value) ?? ''));
  const runtimeText = `${input.startText}\n${input.startScript ?? ''}\n${runtimeRuns.map((command) => command.text).join('\n')}`;
  const usedAtRuntime = (program: string) => new RegExp(`(^|[^\\w.-])${program.replace(/[.+]/g, '\\$&')}($|[^\\w.-])`).test(runtimeText);

  // Ecosystem helpers (node-gyp's python3, make, g++), unless the running application is that language.
  for (const ecosystem of ECOSYSTEMS) {
    if (!ecosystem.buildHelpers || !inUse.has(ecosystem.id)) continue;
    for (const [name, reason] of Object.entries(ecosystem.buildHelpers(input.family, buildTexts))) {
      const program = name.replace(/^python[\d.-]*(minimal)?$|^python-is-python3$/, 'python').replace(/^nodejs$/, 'node').replace(/^yarnpkg$/, 'yarn');
      if (program === 'python' && (inUse.has('python') || usedAtRuntime('python3?'))) continue;
      // Node.js itself is a build helper only when the image is no Node.js application.
      if (ecosystem.id === 'node' && (program === 'node' || program === 'npm' || program === 'yarn')) {
        if (input.baseEcosystem === 'node' || /(^|[^\w.-])(node|npm|npx|yarn|pnpm|pm2|pm2-runtime)($|[^\w.-])/.test(input.startText) || input.opaqueStartScript) continue;
      }
      if (usedAtRuntime(program)) kept.set(name, `the running image uses ${program}`);
      else buildOnly.set(name, reason);
    }
  }

  // Fetch tools: build-only when the build fetches with them and the running image does not.
  const commands = input.buildCommands.map((command) => ({ program: basename(stripWrappers(command.args)[0]?.value) ?? '', text: normalized(command) }));
  const fetchers: ReadonlyArray<[string, (program: string, text: string) => boolean, string]> = [
    ['git', (program, text) => (program === 'git' && GIT_FETCHES.test(text)) || FETCHES_WITH_GIT.test(text), 'git is used only to fetch sources and dependencies at build time'],
    ['curl', (program) => program === 'curl', 'curl is used only to download at build time'],
    ['wget', (program) => program === 'wget', 'wget is used only to download at build time'],
    ['gnupg', (program) => program === 'gpg' || program === 'apt-key', 'gnupg is used only to check repository keys at build time'],
  ];
  for (const [name, fetches, reason] of fetchers) {
    // git and gnupg in an image that builds, used by nothing it runs, serve the build. curl and wget
    // must be seen downloading: health checks defined outside the Dockerfile (Compose, Kubernetes) use them.
    const seen = commands.some(({ program, text }) => fetches(program, text));
    if (!seen && !(input.imageBuilds && (name === 'git' || name === 'gnupg'))) continue;
    const program = name === 'gnupg' ? 'gpg' : name;
    // Why it stays, when it does.
    const stays =
      name === 'git' && commands.some(({ program, text }) => program === 'git' && /^git config\b/.test(text))
        ? 'git stays: it is configured for the running application (git config)'
        : usedAtRuntime(program)
          ? `${name} stays: the running image uses it (in its start command, start script, HEALTHCHECK or a later RUN)`
          : input.opaqueStartScript && (name === 'curl' || name === 'wget')
            ? `${name} stays: the start script may use it`
            : undefined;
    for (const pkg of FETCH_TOOL_PACKAGES[name] ?? [name]) {
      if (stays) kept.set(pkg, stays);
      else buildOnly.set(pkg, reason);
    }
  }
  return { buildOnly, kept };
}

function ecosystemsInUse(commands: readonly ShellCommand[]): Set<EcosystemId> {
  const ids = new Set<EcosystemId>();
  for (const command of commands) {
    const program = basename(stripWrappers(command.args)[0]?.value);
    const ecosystem = program === undefined ? undefined : ecosystemOfCommand(program);
    if (ecosystem) ids.add(ecosystem.id);
  }
  return ids;
}

/** A command's words with the program's path and version suffix removed: `go mod download`. */
function normalized(command: ShellCommand): string {
  const words = stripWrappers(command.args).map((arg) => arg.value ?? '');
  return [basename(words[0]) ?? '', ...words.slice(1)].join(' ');
}
