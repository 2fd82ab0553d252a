import { optionValues, parseOptions } from '../commands/argv';
import type { CommandEffect, PackageArg } from '../commands/effects';
import type { ImageReference } from '../knowledge/images';
import type { ShellArg, ShellCommand } from '../shell/parse';
import data from './rpm.data.json';
import { catalogue, packageWords, subpackageOrigin, useradd, type DistributionBase, type PackageFamily } from './family';

const RPM_VALUE_OPTIONS = new Set(['--setopt', '--enablerepo', '--disablerepo', '-c', '--config', '--installroot', '--releasever', '-x', '--exclude', '--repo', '--repofrompath']);
const runtime = data.runtime as Readonly<Record<string, readonly string[]>>;

/** dnf's and microdnf's "no weak dependencies" (their Recommends); also yum's on EL8 and later, which is dnf. */
const NO_WEAK_DEPENDENCIES = '--setopt=install_weak_deps=False';

export const rpm: PackageFamily = {
  id: 'rpm',
  tools: ['dnf', 'dnf5', 'yum', 'microdnf', 'tdnf'],
  libc: 'glibc',

  interpret: (tool, argv, command) => interpretRpm(tool, argv, command),
  isBuildOnly: catalogue(data.buildOnly),
  // A -devel package is a subpackage of the library's own, which holds what programs load: libev-devel
  // stands for libev. Kernel headers stand for nothing a container runs.
  runtimeCounterparts: (name) => runtime[name] ?? subpackageOrigin(name, '-devel', (origin) => /^kernel/.test(origin) || rpm.isBuildOnly(origin)),

  cache: { paths: ['/var/cache/dnf', '/var/cache/yum', '/var/cache/libdnf5'], what: 'the repository metadata and packages', advice: 'dnf clean all (yum clean all, microdnf clean all)' },
  leavesCache: (effect) => effect.kind === 'package-install' || effect.kind === 'package-index-update',
  cacheCleanup: (effect) => ('tool' in effect ? { command: `${effect.tool} clean all` } : undefined),
  noRecommendsFlag: NO_WEAK_DEPENDENCIES,

  runtimeInstallCommands(tool, packages) {
    const weak = tool === 'yum' ? '' : ` ${NO_WEAK_DEPENDENCIES}`;
    return [`${tool} install -y${weak} ${packages.join(' ')}`, `${tool} clean all`];
  },

  createUserCommand: useradd,

  distributionBase: (image) => rhelBase(image),
};

/** UBI runs on ubi-minimal (microdnf) of the same release; Fedora, CentOS, Rocky, Alma, Amazon and Oracle Linux on the same image. */
function rhelBase(image: ImageReference): DistributionBase | undefined {
  const repository = image.repository;
  const tag = image.explicitTag ? `:${image.tag}` : '';
  const ubi = /^(.*?)(ubi(\d+))(?:\/(ubi|ubi-minimal|ubi-micro|ubi-init))?(-minimal|-micro|-init)?$/.exec(repository);
  if (ubi) {
    const [, host, name, release] = ubi as unknown as [string, string, string, string];
    // Docker Hub's redhat/ubi9 has redhat/ubi9-minimal beside it; Red Hat's registries have ubi9/ubi-minimal.
    const minimal = host === 'redhat/' ? `${host}${name}-minimal` : `${host}${name}/ubi-minimal`;
    return { distribution: 'ubi', release, runtimeImage: `${minimal}${tag}`, runtimeTool: 'microdnf' };
  }
  const others: ReadonlyArray<[RegExp, string]> = [
    [/(^|\/)fedora(\/fedora)?$/, 'fedora'],
    [/(^|\/)fedora-minimal$/, 'fedora'],
    [/(^|\/)centos(\/centos)?$/, 'centos'],
    [/(^|\/)rockylinux(\/rockylinux)?$/, 'rocky'],
    [/(^|\/)almalinux(\/almalinux)?$/, 'alma'],
    [/(^|\/)amazonlinux$/, 'amazonlinux'],
    [/(^|\/)oraclelinux$/, 'oraclelinux'],
  ];
  const match = others.find(([pattern]) => pattern.test(repository));
  if (!match) return undefined;
  const release = /(\d+)/.exec(image.tag)?.[1];
  // The runtime runs on the original's image: its own program (yum, dnf or microdnf) installs there.
  return { distribution: match[1], release, runtimeImage: `${image.prefix}${repository}${tag}`, runtimeTool: undefined };
}

function interpretRpm(tool: string, argv: readonly ShellArg[], command: ShellCommand): CommandEffect[] {
  const parsed = parseOptions(argv.slice(1), RPM_VALUE_OPTIONS);
  let [verb, ...rest] = parsed.operands;
  if ((verb?.value === 'group' || verb?.value === 'groups') && rest[0]?.value) {
    const groupVerb = rest[0].value;
    rest = rest.slice(1);
    verb = { ...rest[0]!, value: groupVerb === 'install' ? 'groupinstall' : groupVerb === 'remove' ? 'groupremove' : groupVerb, start: verb.start, end: verb.end };
  }
  const verbEnd = verb?.end ?? command.end;
  switch (verb?.value) {
    case 'install':
    case 'in':
    case 'reinstall':
    case 'groupinstall': {
      const packages = packageWords(rest, (name) => (verb!.value === 'groupinstall' && !name.startsWith('@') ? `@${name}` : name));
      const noWeakDeps = optionValues(parsed, '--setopt').some((value) => /^install_weak_deps=(false|0|no)$/i.test(value));
      return [{ kind: 'package-install', family: 'rpm', tool, command, verbEnd, packages: packages.map(normalizeGroupName), noRecommends: noWeakDeps, keepsIndexCache: false, virtualGroup: undefined }];
    }
    case 'remove':
    case 'erase':
    case 'groupremove':
      // dnf removes dependencies nothing else needs (clean_requirements_on_remove defaults to true); yum 3 did not.
      return [{ kind: 'package-remove', family: 'rpm', tool, command, packages: packageWords(rest, (name) => name).map(normalizeGroupName), autoremove: tool !== 'yum' }];
    case 'autoremove':
      return [{ kind: 'package-autoremove', family: 'rpm', tool, command }];
    case 'makecache':
      return [{ kind: 'package-index-update', family: 'rpm', tool, command, verbEnd }];
    case 'clean':
      return [{ kind: 'package-cache-clean', family: 'rpm', tool, command, removesIndexes: rest.some((arg) => arg.value === 'all' || arg.value === 'metadata') }];
    default:
      return [];
  }
}

function normalizeGroupName(pkg: PackageArg): PackageArg {
  return pkg.name.startsWith('@') ? { ...pkg, name: pkg.name.toLowerCase().replace(/\s+/g, '-') } : pkg;
}
