import { basename } from '../commands/argv';
import { onSameRegistry, type ImageReference } from '../knowledge/images';
import type { Ecosystem } from './ecosystem';
import { distributionRuntime, slimVariant } from './images';
import type { PlanContribution, PlanInput } from './plan-input';

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'fish', 'ksh']);
const TEST_RUNNERS = new Set(['pytest', 'tox', 'nox', 'jest', 'mocha', 'vitest', 'tsc', 'webpack', 'rspec', 'phpunit']);

/**
 * What holds for every image whatever its language: interactive shells and test runners at
 * start-up, and the toolchain images no single ecosystem owns (Haskell, Swift, Crystal, Perl,
 * and the development and fuzzing images that are build environments by nature).
 */
export const generic: Ecosystem = {
  id: 'generic',
  title: 'Any image',
  commands: [],

  toolchainImages: [
    { matches: (image) => image.repository === 'haskell', keeps: 'GHC, Cabal and Stack', runtimeImage: distributionRuntime },
    { matches: (image) => image.repository === 'swift', keeps: 'the Swift compiler and clang', runtimeTag: /slim/, runtimeImage: (image) => slimVariant(image, true) },
    { matches: (image) => image.repository === 'perl', keeps: 'gcc, make, headers and the buildpack-deps toolchain', interpreter: true, runtimeTag: /slim/, runtimeImage: (image) => slimVariant(image) },
    // OCaml's opam images name their distribution in the tag (debian-12-ocaml-5.1); native programs run on it.
    { matches: (image) => /(^|\/)(ocaml|ocurrent)\/opam$/.test(image.repository), keeps: 'OCaml, opam, gcc and a full distribution', runtimeImage: opamRuntime, user: { name: 'opam', uid: 1000, home: '/home/opam', runsAs: true } },
    // Crystal's image is Ubuntu with the compiler; its programs run on Ubuntu with a few libraries.
    { matches: (image) => /(^|\/)crystallang\/crystal$/.test(image.repository), keeps: 'the Crystal compiler, LLVM and headers', runtimeTag: /alpine/, runtimeImage: (image) => onSameRegistry(image, `ubuntu:${crystalUbuntu(image.tag)}`) },
    {
      matches: (image) => /^mcr\.microsoft\.com\/(vscode\/)?devcontainers\//.test(image.repository),
      keeps: 'a development environment (compilers, debuggers, a shell set up for editing)',
      runtimeImage: () => undefined,
    },
    { matches: (image) => /^gcr\.io\/oss-fuzz-base\/base-builder/.test(image.repository), keeps: 'compilers and fuzzing tools (OSS-Fuzz builder)', runtimeImage: () => undefined },
    { matches: (image) => /(^|\/)s2i-base$|\/s2i-core$/.test(image.repository), keeps: 'compilers and headers for source-to-image builds', runtimeImage: () => undefined },
  ],

  classifyStart(start) {
    const [first, ...rest] = start.words;
    const name = basename(first) ?? '';
    if (SHELLS.has(name) && !rest.includes('-c') && !rest.some((word) => /\.(sh|bash)$/.test(word))) {
      return { kind: 'build-environment', reason: `it starts an interactive shell (${start.words.slice(0, 3).join(' ')}), as development and CI images do` };
    }
    if (TEST_RUNNERS.has(name)) return { kind: 'build-environment', reason: `it runs \`${start.words.slice(0, 3).join(' ')}\` at start-up and needs its build tools` };
    return undefined;
  },

  contribute: planGeneric,
};

/** The distribution image an opam image's tag names (`fedora-40-ocaml-5.2` -> `fedora:40`); Debian's when it names none. */
function opamRuntime(image: ImageReference): string {
  const named = /^(debian|ubuntu|alpine|fedora|oraclelinux|opensuse|archlinux)(?:-(\d[\d.]*|testing|unstable))?(?:-|$)/.exec(image.tag);
  if (!named) return distributionRuntime(image);
  const [, distribution, release] = named as unknown as [string, string, string | undefined];
  const tag = release ? `:${release}` : '';
  if (distribution === 'debian') return onSameRegistry(image, `debian:${release ?? 'stable'}-slim`);
  if (distribution === 'opensuse') return onSameRegistry(image, `opensuse/leap${tag}`);
  return onSameRegistry(image, `${distribution}${tag}`);
}

/** Crystal 1.13 and later are built on Ubuntu 24.04, earlier ones on 22.04. */
function crystalUbuntu(tag: string): string {
  const [major, minor] = tag.split(/[.-]/).map(Number);
  return major === undefined || Number.isNaN(major) || major > 1 || (major === 1 && (minor ?? 0) >= 13) ? 'noble' : 'jammy';
}

function planGeneric(input: PlanInput): PlanContribution {
  if (!/(^|\/)crystallang\/crystal$/.test(input.baseImage.repository)) return {};
  const noble = crystalUbuntu(input.baseImage.tag) === 'noble';
  return {
    runtimePackages: noble
      ? ['libgc1', 'libevent-2.1-7t64', 'libpcre2-8-0', 'libssl3t64', 'libyaml-0-2', 'libgmp10', 'libxml2', 'zlib1g', 'ca-certificates']
      : ['libgc1', 'libevent-2.1-7', 'libpcre2-8-0', 'libssl3', 'libyaml-0-2', 'libgmp10', 'libxml2', 'zlib1g', 'ca-certificates'],
    notes: ['a Crystal program needs the garbage collector, libevent and PCRE at run time: the runtime stage installs them'],
  };
}
