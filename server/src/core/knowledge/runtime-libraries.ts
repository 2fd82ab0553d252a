import type { PackageFamily } from './build-tools';
import debian from './debian-packages.generated.json';

interface DebianPackage {
  readonly ownKiB: number;
  readonly sizeKiB: number;
  readonly runtime: readonly string[];
  readonly dependsOn?: readonly string[];
}

const debianPackages = debian.packages as Readonly<Record<string, DebianPackage>>;

/** The Debian release the size and library tables were generated from. */
export const DEBIAN_KNOWLEDGE_RELEASE: string = debian.distribution;

// Alpine and RPM distributions: no package metadata is available offline here, so these maps are
// written from the distributions' package indexes by hand. Debian's map is generated.
const ALPINE_RUNTIME: Readonly<Record<string, readonly string[]>> = {
  'postgresql-dev': ['libpq'],
  'libpq-dev': ['libpq'],
  'openssl-dev': ['libssl3', 'libcrypto3'],
  'libressl-dev': ['libressl'],
  'zlib-dev': ['zlib'],
  'libffi-dev': ['libffi'],
  'libxml2-dev': ['libxml2'],
  'libxslt-dev': ['libxslt'],
  'jpeg-dev': ['libjpeg-turbo'],
  'libjpeg-turbo-dev': ['libjpeg-turbo'],
  'libpng-dev': ['libpng'],
  'freetype-dev': ['freetype'],
  'curl-dev': ['libcurl'],
  'sqlite-dev': ['sqlite-libs'],
  'mariadb-dev': ['mariadb-connector-c'],
  'mariadb-connector-c-dev': ['mariadb-connector-c'],
  'yaml-dev': ['yaml'],
  'gmp-dev': ['gmp'],
  'readline-dev': ['readline'],
  'ncurses-dev': ['ncurses-libs'],
  'bzip2-dev': ['libbz2'],
  'xz-dev': ['xz-libs'],
  'geos-dev': ['geos'],
  'libevent-dev': ['libevent'],
  'zeromq-dev': ['libzmq'],
  'icu-dev': ['icu-libs'],
  'libzip-dev': ['libzip'],
  'oniguruma-dev': ['oniguruma'],
  'openjdk17': ['openjdk17-jre'],
  'openjdk17-jdk': ['openjdk17-jre'],
  'openjdk21': ['openjdk21-jre'],
  'openjdk21-jdk': ['openjdk21-jre'],
  'openjdk11': ['openjdk11-jre'],
  'openjdk11-jdk': ['openjdk11-jre'],
  'python3-dev': ['python3'],
};

const RPM_RUNTIME: Readonly<Record<string, readonly string[]>> = {
  'postgresql-devel': ['postgresql-libs'],
  'libpq-devel': ['libpq'],
  'openssl-devel': ['openssl-libs'],
  'zlib-devel': ['zlib'],
  'libffi-devel': ['libffi'],
  'libxml2-devel': ['libxml2'],
  'libxslt-devel': ['libxslt'],
  'libjpeg-turbo-devel': ['libjpeg-turbo'],
  'libpng-devel': ['libpng'],
  'libcurl-devel': ['libcurl'],
  'sqlite-devel': ['sqlite-libs'],
  'mariadb-connector-c-devel': ['mariadb-connector-c'],
  'libyaml-devel': ['libyaml'],
  'gmp-devel': ['gmp'],
  'readline-devel': ['readline'],
  'ncurses-devel': ['ncurses-libs'],
  'bzip2-devel': ['bzip2-libs'],
  'xz-devel': ['xz-libs'],
  'python3-devel': ['python3'],
  'java-17-openjdk-devel': ['java-17-openjdk-headless'],
  'java-21-openjdk-devel': ['java-21-openjdk-headless'],
  'java-11-openjdk-devel': ['java-11-openjdk-headless'],
};

const ZYPPER_RUNTIME: Readonly<Record<string, readonly string[]>> = {
  'postgresql-devel': ['libpq5'],
  'libopenssl-devel': ['libopenssl3'],
  'zlib-devel': ['libz1'],
  'libffi-devel': ['libffi8'],
  'libxml2-devel': ['libxml2-2'],
  'python3-devel': ['python3'],
  'java-17-openjdk-devel': ['java-17-openjdk-headless'],
  'java-21-openjdk-devel': ['java-21-openjdk-headless'],
};

/**
 * The packages a runtime stage needs in place of a build-only package moved to the builder:
 * `libpq-dev` -> `libpq5`, `default-jdk-headless` -> `default-jre-headless`, `gcc` -> none.
 */
export function runtimeCounterparts(family: PackageFamily, name: string): readonly string[] {
  switch (family) {
    case 'apt':
      return debianPackages[name]?.runtime ?? [];
    case 'apk':
      return ALPINE_RUNTIME[name] ?? [];
    case 'rpm':
      return RPM_RUNTIME[name] ?? [];
    case 'zypper':
      return ZYPPER_RUNTIME[name] ?? [];
  }
}

/** What `apt-get install --no-install-recommends NAME` adds to a slim Debian image, from Debian's metadata. */
export function debianInstalledSize(name: string): { sizeKiB: number; ownKiB: number; dependsOn: readonly string[] } | undefined {
  const entry = debianPackages[name];
  return entry ? { sizeKiB: entry.sizeKiB, ownKiB: entry.ownKiB, dependsOn: entry.dependsOn ?? [] } : undefined;
}
