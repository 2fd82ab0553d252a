import { hasOption, parseOptions } from '../commands/argv';
import type { CommandEffect } from '../commands/effects';
import type { ShellArg, ShellCommand } from '../shell/parse';
import data from './zypper.data.json';
import { catalogue, packageWords, useradd, type PackageFamily } from './family';

const ZYPPER_VALUE_OPTIONS = new Set(['-t', '--type', '-r', '--repo', '--from', '-R', '--root', '--installroot']);
const runtime = data.runtime as Readonly<Record<string, readonly string[]>>;

export const zypper: PackageFamily = {
  id: 'zypper',
  tools: ['zypper'],
  libc: 'glibc',

  interpret: (_tool, argv, command) => interpretZypper(argv, command),
  isBuildOnly: catalogue(data.buildOnly),
  runtimeCounterparts: (name) => runtime[name] ?? [],

  cache: { paths: ['/var/cache/zypp'], what: 'the repository metadata and packages', advice: 'zypper clean --all' },
  leavesCache: (effect) => effect.kind === 'package-install' || effect.kind === 'package-index-update',
  cacheCleanup: () => ({ command: 'zypper clean --all' }),
  noRecommendsFlag: '--no-recommends',

  runtimeInstallCommands: (_tool, packages) => [`zypper --non-interactive install --no-recommends ${packages.join(' ')}`, 'zypper clean --all'],

  createUserCommand: useradd,

  distributionBase(image) {
    if (!/(^|\/)opensuse\/(leap|tumbleweed)$|(^|\/)bci\/bci-(base|minimal)$/.test(image.repository)) return undefined;
    const release = /^(\d+(\.\d+)?)/.exec(image.tag)?.[1];
    return { distribution: 'opensuse', release, runtimeImage: `${image.prefix}${image.repository}${image.explicitTag ? `:${image.tag}` : ''}`, runtimeTool: 'zypper' };
  },
};

function interpretZypper(argv: readonly ShellArg[], command: ShellCommand): CommandEffect[] {
  const parsed = parseOptions(argv.slice(1), ZYPPER_VALUE_OPTIONS);
  const [verb, ...rest] = parsed.operands;
  const verbEnd = verb?.end ?? command.end;
  switch (verb?.value) {
    case 'install':
    case 'in':
      return [{ kind: 'package-install', family: 'zypper', tool: 'zypper', command, verbEnd, packages: packageWords(rest, (name) => name), noRecommends: hasOption(parsed, '--no-recommends'), keepsIndexCache: false, virtualGroup: undefined }];
    case 'remove':
    case 'rm':
      return [{ kind: 'package-remove', family: 'zypper', tool: 'zypper', command, packages: packageWords(rest, (name) => name), autoremove: hasOption(parsed, '--clean-deps', '-u') }];
    case 'refresh':
    case 'ref':
      return [{ kind: 'package-index-update', family: 'zypper', tool: 'zypper', command, verbEnd }];
    case 'clean':
    case 'cc':
      return [{ kind: 'package-cache-clean', family: 'zypper', tool: 'zypper', command, removesIndexes: true }];
    default:
      return [];
  }
}
