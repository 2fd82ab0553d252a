import { debianRelease, ubuntuRelease } from '../families/apt';
import { onSameRegistry, type ImageReference } from '../knowledge/images';

/**
 * The Debian release assumed for official tags that name none (`golang:1.22`, `python:3.12`): the
 * release those images were built on when this table was written. A rewrite names it explicitly.
 */
const DEFAULT_DEBIAN_RELEASE = 'bookworm';

/** The distribution an official language or toolchain image is built on, from its tag. */
export function imageDistribution(image: ImageReference): { distribution: 'alpine' | 'ubuntu' | 'debian'; release: string | undefined } {
  const alpine = /alpine(\d+\.\d+)?/.exec(image.tag);
  if (alpine) return { distribution: 'alpine', release: alpine[1] };
  const ubuntu = ubuntuRelease(image.tag);
  if (ubuntu && /[a-z]/.test(image.tag)) return { distribution: 'ubuntu', release: ubuntu };
  return { distribution: 'debian', release: debianRelease(image.tag) ?? DEFAULT_DEBIAN_RELEASE };
}

/** The plain distribution image a compiled program runs on after a toolchain image (golang, rust, gcc). */
export function distributionRuntime(image: ImageReference): string {
  const { distribution, release } = imageDistribution(image);
  if (distribution === 'alpine') return onSameRegistry(image, release ? `alpine:${release}` : 'alpine');
  if (distribution === 'ubuntu') return onSameRegistry(image, `ubuntu:${release}`);
  return onSameRegistry(image, `debian:${release}-slim`);
}

const RELEASE_NAMES = ['buster', 'bullseye', 'bookworm', 'trixie', 'forky', 'focal', 'jammy', 'noble'];

/**
 * The slim tag of the same language image: `python:3.12` -> `python:3.12-slim`,
 * `python:3.12-bookworm` -> `python:3.12-slim-bookworm` (node spells it `20-bookworm-slim`).
 */
export function slimVariant(image: ImageReference, slimAfterRelease = false): string {
  const repository = `${image.prefix}${image.repository}`;
  if (/(^|-)(slim|alpine)/.test(image.tag)) return `${repository}:${image.tag}`;
  if (!image.explicitTag || image.tag === 'latest') return `${repository}:slim`;
  const release = RELEASE_NAMES.find((name) => image.tag.endsWith(`-${name}`) || image.tag === name);
  if (release) {
    const version = image.tag === release ? '' : image.tag.slice(0, -(release.length + 1));
    if (slimAfterRelease) return `${repository}:${version ? `${version}-` : ''}${release}-slim`;
    return `${repository}:${version ? `${version}-` : ''}slim-${release}`;
  }
  return `${repository}:${image.tag}-slim`;
}
