/** An image reference split into its parts: `registry/path/name:tag@digest`. */
export interface ImageReference {
  /**
   * A registry or mirror path in front of an official image (`public.ecr.aws/docker/library/`,
   * `docker.io/library/`, `mirror.gcr.io/library/`), kept on the images a rewrite derives from it.
   */
  readonly prefix: string;
  /** Repository as Docker Hub spells it for official images (`golang`, not `docker.io/library/golang`). */
  readonly repository: string;
  readonly tag: string;
  readonly digest: string | undefined;
  /** Whether the reference named a tag explicitly (`python` has no explicit tag: `latest`). */
  readonly explicitTag: boolean;
}

export function parseImageReference(reference: string): ImageReference {
  let rest = reference.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  let tag = 'latest';
  let explicitTag = false;
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    explicitTag = true;
  }
  const { prefix, repository } = splitRegistry(rest.toLowerCase());
  return { prefix, repository, tag, digest, explicitTag };
}

const DOCKER_HUB_HOSTS = ['docker.io/', 'index.docker.io/', 'registry-1.docker.io/'];

/** Official images behind any mirror end in `library/NAME`; Docker Hub's host may also be spelled out. */
function splitRegistry(path: string): { prefix: string; repository: string } {
  const library = /^(.*\/)?library\/([^/]+)$/.exec(path);
  if (library) return { prefix: `${library[1] ?? ''}library/`, repository: library[2]! };
  const hub = DOCKER_HUB_HOSTS.find((host) => path.startsWith(host));
  if (hub) return { prefix: hub, repository: path.slice(hub.length) };
  return { prefix: '', repository: path };
}

/**
 * An image on the same registry or mirror as `reference`: `debian:bookworm-slim` next to
 * `public.ecr.aws/docker/library/golang:1.22` is `public.ecr.aws/docker/library/debian:bookworm-slim`.
 * Images of other registries (`mcr.microsoft.com/...`) stay as they are.
 */
export function onSameRegistry(reference: ImageReference, image: string): string {
  if (!reference.prefix) return image;
  const path = image.split(/[:@]/)[0]!;
  if (path.includes('.') && path.includes('/')) return image; // another registry's host
  if (reference.prefix.endsWith('library/') && path.includes('/')) return `${reference.prefix.slice(0, -'library/'.length)}${image}`;
  return `${reference.prefix}${image}`;
}

/**
 * The Debian release assumed for official tags that name none (`golang:1.22`, `python:3.12`): the
 * release those images were built on when this table was written. A rewrite names it explicitly.
 */
export const DEFAULT_DEBIAN_RELEASE = 'bookworm';

const DEBIAN_RELEASES = ['buster', 'bullseye', 'bookworm', 'trixie', 'forky'];
const UBUNTU_RELEASES = ['focal', 'jammy', 'noble', 'oracular', 'plucky'];

export interface ToolchainImage {
  /** The repositories this entry covers. */
  readonly repositories: readonly string[];
  /** What the image keeps that a runtime does not need, for messages. */
  readonly keeps: string;
  /** Tags that are not toolchains (slim, alpine or JRE variants); absent: every tag is a toolchain. */
  readonly runtimeTag?: RegExp;
  /** The image a runtime stage should start from instead; undefined when there is no slimmer variant. */
  readonly runtimeImage: (image: ImageReference) => string | undefined;
}

/** The base image a multi-stage rewrite starts the runtime stage from, for a Debian- or Alpine-based toolchain tag. */
function distroRuntime(image: ImageReference): string {
  const tag = image.tag;
  const alpine = /alpine(\d+\.\d+)?/.exec(tag);
  if (alpine) return alpine[1] ? `alpine:${alpine[1]}` : 'alpine';
  const ubuntu = UBUNTU_RELEASES.find((release) => tag.includes(release));
  if (ubuntu) return `ubuntu:${ubuntu}`;
  const debian = DEBIAN_RELEASES.find((release) => tag.includes(release)) ?? DEFAULT_DEBIAN_RELEASE;
  return `debian:${debian}-slim`;
}

/** `python:3.12` -> `python:3.12-slim`; `python:3.12-bookworm` -> `python:3.12-slim-bookworm`. */
function slimVariant(image: ImageReference, slimAfterRelease = false): string {
  const repository = image.repository;
  if (/(^|-)(slim|alpine)/.test(image.tag)) return `${repository}:${image.tag}`;
  if (!image.explicitTag || image.tag === 'latest') return `${repository}:slim`;
  const release = [...DEBIAN_RELEASES, ...UBUNTU_RELEASES].find((name) => image.tag.endsWith(`-${name}`) || image.tag === name);
  if (release) {
    const version = image.tag === release ? '' : image.tag.slice(0, -(release.length + 1));
    if (slimAfterRelease) return `${repository}:${version ? `${version}-` : ''}${release}-slim`;
    return `${repository}:${version ? `${version}-` : ''}slim-${release}`;
  }
  return `${repository}:${image.tag}-slim`;
}

