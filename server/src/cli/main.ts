import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { analyze, rewrite, RuleFailure, type BuildContext, type Finding } from '../core';
import { checkContextDirectory, checkFileInContext, describeFsError } from '../engine/context-tar';
import { EngineError } from '../engine/errors';
import { folderBuildContext } from '../node/build-context';
import { DOCKERFILE_PATTERNS, findDockerfiles } from './discover';
import { decodeDockerfile, encodeDockerfile, type DecodedFile } from './encoding';
import { toSarif, type FileFindings } from './sarif';

/** What a CLI run printed and how it exits; main() is pure so tests can call it directly. */
export interface CliResult {
  readonly exitCode: number;
  /** Bytes when it is a Dockerfile (fix keeps the file's own encoding), else text. */
  readonly stdout: string | Uint8Array;
  readonly stderr: string;
}

export interface CliEnvironment {
  readonly version: string;
  readonly informationUri: string;
  /** A file's bytes; `-` is standard input. */
  readonly readFile: (path: string) => Uint8Array;
  readonly writeFile?: (path: string, bytes: Uint8Array) => void;
  /** Progress lines of long commands (compare), as they happen. */
  readonly progress?: (line: string) => void;
  /** Warnings as they happen (compare); without it they are part of the result's stderr. */
  readonly warn?: (line: string) => void;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly signal?: AbortSignal;
}

/** 130 for a cancelled compare, as a shell reports a command stopped by Ctrl+C (128 + SIGINT). */
export const EXIT = { ok: 0, findings: 1, usage: 2, noRewrite: 3, cancelled: 130 } as const;

const USAGE = `usage: dockerfile-multistage check [--format text|json|sarif] [--target STAGE] PATH...
       dockerfile-multistage fix [--stdout | --write] [--target STAGE] [--context DIR] FILE
       dockerfile-multistage compare [--context DIR] [--format text|json|markdown] [--smoke COMMAND] [--keep-images] [--no-cache] FILE
       dockerfile-multistage inspect [--format text|json|markdown] [--max-wasted-bytes N] [--max-wasted-percent P] [--no-cache] IMAGE
       dockerfile-multistage --help | --version

check reads each FILE, or every Dockerfile under a folder (${DOCKERFILE_PATTERNS.join(', ')};
what .gitignore ignores, .git and node_modules are skipped). It exits 0 when nothing is at warning
or above, 1 with findings, 2 for usage or I/O errors (the other files are still checked).
fix prints (or --write saves) the multi-stage rewrite, in the file's own encoding and line endings,
and exits 0; it exits 3 with the reason when the file should not or cannot be rewritten. It reads
manifests (Cargo.toml, package.json, *.csproj) in the build context: --context, else the file's folder.
compare builds the file and its rewrite on the Docker Engine (DOCKER_HOST, the current Docker
context, or the default socket) and prints both sizes: exit 0, 1 when a build fails, 2 for usage
errors or an unreachable Engine, 3 when there is no rewrite to compare, 130 when cancelled
(Ctrl+C, SIGTERM or SIGHUP; what it made is removed first).
inspect reads an image on the Engine layer by layer: sizes, wasted space, packages, build tools.
It exits 1 when the wasted bytes (N: bytes, or with kB, MB, GB, KiB, MiB, GiB) or the wasted
percentage of the image is over a threshold, naming the instruction and the rule; 2 for usage
errors or an Engine failure; 130 when cancelled. --no-cache reads the layers again even when this
image was measured before (figures are kept by image id under ~/.cache/dockerfile-multistage).`;

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
    if (command === 'inspect') return await runInspect(rest, environment);
    throw new UsageError(`unknown command "${command}" (try: check, fix, compare, inspect)`);
  } catch (error) {
    return { exitCode: EXIT.usage, stdout: '', stderr: `dockerfile-multistage: ${errorSentence(error)}\n` };
  }
}

