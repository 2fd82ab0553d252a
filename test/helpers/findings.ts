import { analyze, type AnalyzeOptions, type Finding } from '../../server/src/core';

/** A finding as tests compare it: rule, 1-based line, the exact text under its range, and subject. */
export interface CompactFinding {
  readonly rule: string;
  readonly line: number;
  readonly text: string;
  readonly subject: string;
}

export function textOfRange(text: string, finding: Pick<Finding, 'range'>): string {
  const lines = text.split('\n');
  const { start, end } = finding.range;
  if (start.line === end.line) return lines[start.line]!.slice(start.character, end.character);
  return [lines[start.line]!.slice(start.character), ...lines.slice(start.line + 1, end.line), lines[end.line]!.slice(0, end.character)].join('\n');
}

export function compact(text: string, findings: readonly Finding[]): CompactFinding[] {
  return findings.map((finding) => ({ rule: finding.ruleId, line: finding.range.start.line + 1, text: textOfRange(text, finding), subject: finding.subject }));
}

/** The findings of one rule, compacted. */
export function findingsOf(ruleId: string, text: string, options: AnalyzeOptions = {}): CompactFinding[] {
  return compact(text, analyze(text, options)).filter((finding) => finding.rule === ruleId);
}

/** Joins lines into a Dockerfile; keeps fixtures readable inline. */
export function dockerfile(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}
