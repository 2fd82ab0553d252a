import type { CommandEffect } from '../commands/effects';
import type { FamilyId } from '../families';
import type { ImageReference } from '../knowledge/images';
import type { ShellArg, ShellCommand } from '../shell/parse';
import type { PlanContribution, PlanInput } from './plan-input';

export type EcosystemId = 'python' | 'node' | 'go' | 'rust' | 'java' | 'ruby' | 'php' | 'dotnet' | 'c-cpp' | 'generic';

/** A toolchain image family and the image a runtime stage should start from instead. */
export interface ToolchainImage {
  /** Whether the image (its repository, with any registry host) belongs to this entry. */
  readonly matches: (image: ImageReference) => boolean;
  /** What the image keeps that a runtime does not need, for messages. */
  readonly keeps: string;
  /**
   * Whether the toolchain is also the language's runtime (python, node, ruby): such an image without
   * a CMD can be an application image. A compiler's image without one is built to compile others.
   */
  readonly interpreter?: boolean;
  /** Tags that are runtimes, not toolchains (slim, alpine, JRE); absent: every tag is a toolchain. */
  readonly runtimeTag?: RegExp;
  /**
   * The image to run on instead, on the same registry or mirror; undefined when there is none (a
   * development container or a fuzzing builder is a build environment by nature).
   */
  readonly runtimeImage: (image: ImageReference) => string | undefined;
  /**
   * A user the image has and its runtime image lacks (`opam`, `gradle`): the runtime stage creates
   * it, so that `--chown` and `USER` still name someone, and runs as it when the image did.
   */
  readonly user?: ImageUser;
}

/** A user of an image, as the runtime stage recreates it. */
export interface ImageUser {
  readonly name: string;
  readonly uid: number;
  readonly home: string;
  /** Whether the image runs as this user by default (its own USER). */
  readonly runsAs: boolean;
}

/** A cache a tool writes into the layer unless told not to (pip's wheel cache). */
export interface ToolCache {
  readonly id: string;
  readonly paths: readonly string[];
  readonly what: string;
  readonly advice: string;
  /** Environment variables that turn the cache off (PIP_NO_CACHE_DIR). */
  readonly disabledBy: readonly string[];
  /** The edit that avoids it: a flag after the command's verb. */
  readonly flag: string;
}

/** What the container runs: ENTRYPOINT's words, or CMD's. */
export interface StartWords {
  readonly words: readonly string[];
  readonly keyword: 'CMD' | 'ENTRYPOINT';
}

/** How an ecosystem reads a start command. */
export type StartVerdict =
  /** It needs its build tools at start-up: tests, a dev server, an interactive REPL. */
  | { readonly kind: 'build-environment'; readonly reason: string }
  | { readonly kind: 'unsupported'; readonly reason: string }
  /** It compiles at start (`go run`, `cargo run`): build the artefact instead and run that. */
  | { readonly kind: 'compiles-at-start'; readonly buildCommand: string; readonly artefact: { readonly from: string; readonly to: string }; readonly startWords: readonly string[] };

export interface StartContext {
  /** The working directory at the start instruction. */
  readonly workdir: string | undefined;
  /** A file of the build context, when the context is known. */
  readonly readContextFile: (path: string) => string | undefined;
  /** The names of the files at the build context's root; empty when the context is not known. */
  readonly contextFiles: () => readonly string[];
}

/**
 * One language ecosystem (Python, Node.js, Go, ...): the commands it runs, how its dependency
 * installs look, its toolchain images, how its start commands compile, and what a multi-stage
 * plan needs for it. Adding an ecosystem is a module like python.ts and a line in
 * ecosystems/index.ts; the rules, the fixes and the rewrite ask the registry.
 */
export interface Ecosystem {
  readonly id: EcosystemId;
  readonly title: string;
  /** Its programs; versioned names (`python3.12`, `pip3`) count as the base name. */
  readonly commands: readonly string[];
  /**
   * A cheap test on a RUN's text: false means it holds none of this ecosystem's dependency
   * installs, so rules that look only for those need not parse it.
   */
  readonly dependencyInstallHint?: RegExp;
  /** What one of its commands does for the rules: dependency installs (with manifests), caches. */
  interpret?(tool: string, argv: readonly ShellArg[], command: ShellCommand): CommandEffect[];
  /** Whether the command compiles, fetches dependencies or creates build environments. */
  builds?(tool: string, argv: readonly ShellArg[]): boolean;
  /** Its dependency install needs nothing but the manifests, so copying them first is safe. */
  readonly installNeedsOnlyManifests?: boolean;
  /** Programs whose presence on an image's PATH means its toolchain shipped (the compare report looks). */
  readonly compilers?: readonly string[];
  readonly toolchainImages?: readonly ToolchainImage[];
  readonly caches?: readonly ToolCache[];
  /**
   * OS packages that only its build needs when it is in use, though they are no build tools in
   * general (node-gyp's python3): name -> why, per family, given the build's commands (`go mod download`).
   */
  buildHelpers?(family: FamilyId, buildCommands: readonly string[]): Readonly<Record<string, string>>;
  /** How it reads the start command; undefined when the command is none of its business. */
  classifyStart?(start: StartWords, context: StartContext): StartVerdict | undefined;
  /** What the multi-stage plan needs for it; only called when the image uses it. */
  contribute?(input: PlanInput): PlanContribution;
}
