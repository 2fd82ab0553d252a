import catalogue from './build-tools.json';

/** Package naming families: Debian/Ubuntu, Alpine, Fedora/RHEL, openSUSE. */
export type PackageFamily = 'apt' | 'apk' | 'rpm' | 'zypper';

interface FamilyCatalogue {
  readonly names: ReadonlySet<string>;
  readonly patterns: readonly RegExp[];
}

function compile(entry: { packages: string[]; patterns: string[] }): FamilyCatalogue {
  return { names: new Set(entry.packages), patterns: entry.patterns.map((pattern) => new RegExp(pattern)) };
}

const families: Readonly<Record<PackageFamily, FamilyCatalogue>> = {
  apt: compile(catalogue.apt),
  apk: compile(catalogue.apk),
  rpm: compile(catalogue.rpm),
  zypper: compile(catalogue.zypper),
};

/** Whether a package is needed only to build (compilers, headers, toolchains), per build-tools.json. */
export function isBuildOnlyPackage(family: PackageFamily, name: string, extraBuildTools: ReadonlySet<string>): boolean {
  if (extraBuildTools.has(name)) return true;
  const entry = families[family];
  return entry.names.has(name) || entry.patterns.some((pattern) => pattern.test(name));
}
