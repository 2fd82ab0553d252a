import type { DistributionBase, PackageFamily } from '../families';
import type { ImageReference } from '../knowledge/images';
import type { DockerfileModel, InstructionInfo } from '../model';
import type { ShellCommand } from '../shell/parse';

/** What the generic planner knows when it asks an ecosystem for its part of a multi-stage plan. */
export interface PlanInput {
  readonly model: DockerfileModel;
  /** The instructions of the image that ships, base stage first, FROMs left out. */
  readonly instructions: readonly InstructionInfo[];
  /** Index (in `instructions`) of the last one the builder needs; -1 when nothing is built. */
  readonly lastBuild: number;
  /** Every command of the RUNs up to the last build step, with the RUN it belongs to. */
  readonly builderCommands: ReadonlyArray<{ readonly info: InstructionInfo; readonly command: ShellCommand }>;
  /** The working directory and a variable's value at the last build step. */
  readonly workdir: string | undefined;
  readonly scope: (name: string) => string | undefined;
  /** The image the original starts from, whether it is a toolchain image, and the runtime base. */
  readonly baseImage: ImageReference;
  readonly toolchainBase: boolean;
  readonly runtimeImage: ImageReference;
  /** The runtime base's distribution and package family, when known. */
  readonly runtimeDistribution: { readonly family: PackageFamily; readonly base: DistributionBase } | undefined;
  /** Build-only OS packages the runtime no longer installs. */
  readonly movedPackages: readonly string[];
  /** OS packages the runtime stage installs (the runtime halves of the original's installs). */
  readonly runtimePackages: readonly string[];
  /** The program the container starts (ENTRYPOINT's, else CMD's first word), as written. */
  readonly startProgram: string | undefined;
  /** Whether the start command compiles (go run): the planner builds its artefact. */
  readonly compilesAtStart: boolean;
  /** A file of the build context, when the context is known. */
  readonly readContextFile: (path: string) => string | undefined;
  /** The names of the files at the build context's root; empty when the context is not known. */
  readonly contextFiles: () => readonly string[];
}

/** An ecosystem's part of a plan. Every field is optional; a refusal stops the rewrite with its reason. */
export interface PlanContribution {
  readonly refusal?: string;
  /** Lines the builder gains before an instruction (a virtualenv, CGO_ENABLED=0). */
  readonly builderInsertions?: ReadonlyArray<{ readonly before: InstructionInfo; readonly lines: readonly string[] }>;
  /** Lines appended at the end of the builder (npm prune). */
  readonly builderAppend?: readonly string[];
  /** Paths the runtime copies from the builder, as [from, to]. */
  readonly artefacts?: ReadonlyArray<readonly [string, string]>;
  /** Lines the runtime stage gains right after the copies (a PATH). */
  readonly afterArtefacts?: readonly string[];
  /** OS packages the runtime stage needs beyond the original's runtime packages (CA certificates). */
  readonly runtimePackages?: readonly string[];
  /** Runtime packages an artefact replaces (a Go program needs the CA bundle file, not the package). */
  readonly dropRuntimePackages?: readonly string[];
  /**
   * Whether the builder's working directory must be copied (`copy`: it holds the built application)
   * or adds nothing (`skip`: everything is in the artefacts, and the sources come again later).
   */
  readonly workdir?: 'copy' | 'skip';
  /** The runtime stage's base image instead of the derived one (PHP runs on its own image). */
  readonly runtimeBase?: string;
  /** Variables the build of a compiling start command runs with (`CGO_ENABLED=0` before `go build`). */
  readonly startBuildEnvironment?: string;
  /** Why something stayed or changed, for the rewrite summary. */
  readonly notes?: readonly string[];
}