/** One line for any failure; a failing rule is named as the bug it is. */
function errorSentence(error: unknown, path?: string): string {
  const where = path === undefined ? '' : `${path}: `;
  if (error instanceof RuleFailure) return `${where}${error.message}. This is a bug in dockerfile-multistage, not in the Dockerfile: please report it with the file.`;
  if (error instanceof UsageError) return `${where}${error.message}`;
  return `${where}internal error: ${error instanceof Error ? error.message : String(error)}`;
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
        'no-cache': { type: 'boolean' },
        'max-wasted-bytes': { type: 'string' },
        'max-wasted-percent': { type: 'string' },
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
  if (positionals.length === 0) throw new UsageError('no Dockerfile or folder given');
  // Every file is checked even when another cannot be: a CI log then shows all it can.
  const errors: string[] = [];
  const files: FileFindings[] = [];
  for (const path of expandFolders(positionals, errors)) {
    try {
      files.push({ path, findings: analyze(read(environment, path).text, { target: values.target }) });
    } catch (error) {
      errors.push(errorSentence(error, error instanceof UsageError ? undefined : path));
    }
  }
  const failing = files.some((file) => file.findings.some((finding) => finding.severity === 'error' || finding.severity === 'warning'));
  const exitCode = errors.length > 0 ? EXIT.usage : failing ? EXIT.findings : EXIT.ok;
  const errorLines = errors.map((line) => `dockerfile-multistage: ${line}\n`).join('');
  if (format === 'sarif') return { exitCode, stdout: `${JSON.stringify(toSarif(files, environment.version, environment.informationUri, errors), null, 2)}\n`, stderr: errorLines };
  if (format === 'json') return { exitCode, stdout: `${JSON.stringify(files.map(toJson), null, 2)}\n`, stderr: errorLines };
  return { exitCode, stdout: files.map(toText).join(''), stderr: errorLines + (files.length > 0 ? summary(files) : '') };
}

/** The files to check: each file as given, and the Dockerfiles found under each folder. */
function expandFolders(paths: readonly string[], errors: string[]): string[] {
  const files: string[] = [];
  for (const path of paths) {
    let folder = false;
    try {
      folder = path !== '-' && statSync(path).isDirectory();
    } catch {
      // not there or unreadable: reading it says which
    }
    if (!folder) {
      files.push(path);
      continue;
    }
    try {
      const found = findDockerfiles(path);
      if (found.length === 0) errors.push(`${path}: no Dockerfile in this folder (looked for ${DOCKERFILE_PATTERNS.join(', ')}, skipping what .gitignore ignores)`);
      files.push(...found);
    } catch (error) {
      errors.push(`cannot search ${path}: ${describeFsError(error)}`);
    }
  }
  return files;
}

function runFix(args: readonly string[], environment: CliEnvironment): CliResult {
  const { values, positionals } = parse(args);
  if (values.help) return { exitCode: EXIT.ok, stdout: `${USAGE}\n`, stderr: '' };
  if (values.stdout && values.write) throw new UsageError('choose one of --stdout and --write');
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'no Dockerfile given' : 'fix takes one Dockerfile');
  const path = positionals[0]!;
  if (values.write && path === '-') throw new UsageError('--write needs a file, not standard input');
  const file = read(environment, path);
  // Standard input has no folder: its context is --context or none.
  const contextDir = values.context ?? (path === '-' ? undefined : dirname(path));
  const result = rewriteOrExplain(file.text, values.target, path, contextDir === undefined ? undefined : folderBuildContext(contextDir));
  if (!result.ok) return { exitCode: EXIT.noRewrite, stdout: '', stderr: `dockerfile-multistage: ${path}: not rewritten: ${sentence(result.reason)}\n` };
  const notes = result.summary.notes.map((note) => `  note: ${sentence(note)}\n`).join('');
  const summary = `${path}: builder stage "${result.summary.builderStage || '(none)'}", runtime on ${result.summary.runtimeBase}; moved ${result.summary.movedPackages.join(', ') || 'no packages'}\n${notes}`;
  const bytes = encodeOrExplain(result.text, file, path);
  if (values.write) {
    try {
      (environment.writeFile ?? ((target, content) => writeFileSync(target, content)))(path, bytes);
    } catch (error) {
      throw new UsageError(`cannot write ${path}: ${describeFsError(error)}`);
    }
    return { exitCode: EXIT.ok, stdout: '', stderr: `wrote ${summary}` };
  }
  return { exitCode: EXIT.ok, stdout: bytes, stderr: summary };
}

