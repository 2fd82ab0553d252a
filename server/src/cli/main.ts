import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { analyze, rewrite, type Finding } from '../core';
import { compareImages } from '../engine/compare';
import { DockerEngine, EngineError } from '../engine/engine';
import { resolveEndpoint } from '../engine/endpoint';
import { reportMarkdown, reportText } from '../engine/report';
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
  readonly writeFile?: (path: string, text: string) => void;
  /** Progress lines of long commands (compare), as they happen. */
  readonly progress?: (line: string) => void;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly signal?: AbortSignal;
}

export const EXIT = { ok: 0, findings: 1, usage: 2, noRewrite: 3 } as const;

const USAGE = `usage: dockerfile-multistage check [--format text|json|sarif] [--target STAGE] FILE...
       dockerfile-multistage fix [--stdout | --write] [--target STAGE] FILE
       dockerfile-multistage compare [--context DIR] [--format text|json|markdown] [--smoke COMMAND] [--keep-images] FILE
       dockerfile-multistage --help | --version

check exits 0 when nothing is at warning or above, 1 with findings, 2 for usage or I/O errors.
fix prints (or --write saves) the multi-stage rewrite and exits 0; it exits 3 with the reason
when the file should not or cannot be rewritten.
compare builds the file and its rewrite on the Docker Engine (DOCKER_HOST, the current Docker
context, or the default socket) and prints both sizes: exit 0, 1 when a build fails, 2 for usage
errors or an unreachable Engine, 3 when there is no rewrite to compare.`;

class UsageError extends Error {}

export async function runCli(argv: readonly string[], environment: CliEnvironment): Promise<CliResult> {
  try {
    const [command, ...rest] = argv;
    if (command === '--version' || command === '-v') return { exitCode: EXIT.ok, stdout: `${environment.version}\n`, stderr: '' };
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      return { exitCode: command === undefined ? EXIT.usage : EXIT.ok, stdout: command === undefined ? '' : `${USAGE}\n`, stderr: command === undefined ? `${USAGE}\n` : '' };
    }
    if (command === 'check') return runCheck(rest, environment);
    if (command === 'fix') return runFix(rest, environment);
    if (command === 'compare') return await runCompare(rest, environment);
    throw new UsageError(`unknown command "${command}" (try: check, fix, compare)`);
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
        stdout: { type: 'boolean' },
        write: { type: 'boolean', short: 'w' },
        context: { type: 'string', short: 'c' },
        smoke: { type: 'string' },
        'keep-images': { type: 'boolean' },
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
  const files: FileFindings[] = positionals.map((path) => ({ path, findings: analyze(read(environment, path), { target: values.target }) }));
  const failing = files.some((file) => file.findings.some((finding) => finding.severity === 'error' || finding.severity === 'warning'));
  const exitCode = failing ? EXIT.findings : EXIT.ok;
  if (format === 'sarif') return { exitCode, stdout: `${JSON.stringify(toSarif(files, environment.version, environment.informationUri), null, 2)}\n`, stderr: '' };
  if (format === 'json') return { exitCode, stdout: `${JSON.stringify(files.map(toJson), null, 2)}\n`, stderr: '' };
  return { exitCode, stdout: files.map(toText).join(''), stderr: summary(files) };
}

function runFix(args: readonly string[], environment: CliEnvironment): CliResult {
  const { values, positionals } = parse(args);
  if (values.help) return { exitCode: EXIT.ok, stdout: `${USAGE}\n`, stderr: '' };
  if (values.stdout && values.write) throw new UsageError('choose one of --stdout and --write');
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'no Dockerfile given' : 'fix takes one Dockerfile');
  const path = positionals[0]!;
  if (values.write && path === '-') throw new UsageError('--write needs a file, not standard input');
  const text = read(environment, path);
  const result = rewrite(text, { target: values.target });
  if (!result.ok) return { exitCode: EXIT.noRewrite, stdout: '', stderr: `dockerfile-multistage: ${path}: not rewritten: ${sentence(result.reason)}\n` };
  const summary = `${path}: builder stage "${result.summary.builderStage || '(none)'}", runtime on ${result.summary.runtimeBase}; moved ${result.summary.movedPackages.join(', ') || 'no packages'}\n`;
  if (values.write) {
    (environment.writeFile ?? ((file, content) => writeFileSync(file, content)))(path, result.text);
    return { exitCode: EXIT.ok, stdout: '', stderr: `wrote ${summary}` };
  }
  return { exitCode: EXIT.ok, stdout: result.text, stderr: summary };
}

async function runCompare(args: readonly string[], environment: CliEnvironment): Promise<CliResult> {
  const { values, positionals } = parse(args);
  if (values.help) return { exitCode: EXIT.ok, stdout: `${USAGE}\n`, stderr: '' };
  const format = values.format ?? 'text';
  if (!['text', 'json', 'markdown'].includes(format)) throw new UsageError(`unknown format "${format}" (text, json or markdown)`);
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'no Dockerfile given' : 'compare takes one Dockerfile');
  const path = positionals[0]!;
  if (path === '-') throw new UsageError('compare needs a Dockerfile path: the build context is its folder');
  const text = read(environment, path);
  const result = rewrite(text, { target: values.target });
  if (!result.ok) return { exitCode: EXIT.noRewrite, stdout: '', stderr: `dockerfile-multistage: ${path}: nothing to compare, not rewritten: ${sentence(result.reason)}\n` };
  let engine: DockerEngine;
  try {
    engine = new DockerEngine(resolveEndpoint({ env: environment.env ?? process.env }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  try {
    const report = await compareImages({
      engine,
      contextDir: resolve(values.context ?? dirname(path)),
      original: { path, text },
      rewrittenText: result.text,
      smokeCommand: values.smoke,
      keepImages: values['keep-images'],
      signal: environment.signal,
      onProgress: (progress) => environment.progress?.(progress.message),
    });
    const stdout = format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : format === 'markdown' ? reportMarkdown(report) : reportText(report);
    return { exitCode: EXIT.ok, stdout, stderr: '' };
  } catch (error) {
    if (!(error instanceof EngineError)) throw error;
    const unreachable = error.kind === 'unreachable' || error.kind === 'permission' || error.kind === 'timeout';
    const log = error.log ? `${error.log.trimEnd().split('\n').slice(-15).join('\n')}\n` : '';
    return { exitCode: unreachable ? EXIT.usage : EXIT.findings, stdout: '', stderr: `${log}dockerfile-multistage: ${error.message}\n` };
  }
}

function read(environment: CliEnvironment, path: string): string {
  try {
    return environment.readFile(path);
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** One line ending with a full stop. */
function sentence(reason: string): string {
  const text = reason.replace(/\s+/g, ' ').trim();
  return `${text}${/[.!?]$/.test(text) ? '' : '.'}`;
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
