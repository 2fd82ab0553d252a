import type * as Sarif from 'sarif';
import { RULE_METADATA, type Finding, type Severity } from '../core';

const LEVEL: Readonly<Record<Severity, Sarif.Result.level>> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

export interface FileFindings {
  /** The path as given on the command line, reported relative to where the tool ran. */
  readonly path: string;
  readonly findings: readonly Finding[];
}

/**
 * A SARIF 2.1.0 log: rule metadata from the registry, one result per finding with 1-based regions,
 * and the files that could not be checked as tool notifications of an unsuccessful run.
 */
export function toSarif(files: readonly FileFindings[], toolVersion: string, informationUri: string, errors: readonly string[] = []): Sarif.Log {
  const rules: Sarif.ReportingDescriptor[] = RULE_METADATA.map((rule) => ({
    id: rule.id,
    name: rule.id.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase()),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.explanation },
    helpUri: rule.docsUrl,
    help: { text: `${rule.explanation} See ${rule.docsUrl}`, markdown: `${rule.explanation}\n\n[Documentation](${rule.docsUrl})` },
    defaultConfiguration: { level: LEVEL[rule.defaultSeverity] },
  }));
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const results: Sarif.Result[] = files.flatMap(({ path, findings }) =>
    findings.map((finding) => ({
      ruleId: finding.ruleId,
      ruleIndex: ruleIndex.get(finding.ruleId) ?? -1,
      level: LEVEL[finding.severity],
      message: { text: finding.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: toUri(path), uriBaseId: '%SRCROOT%' },
            region: {
              startLine: finding.range.start.line + 1,
              startColumn: finding.range.start.character + 1,
              endLine: finding.range.end.line + 1,
              endColumn: finding.range.end.character + 1,
            },
          },
        },
      ],
      partialFingerprints: { 'subject/v1': `${finding.ruleId}:${finding.subject}` },
    })),
  );
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'dockerfile-multistage', version: toolVersion, semanticVersion: toolVersion, informationUri, rules } },
        columnKind: 'utf16CodeUnits',
        invocations: [{ executionSuccessful: errors.length === 0, toolExecutionNotifications: errors.map((text) => ({ level: 'error' as const, message: { text } })) }],
        results,
      },
    ],
  };
}

function toUri(path: string): string {
  return path.split(/[\\/]/).map(encodeURIComponent).join('/').replace(/^\.\//, '');
}