function rewriteOrExplain(text: string, target: string | undefined, path: string, context: BuildContext | undefined): ReturnType<typeof rewrite> {
  try {
    return rewrite(text, { target, ...(context ? { context } : {}) });
  } catch (error) {
    throw new UsageError(errorSentence(error, path));
  }
}

function encodeOrExplain(text: string, file: DecodedFile, path: string): Buffer {
  try {
    return encodeDockerfile(text, file.encoding);
  } catch (error) {
    throw new UsageError(`${path}: ${(error as Error).message}`);
  }
}

async function runCompare(args: readonly string[], environment: CliEnvironment): Promise<CliResult> {
  const { values, positionals } = parse(args);
  if (values.help) return { exitCode: EXIT.ok, stdout: `${USAGE}\n`, stderr: '' };
  const format = reportFormat(values.format);
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'no Dockerfile given' : 'compare takes one Dockerfile');
  const path = positionals[0]!;
  if (path === '-') throw new UsageError('compare needs a Dockerfile path: the build context is its folder');
  const contextDir = resolve(values.context ?? dirname(path));
  let warnings = '';
  const usage = (check: () => void) => {
    try {
      check();
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  };
  usage(() => checkFileInContext(contextDir, path)); // before reading it
  const file = read(environment, path);
  usage(() => checkContextDirectory(contextDir));
  const result = rewriteOrExplain(file.text, values.target, path, folderBuildContext(contextDir));
  if (!result.ok) return { exitCode: EXIT.noRewrite, stdout: '', stderr: `dockerfile-multistage: ${path}: nothing to compare, not rewritten: ${sentence(result.reason)}\n` };
  encodeOrExplain(result.text, file, path);
  // The Engine's modules (dockerode and its HTTP stack) load only for the commands that need them.
  const [{ compareImages }, { reportMarkdown, reportText }] = await Promise.all([import('../engine/compare.js'), import('../engine/report.js')]);
  const engine = await connectEngine(environment);
  try {
    const report = await compareImages({
      engine,
      contextDir,
      original: { path, text: file.text },
      rewrittenText: result.text,
      encode: (text) => encodeDockerfile(text, file.encoding),
      smokeCommand: values.smoke,
      keepImages: values['keep-images'],
      cacheDir: values['no-cache'] ? undefined : measurementCache(environment),
      signal: environment.signal,
      onProgress: (progress) => environment.progress?.(progress.message),
      onWarning: (message) => {
        if (environment.warn) environment.warn(`dockerfile-multistage: warning: ${message}`);
        else warnings += `dockerfile-multistage: warning: ${message}\n`;
      },
    });
    const stdout = format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : format === 'markdown' ? reportMarkdown(report) : reportText(report);
    return { exitCode: EXIT.ok, stdout, stderr: warnings };
  } catch (error) {
    if (!(error instanceof EngineError)) throw error;
    const log = error.log && error.kind !== 'cancelled' ? `${error.log.trimEnd().split('\n').slice(-15).join('\n')}\n` : '';
    const message = error.kind === 'cancelled' ? 'cancelled; the temporary images and containers were removed.' : error.message;
    return { exitCode: exitCodeFor(error), stdout: '', stderr: `${warnings}${log}dockerfile-multistage: ${message}\n` };
  }
}

