import { hasOption, optionValues, parseOptions } from '../commands/argv';
import type { CommandEffect } from '../commands/effects';
import type { ShellArg, ShellCommand } from '../shell/parse';
import data from './apk.data.json';
import { catalogue, packageWords, type PackageFamily } from './family';

const APK_VALUE_OPTIONS = new Set(['-X', '--repository', '-t', '--virtual', '-p', '--root', '--arch', '--repositories-file', '--cache-dir', '--keys-dir']);
const runtime = data.runtime as Readonly<Record<string, readonly string[]>>;

export const apk: PackageFamily = {
  id: 'apk',
  tools: ['apk'],
  libc: 'musl',

  interpret: (_tool, argv, command) => interpretApk(argv, command),
  isBuildOnly: catalogue(data.buildOnly),
  runtimeCounterparts: (name) => runtime[name] ?? [],

  cache: { paths: ['/var/cache/apk'], what: 'the package index', advice: 'use apk add --no-cache' },
  leavesCache: (effect) => effect.kind === 'package-index-update' || (effect.kind === 'package-install' && effect.keepsIndexCache),
  // `apk add --update` caches the index too: --no-cache covers both; a separate `apk update` has no one-word fix.
  cacheCleanup: (effect) => ('command' in effect && effect.command.args.some((arg) => arg.value === 'add') ? { flag: '--no-cache' } : undefined),
  noRecommendsFlag: undefined,

  runtimeInstallCommands: (_tool, packages) => [`apk add --no-cache ${packages.join(' ')}`],

  // BusyBox's adduser; -D: no password.
  createUserCommand: (user) => `adduser -D -u ${user.uid} -h ${user.home} ${user.name}`,

  distributionBase(image) {
    if (image.repository !== 'alpine') return undefined;
    const release = /^(\d+\.\d+)/.exec(image.tag)?.[1];
    return { distribution: 'alpine', release, runtimeImage: `alpine${image.explicitTag ? `:${image.tag}` : ''}`, runtimeTool: 'apk' };
  },
};

function interpretApk(argv: readonly ShellArg[], command: ShellCommand): CommandEffect[] {
  const parsed = parseOptions(argv.slice(1), APK_VALUE_OPTIONS);
  const [verb, ...rest] = parsed.operands;
  const verbEnd = verb?.end ?? command.end;
  const noCache = hasOption(parsed, '--no-cache');
  switch (verb?.value) {
    case 'add': {
      const virtualGroup = optionValues(parsed, '-t', '--virtual')[0];
      const effects: CommandEffect[] = [];
      if (hasOption(parsed, '-U', '--update') && !noCache) effects.push({ kind: 'package-index-update', family: 'apk', tool: 'apk', command, verbEnd });
      effects.push({ kind: 'package-install', family: 'apk', tool: 'apk', command, verbEnd, packages: packageWords(rest, normalizeApkName), noRecommends: true, keepsIndexCache: !noCache, virtualGroup });
      return effects;
    }
    case 'del':
      // apk removes what nothing else needs as it deletes: its world file tracks explicit packages only.
      return [{ kind: 'package-remove', family: 'apk', tool: 'apk', command, packages: packageWords(rest, normalizeApkName), autoremove: true }];
    case 'update':
      return noCache ? [] : [{ kind: 'package-index-update', family: 'apk', tool: 'apk', command, verbEnd }];
    case 'cache':
      return rest[0]?.value === 'clean' || rest[0]?.value === 'purge' ? [{ kind: 'package-cache-clean', family: 'apk', tool: 'apk', command, removesIndexes: true }] : [];
    default:
      return [];
  }
}

/** `gcc=13.2.1-r0`, `gcc>13`, `gcc@edge` -> `gcc`. */
function normalizeApkName(value: string): string | undefined {
  if (value.startsWith('/') || value.startsWith('./') || value.endsWith('.apk')) return undefined;
  const name = value.split(/[=<>~@]/)[0]!;
  return name || undefined;
}