/** The Java feature version a JDK tag names (`3-eclipse-temurin-17` -> 17, `jdk21` -> 21). */
function javaVersion(tag: string): string | undefined {
  const match = /(?:temurin|openjdk|corretto|semeru|sapmachine|jdk|graalvm|zulu|liberica)-?(\d+)/.exec(tag) ?? /^(\d+)(?:[.-]|$)/.exec(tag);
  return match?.[1];
}

function temurinJre(version: string | undefined, tag: string): string {
  const ubuntu = UBUNTU_RELEASES.find((release) => tag.includes(release));
  const suffix = tag.includes('alpine') ? '-alpine' : ubuntu ? `-${ubuntu}` : '';
  return `eclipse-temurin:${version ?? '21'}-jre${suffix}`;
}

export const TOOLCHAIN_IMAGES: readonly ToolchainImage[] = [
  { repositories: ['golang'], keeps: 'the Go toolchain, gcc and git', runtimeImage: distroRuntime },
  { repositories: ['rust'], keeps: 'rustc, cargo and gcc', runtimeImage: distroRuntime },
  { repositories: ['gcc'], keeps: 'gcc, g++, make and the full buildpack-deps toolchain', runtimeImage: distroRuntime },
  { repositories: ['buildpack-deps'], keeps: 'gcc, make, headers and version-control tools', runtimeImage: distroRuntime },
  { repositories: ['maven'], keeps: 'Maven and a full JDK', runtimeImage: (image) => temurinJre(javaVersion(image.tag), image.tag) },
  { repositories: ['gradle'], keeps: 'Gradle and a full JDK', runtimeImage: (image) => temurinJre(javaVersion(image.tag), image.tag) },
  { repositories: ['openjdk'], keeps: 'a full JDK (javac, jlink, headers)', runtimeTag: /jre/, runtimeImage: (image) => temurinJre(javaVersion(image.tag), image.tag) },
  {
    repositories: ['eclipse-temurin', 'ibm-semeru-runtimes', 'sapmachine'],
    keeps: 'a full JDK (javac, jlink, headers)',
    runtimeTag: /jre/,
    runtimeImage: (image) =>
      image.tag.includes('jdk') ? `${image.repository}:${image.tag.replace('jdk', 'jre')}` : `${image.repository}:${image.tag.replace(/^(\d+(?:\.[\d.]+)?(?:_\d+)?)/, '$1-jre')}`,
  },
  { repositories: ['amazoncorretto'], keeps: 'a full JDK (javac, jlink, headers)', runtimeTag: /jre/, runtimeImage: (image) => temurinJre(javaVersion(image.tag), image.tag) },
  {
    repositories: ['mcr.microsoft.com/dotnet/sdk', 'mcr.microsoft.com/dotnet/core/sdk'],
    keeps: 'the .NET SDK (compilers, NuGet, MSBuild)',
    runtimeImage: (image) => `${image.repository.replace(/\/sdk$/, '/aspnet')}:${image.tag}`,
  },
  { repositories: ['python', 'pypy'], keeps: 'gcc, make, headers and the buildpack-deps toolchain', runtimeTag: /slim|alpine|windowsservercore|nanoserver/, runtimeImage: (image) => slimVariant(image) },
  { repositories: ['node'], keeps: 'gcc, make, python3 and the buildpack-deps toolchain', runtimeTag: /slim|alpine/, runtimeImage: (image) => slimVariant(image, true) },
  { repositories: ['ruby'], keeps: 'gcc, make, headers and the buildpack-deps toolchain', runtimeTag: /slim|alpine/, runtimeImage: (image) => slimVariant(image) },
  { repositories: ['perl'], keeps: 'gcc, make, headers and the buildpack-deps toolchain', runtimeTag: /slim/, runtimeImage: (image) => slimVariant(image) },
  { repositories: ['php'], keeps: 'gcc, make, autoconf and headers ($PHPIZE_DEPS) for building extensions', runtimeImage: () => undefined },
  { repositories: ['haskell'], keeps: 'GHC, Cabal and Stack', runtimeImage: distroRuntime },
  { repositories: ['swift'], keeps: 'the Swift compiler and clang', runtimeTag: /slim/, runtimeImage: (image) => slimVariant(image, true) },
];

const toolchainByRepository = new Map<string, ToolchainImage>(TOOLCHAIN_IMAGES.flatMap((entry) => entry.repositories.map((repository) => [repository, entry] as const)));

/** The toolchain entry an image matches, if it is a build-toolchain image. */
export function findToolchainImage(image: ImageReference): ToolchainImage | undefined {
  const entry = toolchainByRepository.get(image.repository);
  if (!entry) return undefined;
  if (entry.runtimeTag?.test(image.tag)) return undefined;
  return entry;
}

/**
 * The slim image of the same family and distribution a runtime stage can start from, for any base:
 * toolchain images map through the table, Debian's full tags to their `-slim` tags, others stay.
 */
export function runtimeBaseFor(image: ImageReference, original: string): string | undefined {
  const toolchain = findToolchainImage(image);
  if (toolchain) return toolchain.runtimeImage(image);
  if (image.repository === 'debian' && !image.tag.includes('slim') && image.explicitTag && image.tag !== 'latest') {
    return `debian:${image.tag}-slim`;
  }
  return original;
}
