import type { Copy, JSONInstruction } from 'dockerfile-ast';
import { interpretCommand, type CommandEffect } from '../commands';
import { ECOSYSTEM_COMMANDS, languageOfImage } from '../ecosystems';
import { buildsSomething } from '../commands/roles';
import { baseDistribution, family as familyById, PACKAGE_MANAGER_TOOLS, type Distribution, type FamilyId } from '../families';
import type { DockerfileModel, InstructionInfo, StageInfo } from '../model';
import type { ShellCommand } from '../shell/parse';
import { buildHelperVerdicts, isFetchToolPackage, type BuildHelperVerdicts } from './build-helpers';
import { PackageHistory, type PackageRecord } from './packages';
import { startScriptKind, startText } from './start';

// Commands some rule looks at: every family's and ecosystem's programs, and the file commands. A
// RUN that names none of them cannot produce a finding, so its shell text is never parsed: most
// RUN lines of a big file are skipped this way on every keystroke.
const INTERESTING_COMMANDS = new RegExp(
  `(^|[^\\w.+-])(${[...PACKAGE_MANAGER_TOOLS, ...ECOSYSTEM_COMMANDS, 'rm', 'curl', 'wget', 'git'].map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})\\d*(\\.\\d+)?($|[^\\w+-])`,
);

export type { PackageRecord };

// Packages that can be build-only in context (fetch tools, node-gyp's and Rails' helpers): only
// these make the analysis read every RUN of the runtime image.
const HELPER_CANDIDATES = /^(nodejs|yarn|node-gyp|make|g\+\+|gcc|gcc-c\+\+|build-base|python[\d.]*(-minimal)?|python-is-python3|py3-(pip|setuptools))$/;

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
  /** The distribution the runtime image is built on (its runtime libraries are named after it). */
  readonly runtimeDistribution: Distribution | undefined;
  private readonly effectsCache = new Map<InstructionInfo, readonly CommandEffect[]>();
  private readonly copyCache = new Map<InstructionInfo, CopyInfo>();
  private packageHistory: PackageHistory | undefined;
  private readonly helperVerdicts = new Map<FamilyId, BuildHelperVerdicts>();

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
    const root = runtime.stages[0];
    this.runtimeDistribution = root && root.image.repository !== 'scratch' ? baseDistribution(root.image) : undefined;
  }

  isRuntimeStage(stage: StageInfo): boolean {
    return this.runtimeStages.includes(stage);
  }

  isBuildOnly(family: FamilyId, name: string): boolean {
    if (this.extraBuildTools.has(name) || familyById(family).isBuildOnly(name)) return true;
    return (HELPER_CANDIDATES.test(name) || isFetchToolPackage(name)) && this.buildHelpers(family).buildOnly.has(name);
  }

  /** Packages that are build tools here because only the build uses them (node-gyp's python3, git for go mod download). */
  buildHelpers(family: FamilyId): BuildHelperVerdicts {
    let verdicts = this.helperVerdicts.get(family);
    if (!verdicts) {
      // Every RUN of the runtime image counts here: what it runs is what the build uses.
      const commands = this.runtimeInstructions.flatMap((info) => (info.keyword === 'RUN' ? (this.model.shellOf(info)?.commands ?? []) : []));
      const root = this.runtimeStages[0];
      const installsBuildTools = this.packages().some((record) => record.family === family && familyById(family).isBuildOnly(record.name));
      verdicts = buildHelperVerdicts({
        family,
        buildCommands: commands,
        runtimeCommands: [],
        startText: startText(this.model, this.runtimeStages),
        startScript: undefined,
        opaqueStartScript: startScriptKind(this.model, this.runtimeStages) === 'script',
        baseEcosystem: root ? languageOfImage(root.image) : undefined,
        imageBuilds: installsBuildTools || commands.some(buildsSomething),
      });
      this.helperVerdicts.set(family, verdicts);
    }
    return verdicts;
  }

  /** The commands of a RUN some rule looks at; empty for RUNs that mention nothing of interest. */
  commandsOf(info: InstructionInfo): readonly ShellCommand[] {
    if (info.keyword !== 'RUN' || !INTERESTING_COMMANDS.test(this.model.argumentsText(info))) return [];
    return this.model.shellOf(info)?.commands ?? [];
  }

  /** What each command of a RUN does, in order; empty for RUNs that mention nothing of interest. */
  effectsOf(info: InstructionInfo): readonly CommandEffect[] {
    const cached = this.effectsCache.get(info);
    if (cached) return cached;
    let effects: readonly CommandEffect[] = [];
    const commands = this.commandsOf(info);
    if (commands.length > 0) effects = commands.flatMap(interpretCommand);
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
    const words: readonly CopyArgument[] = json.length > 0 ? json.map((s) => ({ value: s.getJSONValue(), ...this.model.offsetOf(s.getRange(), info) })) : plain;
    if (words.length < 2) return { sources: words, destination: undefined, from };
    return { sources: words.slice(0, -1), destination: words[words.length - 1], from };
  }
}
