import { AnalysisContext } from './analysis/context';
import { ruleDocsUrl } from './analysis/docs';
import { DockerfileModel } from './model';
import { shellParser } from './shell/tree-sitter';
import { ALL_RULES, type Rule, type RuleMatch } from './rules';
import { compareRanges } from './text';
import type { AnalyzeOptions, Finding, RelatedInformation, RuleId, Severity } from './types';

export interface AnalysisHooks {
  /**
   * Called when a rule throws: the other rules still run and the caller reports the bug (the
   * language server logs it). Without this hook a failing rule throws a RuleFailure instead, so a
   * bug in a rule is never mistaken for "no findings".
   */
  readonly onRuleError?: (ruleId: string, error: unknown) => void;
}

/** A rule threw: a bug in the analysis, never a property of the Dockerfile. */
export class RuleFailure extends Error {
  constructor(
    readonly ruleId: string,
    readonly cause: unknown,
  ) {
    super(`the rule ${ruleId} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'RuleFailure';
  }
}

/** Findings for one Dockerfile's text. Throws only for a failing rule (see AnalysisHooks.onRuleError). */
export function analyze(text: string, options: AnalyzeOptions = {}, hooks: AnalysisHooks = {}): Finding[] {
  shellParser(); // fails fast, whatever the text, when initialize() was not awaited
  return analyzeModel(new DockerfileModel(text), options, hooks);
}

/** The same, for a model the caller already parsed (the language server keeps one per version). */
export function analyzeModel(model: DockerfileModel, options: AnalyzeOptions = {}, hooks: AnalysisHooks = {}): Finding[] {
  const context = new AnalysisContext(model, options.target || undefined, options.extraBuildTools ?? []);
  const findings: Finding[] = [];
  for (const rule of ALL_RULES) {
    const severity = options.severities?.[rule.id] ?? rule.defaultSeverity;
    if (severity === 'off') continue;
    try {
      for (const match of rule.check(context)) {
        if (match.suppressed.has(rule.id)) continue;
        findings.push(toFinding(rule, severity, match, context));
      }
    } catch (error) {
      if (!hooks.onRuleError) throw new RuleFailure(rule.id, error);
      hooks.onRuleError(rule.id, error);
    }
  }
  return findings.sort((a, b) => compareRanges(a.range, b.range) || a.ruleId.localeCompare(b.ruleId) || a.message.localeCompare(b.message));
}

function toFinding(rule: Rule<RuleId>, severity: Severity, match: RuleMatch, context: AnalysisContext): Finding {
  const model = context.model;
  const related: RelatedInformation[] = (match.related ?? []).map((r) => ({ range: model.rangeOf(r.start, r.end), message: r.message }));
  const target = context.target;
  if (rule.scope === 'runtime' && target) {
    const line = model.lineNumberAt(target.fromStart);
    related.push({ range: model.rangeOf(target.fromStart, target.fromEnd), message: `The runtime image is the stage that starts here (line ${line})` });
  }
  return {
    ruleId: rule.id,
    severity,
    message: match.message,
    range: model.rangeOf(match.start, match.end),
    subject: match.subject,
    docsUrl: ruleDocsUrl(rule.id),
    related,
    fixes: match.fixes ?? [],
  };
}
