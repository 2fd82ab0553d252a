import type { CommandEffect } from '../commands/effects';
import type { ImageReference } from '../knowledge/images';
import type { ShellArg, ShellCommand } from '../shell/parse';

export type FamilyId = 'apt' | 'apk' | 'rpm' | 'zypper';

/** The distribution and release an image is built on. */
export interface Distribution {
  /** `debian`, `ubuntu`, `alpine`, `ubi`, `fedora`, ... */
  readonly distribution: string;
  /** The release (`bookworm`, `jammy`, `3.19`, `9`), when the tag names one. */
  readonly release: string | undefined;
}

/** A distribution base image and the slim image of the same distribution and release to run on. */
export interface DistributionBase extends Distribution {
  /** The image a runtime stage starts from: the same distribution and release, slim where it exists. */
  readonly runtimeImage: string;
  /**
   * The package manager the runtime image has when it may differ from the original's (ubi-minimal
   * has microdnf, not dnf); undefined when the runtime image is the original's own, whose program
   * the original already uses (yum on CentOS 7 and Amazon Linux 2, dnf or yum later).
   */
  readonly runtimeTool: string | undefined;
}

/**
 * One package-manager family (apt for Debian and Ubuntu, apk for Alpine, dnf/yum/microdnf for the
 * RHEL family, zypper for openSUSE): everything the rules, the fixes and the rewrite need to know
 * about it. Adding a family is a file like apt.ts and a line in families/index.ts.
 */
export interface PackageFamily {
  readonly id: FamilyId;
  /** The programs of this family, as a command's first word names them. */
  readonly tools: readonly string[];
  /** C library of its distributions: artefacts built against glibc never go onto musl, and back. */
  readonly libc: 'glibc' | 'musl';
  /** What one command of this family does: installs, removals, index updates, cache clean-up. */
  interpret(tool: string, argv: readonly ShellArg[], command: ShellCommand): CommandEffect[];
  /** Compilers, headers, toolchains and debuggers: needed to build, not to run. */
  isBuildOnly(name: string): boolean;
  /**
   * The runtime libraries a build-only package stands for (`libpq-dev` -> `libpq5`,
   * `default-jdk-headless` -> `default-jre-headless`), for the distribution a stage runs on.
   */
  runtimeCounterparts(name: string, distribution: Distribution | undefined): readonly string[];
  /** Installed size with the dependencies it adds to a slim image, where the family's metadata is known. */
  installedSize?(name: string): { readonly sizeKiB: number; readonly ownKiB: number; readonly dependsOn: readonly string[] } | undefined;
  /** Where the index and downloads are kept, and how to clean them in the same RUN. */
  readonly cache: {
    readonly paths: readonly string[];
    readonly what: string;
    readonly advice: string;
    /** Where downloaded packages wait, which the family's own images usually clean (apt's archives). */
    readonly downloads?: readonly string[];
  };
  /** Whether this effect leaves the family's index or downloads in the layer. */
  leavesCache(effect: CommandEffect): boolean;
  /** The edit that cleans the cache up: a flag after the verb, or a command at the end of the RUN. */
  cacheCleanup(effect: CommandEffect): { readonly flag: string } | { readonly command: string } | undefined;
  /** The flag that leaves out recommended (weak) dependencies; undefined where none are installed. */
  readonly noRecommendsFlag: string | undefined;
  /** The commands a runtime stage runs to install packages, clean-up included. */
  runtimeInstallCommands(tool: string, packages: readonly string[]): readonly string[];
  /** The command that adds a user (with its group and home) to an image of this family. */
  createUserCommand(user: { readonly name: string; readonly uid: number; readonly home: string }): string;
  /** A base image of this family's distributions, with its runtime counterpart; undefined for others. */
  distributionBase(image: ImageReference): DistributionBase | undefined;
}

/** Words of a command that name packages: not options, not empty, known statically. */
export function packageWords(args: readonly ShellArg[], normalize: (name: string) => string | undefined): Array<{ name: string; arg: ShellArg }> {
  const packages: Array<{ name: string; arg: ShellArg }> = [];
  for (const arg of args) {
    if (arg.value === undefined || arg.value === '' || arg.value.startsWith('-')) continue;
    const name = normalize(arg.value);
    if (name) packages.push({ name, arg });
  }
  return packages;
}

/** A build-only catalogue: names, and patterns over names. */
export function catalogue(entry: { readonly packages: readonly string[]; readonly patterns: readonly string[] }): (name: string) => boolean {
  const names = new Set(entry.packages);
  const patterns = entry.patterns.map((pattern) => new RegExp(pattern));
  return (name) => names.has(name) || patterns.some((pattern) => pattern.test(name));
}

/** The package a headers subpackage was split from (`libev-devel` -> `libev`), unless `skip` says it is none to run with. */
export function subpackageOrigin(name: string, suffix: string, skip: (origin: string) => boolean): readonly string[] {
  if (!name.endsWith(suffix)) return [];
  const origin = name.slice(0, -suffix.length);
  return origin === '' || skip(origin) ? [] : [origin];
}

/**
 * shadow's useradd, which Debian, Ubuntu, the RHEL family and openSUSE have. `--non-unique`: the uid
 * may be taken already (Ubuntu 24.04 images have `ubuntu` as 1000), and files copied with it must
 * still belong to the new name.
 */
export function useradd(user: { readonly name: string; readonly uid: number; readonly home: string }): string {
  return `useradd --create-home --home-dir ${user.home} --non-unique --uid ${user.uid} --user-group ${user.name}`;
}
