import { basename, hasOption, optionValues, parseOptions } from '../commands/argv';
import type { CommandEffect } from '../commands/effects';
import { resolvePath } from '../commands/paths';
import type { ShellArg, ShellCommand } from '../shell/parse';
import type { Ecosystem, ToolCache } from './ecosystem';
import { slimVariant } from './images';
import type { PlanContribution, PlanInput } from './plan-input';

const PIP_VALUE_OPTIONS = new Set([
  '-r', '--requirement', '-c', '--constraint', '-e', '--editable', '-i', '--index-url', '--extra-index-url', '-f', '--find-links',
  '-t', '--target', '--prefix', '--root', '--trusted-host', '--progress-bar', '--platform', '--python-version', '--implementation',
  '--abi', '--src', '--upgrade-strategy', '--cache-dir', '--log', '--proxy', '--retries', '--timeout', '--exists-action', '--cert',
  '--client-cert', '--config-settings', '-C', '--global-option', '--no-binary', '--only-binary', '--report', '-p', '--python',
]);

const PIP_CACHE: ToolCache = {
  id: 'pip',
  paths: ['/root/.cache/pip', '/root/.cache'],
  what: 'its download and wheel cache',
  advice: 'pip install --no-cache-dir',
  disabledBy: ['PIP_NO_CACHE_DIR'],
  flag: '--no-cache-dir',
};

/** `pip install`, `python3 -m pip install`, `uv pip install`: the words after `install`, or undefined. */
function pipInstall(tool: string, argv: readonly ShellArg[]): { args: readonly ShellArg[]; verb: ShellArg; uv: boolean } | undefined {
  let rest: readonly ShellArg[];
  if (tool === 'pip') rest = argv.slice(1);
  else if ((tool === 'python' || tool === 'pypy') && argv[1]?.value === '-m' && argv[2]?.value === 'pip') rest = argv.slice(3);
  else if (tool === 'uv' && argv[1]?.value === 'pip') rest = argv.slice(2);
  else return undefined;
  const verbIndex = rest.findIndex((arg) => arg.value !== undefined && !arg.value.startsWith('-'));
  if (verbIndex < 0 || rest[verbIndex]!.value !== 'install') return undefined;
  return { args: rest.slice(verbIndex + 1), verb: rest[verbIndex]!, uv: tool === 'uv' };
}

function isPipInstall(command: ShellCommand, tool: string): boolean {
  return pipInstall(tool, command.args) !== undefined;
}

export const python: Ecosystem = {
  id: 'python',
  title: 'Python',
  commands: ['pip', 'python', 'pypy', 'uv', 'poetry', 'pipenv', 'virtualenv', 'pdm'],
  dependencyInstallHint: /\b(pip\d*(\.\d+)?|python\d*(\.\d+)?|uv|poetry|pdm)\b[\s\S]*?\b(install|sync)\b|\bpipenv\b[\s\S]*?\b(install|sync)\b/,
  installNeedsOnlyManifests: true,
  caches: [PIP_CACHE],

  interpret(tool, argv, command) {
    const pip = pipInstall(tool, argv);
    const words = argv.slice(1).map((arg) => arg.value ?? '');
    const verb = words.find((word) => !word.startsWith('-'));
    if (pip) {
      const parsed = parseOptions(pip.args, PIP_VALUE_OPTIONS);
      const effects: CommandEffect[] = [];
      // uv keeps its own cache elsewhere; pip's is what PIP_NO_CACHE_DIR and --no-cache-dir turn off.
      if (!pip.uv && !hasOption(parsed, '--no-cache-dir')) effects.push({ kind: 'tool-cache', cache: PIP_CACHE, command, verbEnd: pip.verb.end });
      const requirements = optionValues(parsed, '-r', '--requirement');
      if (requirements.length > 0) effects.push({ kind: 'dependency-install', ecosystem: 'python', command, manifests: requirements });
      return effects;
    }
    if (tool === 'poetry' && verb === 'install') return [{ kind: 'dependency-install', ecosystem: 'python', command, manifests: ['pyproject.toml', 'poetry.lock'] }];
    if (tool === 'pipenv' && (verb === 'install' || verb === 'sync')) return [{ kind: 'dependency-install', ecosystem: 'python', command, manifests: ['Pipfile', 'Pipfile.lock'] }];
    if (tool === 'uv' && verb === 'sync') return [{ kind: 'dependency-install', ecosystem: 'python', command, manifests: ['pyproject.toml', 'uv.lock'] }];
    return [];
  },

  builds(tool, argv) {
    const words = argv.map((arg) => arg.value ?? '');
    if (tool === 'python' || tool === 'pypy') return words.some((word) => ['venv', 'pip', 'setup.py', 'build', 'compileall', 'ensurepip', 'virtualenv'].includes(word));
    if (tool === 'pip') return words.includes('install') || words.includes('wheel');
    return true; // uv, poetry, pipenv, virtualenv, pdm
  },

  toolchainImages: [
    {
      matches: (image) => image.repository === 'python' || image.repository === 'pypy',
      keeps: 'gcc, make, headers and the buildpack-deps toolchain',
      interpreter: true,
      runtimeTag: /slim|alpine|windowsservercore|nanoserver/,
      runtimeImage: (image) => slimVariant(image),
    },
  ],

  contribute: planPython,
};

