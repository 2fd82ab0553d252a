import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { analyze, type Finding } from '../core';
import { toSarif, type FileFindings } from './sarif';

/** What a CLI run printed and how it exits; main() is pure so tests can call it directly. */
export interface CliResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliEnvironment {
  readonly version: string;
  readonly informationUri: string;
  readonly readFile: (path: string) => string;
}

export const EXIT = { ok: 0, findings: 1, usage: 2, noRewrite: 3 } as const;

const USAGE = `usage: dockerfile-multistage check [--format text|json|sarif] [--target STAGE] FILE...
       dockerfile-multistage --help | --version

Exit codes: 0 nothing at warning or above, 1 findings, 2 usage or I/O error.`;

class UsageError extends Error {}

export function runCli(argv: readonly string[], environment: CliEnvironment): CliResult {
  try {
    const [command, ...rest] = argv;
    if (command === '--version' || command === '-v') return { exitCode: EXIT.ok, stdout: `${environment.version}\n`, stderr: '' };
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      return { exitCode: command === undefined ? EXIT.usage : EXIT.ok, stdout: command === undefined ? '' : `${USAGE}\n`, stderr: command === undefined ? `${USAGE}\n` : '' };
    }
    if (command === 'check') return runCheck(rest, environment);
    throw new UsageError(`unknown command "${command}" (try: check)`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { exitCode: EXIT.usage, stdout: '', stderr: `dockerfile-multistage: ${message}\n` };
  }
}

function parse(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        format: { type: 'string', short: 'f', default: 'text' },
        target: { type: 'string', short: 't' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.split('\n')[0]! : String(error));
  }
}

function runCheck(args: readonly string[], environment: CliEnvironment): CliResult {
  const { values, positionals } = parse(args);
  if (values.help) return { exitCode: EXIT.ok, stdout: `${USAGE}\n`, stderr: '' };
  const format = values.format ?? 'text';
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`unknown format "${format}" (text, json or sarif)`);
  if (positionals.length === 0) throw new UsageError('no Dockerfile given');
  const files: FileFindings[] = positionals.map((path) => {
    let text: string;
    try {
      text = environment.readFile(path);
    } catch (error) {
      throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    return { path, findings: analyze(text, { target: values.target }) };
  });
  const failing = files.some((file) => file.findings.some((finding) => finding.severity === 'error' || finding.severity === 'warning'));
  const exitCode = failing ? EXIT.findings : EXIT.ok;
  if (format === 'sarif') return { exitCode, stdout: `${JSON.stringify(toSarif(files, environment.version, environment.informationUri), null, 2)}\n`, stderr: '' };
  if (format === 'json') return { exitCode, stdout: `${JSON.stringify(files.map(toJson), null, 2)}\n`, stderr: '' };
  return { exitCode, stdout: files.map(toText).join(''), stderr: summary(files) };
}

function toJson(file: FileFindings) {
  return {
    path: file.path,
    findings: file.findings.map((finding) => ({
      ruleId: finding.ruleId,
      severity: finding.severity,
      message: finding.message,
      subject: finding.subject,
      line: finding.range.start.line + 1,
      column: finding.range.start.character + 1,
      endLine: finding.range.end.line + 1,
      endColumn: finding.range.end.character + 1,
      docsUrl: finding.docsUrl,
    })),
  };
}

function toText(file: FileFindings): string {
  return file.findings
    .map((finding: Finding) => `${file.path}:${finding.range.start.line + 1}:${finding.range.start.character + 1}: ${finding.severity} [${finding.ruleId}] ${finding.message}\n`)
    .join('');
}

function summary(files: readonly FileFindings[]): string {
  const all = files.flatMap((file) => file.findings);
  if (all.length === 0) return `${files.length} Dockerfile${files.length === 1 ? '' : 's'} checked: no findings\n`;
  const counts = new Map<string, number>();
  for (const finding of all) counts.set(finding.severity, (counts.get(finding.severity) ?? 0) + 1);
  return `${all.length} finding${all.length === 1 ? '' : 's'} (${[...counts].map(([severity, n]) => `${n} ${severity}`).join(', ')})\n`;
}

export function readFileOrStdin(path: string): string {
  return readFileSync(path === '-' ? 0 : path, 'utf8');
}
