import type { ShellArg, ShellCommand } from '../shell/parse';
import { basename, hasOption, optionValues, parseOptions } from './argv';
import type { CommandEffect, Ecosystem } from './effects';

const PIP_VALUE_OPTIONS = new Set([
  '-r', '--requirement', '-c', '--constraint', '-e', '--editable', '-i', '--index-url', '--extra-index-url', '-f', '--find-links',
  '-t', '--target', '--prefix', '--root', '--trusted-host', '--progress-bar', '--platform', '--python-version', '--implementation',
  '--abi', '--src', '--upgrade-strategy', '--cache-dir', '--log', '--proxy', '--retries', '--timeout', '--exists-action', '--cert',
  '--client-cert', '--config-settings', '-C', '--global-option', '--no-binary', '--only-binary', '--report',
]);

/** The manifests to copy before each ecosystem's dependency install so the install layer caches. */
export const DEPENDENCY_MANIFESTS: Readonly<Record<Ecosystem, readonly string[]>> = {
  python: ['requirements.txt'],
  node: ['package.json', 'package-lock.json*'],
  go: ['go.mod', 'go.sum*'],
  ruby: ['Gemfile', 'Gemfile.lock'],
  'java-maven': ['pom.xml'],
  'java-gradle': ['build.gradle*', 'settings.gradle*'],
  rust: ['Cargo.toml', 'Cargo.lock'],
  php: ['composer.json', 'composer.lock'],
  dotnet: ['*.csproj'],
};

/** `pip install`, `python3 -m pip install`: the command words after `install`, or undefined. */
function pipInstallArgs(argv: readonly ShellArg[]): { args: readonly ShellArg[]; verb: ShellArg } | undefined {
  const tool = basename(argv[0]?.value) ?? '';
  let rest: readonly ShellArg[];
  if (/^pip(\d(\.\d+)?)?$/.test(tool)) rest = argv.slice(1);
  else if (/^python(\d(\.\d+)?)?$/.test(tool) && argv[1]?.value === '-m' && argv[2]?.value === 'pip') rest = argv.slice(3);
  else if (tool === 'uv' && argv[1]?.value === 'pip') rest = argv.slice(2);
  else return undefined;
  const verbIndex = rest.findIndex((arg) => arg.value !== undefined && !arg.value.startsWith('-'));
  if (verbIndex < 0 || rest[verbIndex]!.value !== 'install') return undefined;
  return { args: rest.slice(verbIndex + 1), verb: rest[verbIndex]! };
}

/** Interprets language package managers: pip, npm, yarn, pnpm, go, bundler, maven, gradle, cargo, composer, dotnet. */
export function interpretProjectTool(argv: readonly ShellArg[], command: ShellCommand): CommandEffect[] {
  const pip = pipInstallArgs(argv);
  if (pip) {
    const parsed = parseOptions(pip.args, PIP_VALUE_OPTIONS);
    const requirementFiles = pip.args.filter((_, index) => index > 0 && ['-r', '--requirement'].includes(pip.args[index - 1]!.value ?? ''));
    const effects: CommandEffect[] = [
      { kind: 'pip-install', command, verbEnd: pip.verb.end, noCacheDir: hasOption(parsed, '--no-cache-dir'), requirementFiles },
    ];
    const requirementValues = optionValues(parsed, '-r', '--requirement');
    if (requirementValues.length > 0) effects.push({ kind: 'dependency-install', ecosystem: 'python', command, manifests: requirementValues });
    return effects;
  }
  const tool = basename(argv[0]?.value) ?? '';
  const words = argv.slice(1).map((arg) => arg.value ?? '');
  const verb = words.find((word) => !word.startsWith('-'));
  const dependencyInstall = (ecosystem: Ecosystem, manifests = DEPENDENCY_MANIFESTS[ecosystem]): CommandEffect[] => [
    { kind: 'dependency-install', ecosystem, command, manifests },
  ];
  switch (tool) {
    case 'npm': {
      // `npm install <pkg>` adds a package and `-g` installs a tool; only the bare form installs the project's dependencies.
      const operands = words.filter((word) => !word.startsWith('-'));
      if (verb === 'ci' || ((verb === 'install' || verb === 'i') && operands.length === 1 && !words.includes('-g') && !words.includes('--global'))) {
        return dependencyInstall('node');
      }
      return [];
    }
    case 'yarn':
      return verb === undefined || verb === 'install' ? dependencyInstall('node', ['package.json', 'yarn.lock']) : [];
    case 'pnpm':
      return verb === 'install' || verb === 'i' ? dependencyInstall('node', ['package.json', 'pnpm-lock.yaml']) : [];
    case 'go':
      return verb === 'mod' && words.includes('download') ? dependencyInstall('go') : [];
    case 'bundle':
    case 'bundler':
      return verb === 'install' || verb === undefined ? dependencyInstall('ruby') : [];
    case 'mvn':
    case 'mvnw':
      return verb !== undefined ? dependencyInstall('java-maven') : [];
    case 'gradle':
    case 'gradlew':
      return verb !== undefined ? dependencyInstall('java-gradle') : [];
    case 'cargo':
      return verb === 'build' || verb === 'fetch' || verb === 'install' ? dependencyInstall('rust') : [];
    case 'composer':
      return verb === 'install' ? dependencyInstall('php') : [];
    case 'poetry':
      return verb === 'install' ? dependencyInstall('python', ['pyproject.toml', 'poetry.lock']) : [];
    case 'pipenv':
      return verb === 'install' || verb === 'sync' ? dependencyInstall('python', ['Pipfile', 'Pipfile.lock']) : [];
    case 'dotnet':
      return verb === 'restore' ? dependencyInstall('dotnet') : [];
    default:
      return [];
  }
}
