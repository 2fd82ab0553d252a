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
  // Only what identifies the finding: code actions recompute fixes for the version they are asked on.
  const data: DiagnosticData = { ruleId: finding.ruleId, subject: finding.subject };
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

/**
 * The hover format a client asked for (`textDocument.hover.contentFormat`, most preferred first).
 * Clients that do not say get Markdown, as VS Code and most editors render it.
 */
export function hoverFormat(contentFormat: readonly string[] | undefined): MarkupKind {
  const known = contentFormat?.find((format) => format === MarkupKind.Markdown || format === MarkupKind.PlainText);
  return contentFormat === undefined || known === MarkupKind.Markdown ? MarkupKind.Markdown : MarkupKind.PlainText;
}

/** The hover for the findings under the cursor: what, why, and where to read more. */
export function toHover(findings: readonly Finding[], format: MarkupKind): Hover | null {
  if (findings.length === 0) return null;
  const sections = findings.map((finding) => {
    const rule = RULE_METADATA.find((r) => r.id === finding.ruleId);
    const title = rule?.title ?? finding.ruleId;
    const explanation = rule?.explanation ?? '';
    if (format === MarkupKind.PlainText) {
      return [`${title} (${finding.ruleId})`, '', plain(finding.message), '', plain(explanation), '', `Read more: ${finding.docsUrl}`, `Suppress with "# multistage-ignore=${finding.ruleId}" on the line above.`].join('\n');
    }
    // The message quotes the Dockerfile (package names, paths): escaped, so it cannot become a link or markup.
    return [`**${title}** (\`${finding.ruleId}\`)`, '', escapeMarkdown(finding.message), '', explanation, '', `[Read more](${finding.docsUrl}) · suppress with \`# multistage-ignore=${finding.ruleId}\` on the line above`].join('\n');
  });
  const separator = format === MarkupKind.PlainText ? '\n\n' : '\n\n---\n\n';
  return { contents: { kind: format, value: sections.join(separator) }, range: findings[0]!.range };
}

/** Text without the inline-code backticks our messages and explanations use. */
function plain(text: string): string {
  return text.replace(/`([^`\n]*)`/g, '$1');
}

/** Markdown that shows `text` as written; its inline code spans stay code (their content is literal). */
export function escapeMarkdown(text: string): string {
  return text
    .split(/(`[^`\n]*`)/)
    .map((part, index) => (index % 2 === 1 ? part : part.replace(/[\\`*_[\]<>&|~#]/g, '\\$&').replace(/^([-+]|\d+[.)])(?=\s|$)/gm, '\\$1')))
    .join('');
}