/** Where the builder's packages go, so the runtime stage can take them. */
function planPython(input: PlanInput): PlanContribution {
  const pipCommands = input.builderCommands.filter(({ command }) => isPipInstall(command, toolOf(command)));
  const venv = findVirtualenv(input.builderCommands.map(({ command }) => command));
  const builtInPlace = input.builderCommands.some(({ command }) => /\bbuild_ext\b/.test(command.text) && /--inplace|-i\b/.test(command.text));
  const notes: string[] = [];
  const artefacts: Array<readonly [string, string]> = [];
  const afterArtefacts: string[] = [];
  const builderInsertions: Array<{ before: (typeof input.instructions)[number]; lines: string[] }> = [];
  if (pipCommands.length > 0) {
    const options = pipCommands.map(({ command }) => parseOptions(pipInstall(toolOf(command), command.args)!.args, PIP_VALUE_OPTIONS));
    const target = options.flatMap((parsed) => optionValues(parsed, '-t', '--target'))[0];
    const prefix = options.flatMap((parsed) => optionValues(parsed, '--prefix'))[0];
    const user = options.some((parsed) => hasOption(parsed, '--user'));
    const system = options.some((parsed) => hasOption(parsed, '--system'));
    const first = pipCommands[0]!;
    const official = input.baseImage.repository === 'python' || input.baseImage.repository === 'pypy';
    if (venv) artefacts.push([venv, venv]);
    else if (system && official) artefacts.push(...systemSite(input));
    else if (target) {
      const path = resolvePath(target, first.command.cwd) ?? target;
      artefacts.push([path, path]);
    } else if (prefix) {
      const path = resolvePath(prefix, first.command.cwd) ?? prefix;
      artefacts.push([path, path]);
    } else if (user) artefacts.push(['/root/.local', '/root/.local']);
    else if (official) {
      // The official images' Python is under /usr/local: a virtualenv hands over exactly what pip installed.
      builderInsertions.push({ before: first.info, lines: ['RUN python -m venv /opt/venv', 'ENV PATH="/opt/venv/bin:$PATH"'] });
      artefacts.push(['/opt/venv', '/opt/venv']);
      afterArtefacts.push('ENV PATH="/opt/venv/bin:$PATH"');
    } else {
      // The distribution's Python: pip installs into /usr/local, which holds nothing else on these images.
      artefacts.push(['/usr/local/lib', '/usr/local/lib'], ['/usr/local/bin', '/usr/local/bin']);
      notes.push('pip installed into the system Python: the runtime stage takes /usr/local/lib and /usr/local/bin from the builder');
    }
  }
  // Project managers keep their environment in the project (.venv) or in a home of their own.
  const managed = projectEnvironment(input);
  artefacts.push(...managed.artefacts);
  return { artefacts, afterArtefacts, builderInsertions, notes, workdir: builtInPlace || managed.inProject ? 'copy' : undefined };
}

