import type { AnalysisContext } from '../analysis/context';
import type { FixHint, RuleId, Severity } from '../types';

/** A place a rule found, in document offsets; analyze() turns it into a Finding. */
export interface RuleMatch {
  readonly start: number;
  readonly end: number;
  readonly message: string;
  /** The package, image or path named. */
  readonly subject: string;
  /** Rule ids suppressed on the instruction the match belongs to. */
  readonly suppressed: ReadonlySet<string>;
  readonly related?: ReadonlyArray<{ readonly start: number; readonly end: number; readonly message: string }>;
  readonly fixes?: readonly FixHint[];
}

export interface Rule {
  readonly id: RuleId;
  readonly defaultSeverity: Severity;
  readonly title: string;
  readonly explanation: string;
  /** `runtime` rules judge only the shipped image; their findings point at its FROM as related. */
  readonly scope: 'runtime' | 'any';
  /** For the docs page: a Dockerfile the rule flags, the same one fixed, and how to fix it. */
  readonly example: { readonly flagged: string; readonly fixed: string; readonly fix: string };
  readonly check: (context: AnalysisContext) => Iterable<RuleMatch>;
}

export const SPLIT_STAGES_FIX: FixHint = { kind: 'split-stages', title: 'Split into builder and runtime stages' };

/** `~65 MB` from Debian's Installed-Size figures (KiB). */
export function formatSize(kib: number): string {
  if (kib >= 1024) return `~${Math.round(kib / 1024)} MB`;
  return `~${Math.max(1, Math.round(kib))} KB`;
}

export function lineOf(context: AnalysisContext, offset: number): number {
  return context.model.lineNumberAt(offset);
}