async function runInspect(args: readonly string[], environment: CliEnvironment): Promise<CliResult> {
  const { values, positionals } = parse(args);
  if (values.help) return { exitCode: EXIT.ok, stdout: `${USAGE}\n`, stderr: '' };
  const format = reportFormat(values.format);
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'no image given (a name, name:tag or id on the Engine)' : 'inspect takes one image');
  const image = positionals[0]!;
  const maxWastedBytes = values['max-wasted-bytes'] === undefined ? undefined : parseBytes(values['max-wasted-bytes']);
  const maxWastedPercent = values['max-wasted-percent'] === undefined ? undefined : parsePercent(values['max-wasted-percent']);
  const [{ measureImage }, { inspectMarkdown, inspectText, makeInspectReport }] = await Promise.all([import('../engine/measure.js'), import('../engine/report.js')]);
  const engine = await connectEngine(environment);
  try {
    await engine.ping(10_000, environment.signal);
    if (!(await engine.imageExists(image))) throw new UsageError(`no image "${image}" on the Engine at ${engine.endpoint.url} (from ${engine.endpoint.source}); \`docker images\` lists what is there`);
    const measurement = await measureImage(engine, image, {
      signal: environment.signal,
      cacheDir: values['no-cache'] ? undefined : measurementCache(environment),
      onProgress: (message) => environment.progress?.(`Reading the layers of ${image}: ${message}`),
    });
    const report = makeInspectReport(image, engine.endpoint.url, measurement, { ...(maxWastedBytes !== undefined ? { maxWastedBytes } : {}), ...(maxWastedPercent !== undefined ? { maxWastedPercent } : {}) });
    const stdout = format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : format === 'markdown' ? inspectMarkdown(report) : inspectText(report);
    const stderr = report.failures.map((failure) => `dockerfile-multistage: ${image}: ${failure}\n`).join('');
    return { exitCode: report.failures.length > 0 ? EXIT.findings : EXIT.ok, stdout, stderr };
  } catch (error) {
    if (!(error instanceof EngineError)) throw error;
    return { exitCode: error.kind === 'cancelled' ? EXIT.cancelled : EXIT.usage, stdout: '', stderr: `dockerfile-multistage: ${error.kind === 'cancelled' ? 'cancelled.' : error.message}\n` };
  }
}

function reportFormat(format = 'text'): 'text' | 'json' | 'markdown' {
  if (format !== 'text' && format !== 'json' && format !== 'markdown') throw new UsageError(`unknown format "${format}" (text, json or markdown)`);
  return format;
}

/** The Engine at DOCKER_HOST, the current Docker context or the default socket; its modules (dockerode) load only here. */
async function connectEngine(environment: CliEnvironment) {
  const [{ DockerEngine }, { resolveEndpoint }] = await Promise.all([import('../engine/engine.js'), import('../engine/endpoint.js')]);
  try {
    return new DockerEngine(resolveEndpoint({ env: environment.env ?? process.env }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** `10000`, `10MB`, `1.5 GiB` -> bytes (kB, MB, GB decimal; KiB, MiB, GiB binary). */
export function parseBytes(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kKMG]i?B|B)?\s*$/.exec(text);
  if (!match) throw new UsageError(`--max-wasted-bytes wants a number of bytes (e.g. 20000000 or 20MB), not "${text}"`);
  const unit = (match[2] ?? 'B').replace(/^k/, 'K');
  const factor: Record<string, number> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };
  return Math.round(Number(match[1]) * factor[unit]!);
}

function parsePercent(text: string): number {
  const value = Number(text.replace(/%$/, ''));
  if (!/^\s*\d+(\.\d+)?%?\s*$/.test(text) || value > 100) throw new UsageError(`--max-wasted-percent wants a percentage from 0 to 100, not "${text}"`);
  return value;
}

/** Figures of images already measured, by image id: $XDG_CACHE_HOME or ~/.cache, then dockerfile-multistage. */
function measurementCache(environment: CliEnvironment): string {
  const env = environment.env ?? process.env;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'dockerfile-multistage');
}

/** 1 only when a build failed (the Dockerfile's fault); 130 when cancelled; 2 when the comparison could not be run. */
function exitCodeFor(error: EngineError): number {
  if (error.kind === 'build-failed' || error.kind === 'base-image-missing') return EXIT.findings;
  if (error.kind === 'cancelled') return EXIT.cancelled;
  return EXIT.usage;
}

function read(environment: CliEnvironment, path: string): DecodedFile {
  let bytes: Uint8Array;
  try {
    bytes = environment.readFile(path);
  } catch (error) {
    throw new UsageError(`cannot read ${path === '-' ? 'standard input' : path}: ${describeFsError(error)}`);
  }
  return decodeDockerfile(bytes);
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

export function readFileOrStdin(path: string): Buffer {
  return readFileSync(path === '-' ? 0 : path);
}