function toolOf(command: ShellCommand): string {
  return pythonToolName(basename(command.args[0]?.value) ?? '');
}

/** `python3.12` -> `python`, `pip3` -> `pip`, `pypy3` -> `pypy`. */
export function pythonToolName(name: string): string {
  return name.replace(/^(python|pip|pypy)\d*(\.\d+)?$/, '$1');
}

function findVirtualenv(commands: readonly ShellCommand[]): string | undefined {
  for (const command of commands) {
    const name = toolOf(command);
    const words = command.args.map((arg) => arg.value);
    let target: string | undefined;
    if ((name === 'python' || name === 'pypy') && words[1] === '-m' && (words[2] === 'venv' || words[2] === 'virtualenv')) target = words.slice(3).find((w) => w !== undefined && !w.startsWith('-'));
    else if (name === 'virtualenv') target = words.slice(1).find((w) => w !== undefined && !w.startsWith('-'));
    else if (name === 'uv' && words[1] === 'venv') target = words.slice(2).find((w) => w !== undefined && !w.startsWith('-')) ?? '.venv';
    const path = resolvePath(target, command.cwd);
    if (path) return path;
  }
  return undefined;
}

const TRUE = /^(1|true|yes|on)$/i;

/** Where pipenv, poetry, uv and pdm put the environment they install into. */
function projectEnvironment(input: PlanInput): { artefacts: Array<readonly [string, string]>; inProject: boolean } {
  const texts = input.builderCommands.map(({ command }) => command.args.map((arg) => arg.value ?? '').join(' '));
  const uses = (pattern: RegExp) => texts.some((text) => pattern.test(text));
  const artefacts: Array<readonly [string, string]> = [];
  let inProject = false;
  if (uses(/^pipenv (install|sync)\b/)) {
    if (TRUE.test(input.scope('PIPENV_VENV_IN_PROJECT') ?? '')) inProject = true;
    else if (!uses(/^pipenv (install|sync)\b.*--system/)) {
      const home = input.scope('WORKON_HOME') ?? '/root/.local/share/virtualenvs';
      artefacts.push([home, home]);
    }
  }
  if (uses(/^poetry install\b/)) {
    const create = input.scope('POETRY_VIRTUALENVS_CREATE') ?? (uses(/^poetry config virtualenvs\.create (false|0)/) ? 'false' : 'true');
    if (TRUE.test(input.scope('POETRY_VIRTUALENVS_IN_PROJECT') ?? '') || uses(/^poetry config virtualenvs\.in-project (true|1)/)) inProject = true;
    else if (TRUE.test(create)) {
      const cache = input.scope('POETRY_CACHE_DIR') ?? '/root/.cache/pypoetry';
      artefacts.push([`${cache}/virtualenvs`, `${cache}/virtualenvs`]);
    } else artefacts.push(...systemSite(input));
  }
  if (uses(/^uv sync\b/) || uses(/^pdm (install|sync)\b/)) {
    const environment = input.scope('UV_PROJECT_ENVIRONMENT');
    if (environment?.startsWith('/')) artefacts.push([environment, environment]);
    else inProject = true;
  }
  return { artefacts, inProject };
}

/** The system Python's packages: on the official image its site-packages (not the interpreter under it), else /usr/local. */
function systemSite(input: PlanInput): Array<readonly [string, string]> {
  const version = /^(\d+\.\d+)/.exec(input.baseImage.tag)?.[1];
  const official = input.baseImage.repository === 'python' || input.baseImage.repository === 'pypy';
  const site = official && version ? `/usr/local/lib/python${version}/site-packages` : '/usr/local/lib';
  return [[site, site], ['/usr/local/bin', '/usr/local/bin']];
}
