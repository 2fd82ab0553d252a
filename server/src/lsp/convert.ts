import { DiagnosticSeverity, MarkupKind, type Diagnostic, type Hover } from 'vscode-languageserver/node';
import { RULE_METADATA, type Finding, type Severity } from '../core';
import { DIAGNOSTIC_SOURCE, type DiagnosticData } from '../protocol';

const SEVERITY: Readonly<Record<Severity, DiagnosticSeverity>> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toDiagnostic(finding: Finding, uri: string): Diagnostic {
  const data: DiagnosticData = { ruleId: finding.ruleId, subject: finding.subject, fixes: finding.fixes };
  return {
    range: finding.range,
    severity: SEVERITY[finding.severity],
    code: finding.ruleId,
    codeDescription: { href: finding.docsUrl },
    source: DIAGNOSTIC_SOURCE,
    message: finding.message,
    relatedInformation: finding.related.map((related) => ({ location: { uri, range: related.range }, message: related.message })),
    data,
  };
}

/** The hover for the findings under the cursor: what, why, and where to read more. */
export function toHover(findings: readonly Finding[]): Hover | null {
  if (findings.length === 0) return null;
  const sections = findings.map((finding) => {
    const rule = RULE_METADATA.find((r) => r.id === finding.ruleId);
    return [`**${rule?.title ?? finding.ruleId}** (\`${finding.ruleId}\`)`, '', finding.message, '', rule?.explanation ?? '', '', `[Read more](${finding.docsUrl}) · suppress with \`# multistage-ignore=${finding.ruleId}\` on the line above`].join('\n');
  });
  return { contents: { kind: MarkupKind.Markdown, value: sections.join('\n\n---\n\n') }, range: findings[0]!.range };
}
