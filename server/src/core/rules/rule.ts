import type { AnalysisContext } from '../analysis/context';
import type { FixHint, Severity } from '../types';

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

export interface Rule<Id extends string = string> {
  /** Stable, self-explanatory id; the union of every rule's id is RuleId. */
  readonly id: Id;
  readonly defaultSeverity: Severity;
  readonly title: string;
  readonly explanation: string;
  /** `runtime` rules judge only the shipped image; their findings point at its FROM as related. */
  readonly scope: 'runtime' | 'any';
  /** For the docs page: a Dockerfile the rule flags, the same one fixed, and how to fix it. */
  readonly example: { readonly flagged: string; readonly fixed: string; readonly fix: string };
  /** Whether the multi-stage rewrite resolves what the rule finds (its findings offer the split). */
  readonly resolvedByRewrite: boolean;
  readonly check: (context: AnalysisContext) => Iterable<RuleMatch>;
}

/** Declares a rule, keeping its id's literal type so that RuleId is derived from the registry. */
export function defineRule<const Id extends string>(rule: Rule<Id>): Rule<Id> {
  return rule;
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
