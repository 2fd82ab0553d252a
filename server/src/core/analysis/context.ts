import type { Copy, JSONInstruction } from 'dockerfile-ast';
import { interpretCommand, type CommandEffect } from '../commands';
import { isBuildOnlyPackage, type PackageFamily } from '../knowledge/build-tools';
import type { DockerfileModel, InstructionInfo, StageInfo } from '../model';
import { PackageHistory, type PackageRecord } from './packages';

// Commands some rule looks at. A RUN that names none of them cannot produce a finding, so its shell
// text is never parsed: most RUN lines of a big file are skipped this way on every keystroke.
const INTERESTING_COMMANDS =
  /\b(apt-get|apt|aptitude|apt-mark|apk|yum|dnf|microdnf|tdnf|zypper|pip\d*(\.\d+)?|python\d*(\.\d+)?|uv|npm|yarn|pnpm|go|bundler?|mvnw?|gradlew?|cargo|composer|poetry|pipenv|dotnet|rm|curl|wget|git)\b/;

export type { PackageRecord };

/** A source or destination word of COPY or ADD, with its document offsets. */
export interface CopyArgument {
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

/** COPY/ADD sources that mean "the whole build context". */
export const WHOLE_CONTEXT_SOURCES: ReadonlySet<string> = new Set(['.', './', '*', './*']);

export interface CopyInfo {
  readonly sources: readonly CopyArgument[];
  readonly destination: CopyArgument | undefined;
  /** The `--from` value: a stage name or index, or an image. */
  readonly from: string | undefined;
}

/** The source word of a COPY or ADD from the build context that copies all of it, if any. */
export function wholeContextSource(copy: CopyInfo): CopyArgument | undefined {
  return copy.from === undefined ? copy.sources.find((source) => WHOLE_CONTEXT_SOURCES.has(source.value)) : undefined;
}

/** Facts about one Dockerfile that several rules share, each computed once and only when asked. */
export class AnalysisContext {
  readonly runtimeStages: readonly StageInfo[];
  readonly runtimeInstructions: readonly InstructionInfo[];
  readonly target: StageInfo | undefined;
  readonly targetFound: boolean;
  readonly extraBuildTools: ReadonlySet<string>;
  private readonly effectsCache = new Map<InstructionInfo, readonly CommandEffect[]>();
  private readonly copyCache = new Map<InstructionInfo, CopyInfo>();
  private packageHistory: PackageHistory | undefined;

  constructor(
    readonly model: DockerfileModel,
    readonly requestedTarget: string | undefined,
    extraBuildTools: readonly string[],
  ) {
    const runtime = model.runtimeStages(requestedTarget);
    this.runtimeStages = runtime.stages;
    this.runtimeInstructions = runtime.stages.flatMap((stage) => stage.instructions);
    this.target = runtime.target;
    this.targetFound = runtime.targetFound;
    this.extraBuildTools = new Set(extraBuildTools);
  }

  isRuntimeStage(stage: StageInfo): boolean {
    return this.runtimeStages.includes(stage);
  }

  isBuildOnly(family: PackageFamily, name: string): boolean {
    return isBuildOnlyPackage(family, name, this.extraBuildTools);
  }

  /** What each command of a RUN does, in order; empty for RUNs that mention nothing of interest. */
  effectsOf(info: InstructionInfo): readonly CommandEffect[] {
    const cached = this.effectsCache.get(info);
    if (cached) return cached;
    let effects: readonly CommandEffect[] = [];
    if (info.keyword === 'RUN' && INTERESTING_COMMANDS.test(this.model.argumentsText(info))) {
      const parsed = this.model.shellOf(info);
      effects = parsed ? parsed.commands.flatMap(interpretCommand) : [];
    }
    this.effectsCache.set(info, effects);
    return effects;
  }

  /** Every package installed in the runtime image, with where (and whether) it was removed. */
  packages(): readonly PackageRecord[] {
    if (!this.packageHistory) {
      const history = new PackageHistory();
      for (const info of this.runtimeInstructions) {
        for (const effect of this.effectsOf(info)) history.apply(info, effect);
      }
      this.packageHistory = history;
    }
    return this.packageHistory.records;
  }

  /** Sources, destination and `--from` of a COPY or ADD. */
  copyOf(info: InstructionInfo): CopyInfo {
    let copy = this.copyCache.get(info);
    if (!copy) {
      copy = this.readCopy(info);
      this.copyCache.set(info, copy);
    }
    return copy;
  }

  private readCopy(info: InstructionInfo): CopyInfo {
    const node = info.node as Copy & JSONInstruction;
    const { flags, words: plain } = this.model.wordsOf(info);
    const from = flags.find((flag) => flag.name.toLowerCase() === 'from')?.value;
    const json = node.getJSONStrings();
    // Flags are not sources: `COPY --chown=app . .` copies the whole context too.
    const words: readonly CopyArgument[] = json.length > 0 ? json.map((s) => ({ value: s.getJSONValue(), ...this.model.offsetOf(s.getRange()) })) : plain;
    if (words.length < 2) return { sources: words, destination: undefined, from };
    return { sources: words.slice(0, -1), destination: words[words.length - 1], from };
  }
}
