import { hasOption, hasShortFlag, optionValues, parseOptions } from '../commands/argv';
import type { CommandEffect } from '../commands/effects';
import debian from '../knowledge/debian-packages.generated.json';
import type { ImageReference } from '../knowledge/images';
import type { ShellArg, ShellCommand } from '../shell/parse';
import data from './apt.data.json';
import { catalogue, packageWords, useradd, type DistributionBase, type PackageFamily } from './family';

interface DebianPackage {
  readonly ownKiB: number;
  readonly sizeKiB: number;
  readonly runtime: readonly string[];
  readonly dependsOn?: readonly string[];
}

const debianPackages = debian.packages as Readonly<Record<string, DebianPackage>>;

/** The Debian release the size and library tables were generated from. */
export const DEBIAN_KNOWLEDGE_RELEASE: string = debian.distribution;

const DEBIAN_RELEASES: Readonly<Record<string, string>> = { buster: '10', bullseye: '11', bookworm: '12', trixie: '13', forky: '14' };
const UBUNTU_RELEASES: Readonly<Record<string, string>> = { focal: '20.04', jammy: '22.04', noble: '24.04', oracular: '24.10', plucky: '25.04' };

/**
 * Where an Ubuntu release names a runtime library differently from Debian bookworm (versioned
 * sonames, and noble's 64-bit time_t `t64` renames). Ubuntu's archive cannot be read offline, so
 * these are written by hand for the libraries Dockerfiles build against most.
 */
const UBUNTU_RUNTIME: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  jammy: {
    'libicu-dev': ['libicu70'], 'libjpeg-dev': ['libjpeg8'], 'libjpeg-turbo8-dev': ['libjpeg-turbo8'], 'libtiff-dev': ['libtiff5'],
    'default-libmysqlclient-dev': ['libmysqlclient21'], 'libmysqlclient-dev': ['libmysqlclient21'], 'libldap2-dev': ['libldap-2.5-0'],
    'libwebp-dev': ['libwebp7', 'libwebpdemux2', 'libwebpmux3'], 'libzip-dev': ['libzip4'], 'libboost-all-dev': [],
  },
  noble: {
    'libicu-dev': ['libicu74'], 'libjpeg-dev': ['libjpeg8'], 'libjpeg-turbo8-dev': ['libjpeg-turbo8'], 'libtiff-dev': ['libtiff6'],
    'libssl-dev': ['libssl3t64'], 'libcurl4-openssl-dev': ['libcurl4t64'], 'libpng-dev': ['libpng16-16t64'], 'libreadline-dev': ['libreadline8t64'],
    'libevent-dev': ['libevent-2.1-7t64', 'libevent-core-2.1-7t64', 'libevent-extra-2.1-7t64', 'libevent-openssl-2.1-7t64', 'libevent-pthreads-2.1-7t64'],
    'libglib2.0-dev': ['libglib2.0-0t64'], 'libuv1-dev': ['libuv1t64'], 'libmagic-dev': ['libmagic1t64'], 'libgdbm-dev': ['libgdbm6t64'],
    'libzip-dev': ['libzip4t64'], 'default-libmysqlclient-dev': ['libmysqlclient21'], 'libmysqlclient-dev': ['libmysqlclient21'],
    'libldap2-dev': ['libldap2'], 'libwebp-dev': ['libwebp7', 'libwebpdemux2', 'libwebpmux3'], 'libboost-all-dev': [], 'libsqlite3-dev': ['libsqlite3-0'],
    'libxml2-dev': ['libxml2'], 'libyaml-dev': ['libyaml-0-2'], 'libffi-dev': ['libffi8'], 'libpq-dev': ['libpq5'], 'zlib1g-dev': ['zlib1g'],
  },
};

const APT_VALUE_OPTIONS = new Set(['-o', '--option', '-c', '--config-file', '-t', '--target-release', '--default-release', '-a', '--host-architecture']);
const isBuildOnly = catalogue(data.buildOnly);

export const apt: PackageFamily = {
  id: 'apt',
  tools: ['apt-get', 'apt', 'aptitude', 'apt-mark'],
  libc: 'glibc',

  interpret(tool, argv, command) {
    return tool === 'apt-mark' ? interpretAptMark(argv, command) : interpretApt(tool, argv, command);
  },

  isBuildOnly,

  runtimeCounterparts(name, distribution) {
    const ubuntu = distribution?.distribution === 'ubuntu' ? UBUNTU_RUNTIME[distribution.release ?? 'noble'] : undefined;
    return ubuntu?.[name] ?? debianPackages[name]?.runtime ?? [];
  },

  installedSize(name) {
    const entry = debianPackages[name];
    return entry ? { sizeKiB: entry.sizeKiB, ownKiB: entry.ownKiB, dependsOn: entry.dependsOn ?? [] } : undefined;
  },

  cache: { paths: ['/var/lib/apt/lists'], what: 'the package lists', advice: 'rm -rf /var/lib/apt/lists/*', downloads: ['/var/cache/apt'] },
  leavesCache: (effect) => effect.kind === 'package-index-update',
  cacheCleanup: () => ({ command: 'rm -rf /var/lib/apt/lists/*' }),
  noRecommendsFlag: '--no-install-recommends',

  runtimeInstallCommands: (_tool, packages) => ['apt-get update', `apt-get install -y --no-install-recommends ${packages.join(' ')}`, 'rm -rf /var/lib/apt/lists/*'],

  createUserCommand: useradd,

  distributionBase(image) {
    if (image.repository === 'debian') return debianBase(image);
    if (image.repository === 'ubuntu') {
      const release = ubuntuRelease(image.tag);
      return { distribution: 'ubuntu', release, runtimeImage: `ubuntu:${image.explicitTag ? image.tag : 'latest'}`, runtimeTool: 'apt-get' };
    }
    return undefined;
  },
};

