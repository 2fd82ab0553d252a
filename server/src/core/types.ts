import type { RuleId } from './rules';
import type { Range } from './text';

export type { RuleId };

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export type SeveritySetting = Severity | 'off';


export interface AnalyzeOptions {
  /** The stage whose image ships (`docker build --target`); default: the final stage. */
  readonly target?: string;
  /** Severity per rule, down to `off`. */
  readonly severities?: Readonly<Partial<Record<string, SeveritySetting>>>;
  /** More package names to treat as build-only, for every package manager. */
  readonly extraBuildTools?: readonly string[];
}

export interface RelatedInformation {
  readonly range: Range;
  readonly message: string;
}

/** A text edit in document coordinates, as LSP and VS Code apply it. */
export interface TextEdit {
  readonly range: Range;
  readonly newText: string;
}

/** How a finding can be fixed: precomputed edits, or the whole-file multi-stage rewrite. */
export type FixHint =
  | { readonly kind: 'edits'; readonly title: string; readonly edits: readonly TextEdit[] }
  | { readonly kind: 'split-stages'; readonly title: string };

export interface Finding {
  readonly ruleId: RuleId;
  readonly severity: Severity;
  readonly message: string;
  readonly range: Range;
  /** The package, image or path the finding is about. */
  readonly subject: string;
  readonly docsUrl: string;
  readonly related: readonly RelatedInformation[];
  readonly fixes: readonly FixHint[];
}

export interface RuleMetadata {
  readonly id: RuleId;
  readonly defaultSeverity: Severity;
  /** One line: what the rule finds (SARIF shortDescription, docs title). */
  readonly title: string;
  /** Why it matters, for hovers and docs. */
  readonly explanation: string;
  readonly docsUrl: string;
}