function debianBase(image: ImageReference): DistributionBase {
  const tag = image.explicitTag ? image.tag : 'latest';
  const release = debianRelease(tag);
  const slim = /(^|-)slim(-|$)/.test(tag) ? tag : tag === 'latest' ? 'stable-slim' : `${tag.replace(/-slim$/, '')}-slim`;
  return { distribution: 'debian', release, runtimeImage: `debian:${slim}`, runtimeTool: 'apt-get' };
}

/** The Debian release a tag names (`bookworm`, `12`, `12.5-slim`), by codename. */
export function debianRelease(tag: string): string | undefined {
  const name = Object.keys(DEBIAN_RELEASES).find((codename) => tag.includes(codename));
  if (name) return name;
  const number = /^(\d+)(\.|-|$)/.exec(tag)?.[1];
  return Object.entries(DEBIAN_RELEASES).find(([, version]) => version === number)?.[0];
}

/** The Ubuntu release a tag names (`jammy`, `22.04`), by codename; `latest` is the newest LTS here. */
export function ubuntuRelease(tag: string): string | undefined {
  const name = Object.keys(UBUNTU_RELEASES).find((codename) => tag.includes(codename));
  if (name) return name;
  const version = /^(\d+\.\d+)/.exec(tag)?.[1];
  return Object.entries(UBUNTU_RELEASES).find(([, number]) => number === version)?.[0] ?? (tag === 'latest' ? 'noble' : undefined);
}

function interpretApt(tool: string, argv: readonly ShellArg[], command: ShellCommand): CommandEffect[] {
  const parsed = parseOptions(argv.slice(1), APT_VALUE_OPTIONS);
  const [verb, ...rest] = parsed.operands;
  const verbEnd = verb?.end ?? command.end;
  switch (verb?.value) {
    case 'install':
    case 'reinstall': {
      const noRecommends =
        hasOption(parsed, '--no-install-recommends', '--without-recommends') ||
        (tool === 'aptitude' && hasShortFlag(parsed, 'R')) ||
        optionValues(parsed, '-o', '--option').some((value) => /^APT::Install-Recommends=("?)(false|0|no)\1$/i.test(value));
      return [{ kind: 'package-install', family: 'apt', tool, command, verbEnd, packages: packageWords(rest, normalizeAptName), noRecommends, keepsIndexCache: false, virtualGroup: undefined }];
    }
    case 'remove':
    case 'purge': {
      const autoremove = hasOption(parsed, '--auto-remove', '--autoremove') || optionValues(parsed, '-o', '--option').some((v) => /^APT::Get::AutomaticRemove=("?)(true|1|yes)\1$/i.test(v));
      return [{ kind: 'package-remove', family: 'apt', tool, command, packages: packageWords(rest, normalizeAptName), autoremove: autoremove || tool === 'aptitude' }];
    }
    case 'autoremove':
    case 'autopurge':
      return [{ kind: 'package-autoremove', family: 'apt', tool, command }];
    case 'update':
      return [{ kind: 'package-index-update', family: 'apt', tool, command, verbEnd }];
    case 'clean':
    case 'autoclean':
      return [{ kind: 'package-cache-clean', family: 'apt', tool, command, removesIndexes: false }];
    default:
      return [];
  }
}

function interpretAptMark(argv: readonly ShellArg[], command: ShellCommand): CommandEffect[] {
  const parsed = parseOptions(argv.slice(1), new Set(['-f', '--file', '-o', '--option', '-c', '--config-file']));
  const [verb, ...rest] = parsed.operands;
  if (verb?.value !== 'auto' && verb?.value !== 'manual') return [];
  // `apt-mark auto '.*'` is the official images' idiom for "everything", before purging auto packages.
  const everything = rest.some((arg) => arg.value === '.*' || arg.value === '*' || arg.value === '~i');
  const names = rest.flatMap((arg) => (arg.value === undefined ? [] : [normalizeAptName(arg.value)].filter((n): n is string => n !== undefined)));
  return [{ kind: 'package-mark', family: 'apt', command, manual: verb.value === 'manual', names: everything ? 'all' : names }];
}

/** `gcc=4:12.2.0-3`, `gcc/bookworm`, `gcc:amd64` -> `gcc`; local `.deb` files and globs are not names. */
function normalizeAptName(value: string): string | undefined {
  if (/^[./~]/.test(value) || /[*?[\]]/.test(value)) return undefined;
  const name = value.split(/[=/]/)[0]!.split(':')[0]!.toLowerCase();
  return /^[a-z0-9][a-z0-9+.-]+$/.test(name) ? name : undefined;
}
