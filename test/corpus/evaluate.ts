/**
 * Measures the analysis and the rewrite against the labelled corpus. The judges here are written
 * independently of the core's own knowledge: their own list of toolchain images, their own reading
 * of install commands and of what a builder stage produces. They use dockerfile-ast (to split
 * instructions) and dockerfile-utils (Docker's syntax rules, as VS Code's Docker tooling checks them).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { analyze, rewrite, type RewriteOptions } from '../../server/src/core';

export const CORPUS = __dirname;

export interface CorpusRecord {
  readonly id: string;
  readonly ecosystems: readonly string[];
  readonly family: string;
  readonly distribution: string;
  readonly tags?: readonly string[];
  readonly contextFiles: readonly string[];
  readonly label: {
    readonly flagged: boolean;
    readonly buildTools: readonly string[];
    readonly runtimeKeeps?: readonly string[];
    readonly ambiguous?: readonly string[];
    readonly toolchainBase: string | null;
    readonly expected: 'rewrite' | 'refuse' | 'clean';
    readonly reason: string;
  };
}

export interface FileResult {
  readonly id: string;
  readonly record: CorpusRecord;
  readonly flagged: boolean;
  /** Labelled build tools (and the toolchain base) the analysis named, and those it missed. */
  readonly named: readonly string[];
  readonly missed: readonly string[];
  /** The rewrite's outcome: ok, or the refusal's kind and reason. */
  readonly rewrite: { readonly ok: true; readonly text: string } | { readonly ok: false; readonly kind: string; readonly reason: string };
  /** For rewrite-appropriate files: why the rewrite is not valid (empty when it is). */
  readonly problems: readonly string[];
}

export interface CorpusMetrics {
  readonly files: number;
  readonly precision: number;
  readonly recall: number;
  readonly toolsNamed: number;
  readonly toolsExpected: number;
  readonly rewriteAppropriate: number;
  readonly validRewrites: number;
  /** Refusals of files labelled rewrite or clean as build environments; refuse-labelled files rewritten. */
  readonly wrongRefusals: readonly string[];
  readonly results: readonly FileResult[];
}

export function loadCorpus(): CorpusRecord[] {
  return (JSON.parse(readFileSync(join(CORPUS, 'manifest.json'), 'utf8')) as { files: CorpusRecord[] }).files;
}

/** The corpus folder as a build context: only the context files it holds (the rewrite reads manifests). */
export function contextOf(record: CorpusRecord): RewriteOptions['context'] {
  const folder = join(CORPUS, record.id);
  return {
    readFile: (path: string) => {
      const file = join(folder, path);
      return path !== 'Dockerfile' && existsSync(file) && statSync(file).isFile() ? readFileSync(file, 'utf8') : undefined;
    },
    list: () => readdirSync(folder).filter((name) => name !== 'Dockerfile'),
  };
}

const FLAG_RULES = new Set(['build-tools-in-runtime', 'toolchain-base-image']);

export function evaluateCorpus(records: readonly CorpusRecord[] = loadCorpus()): CorpusMetrics {
  const results = records.map(evaluateFile);
  let truePositive = 0;
  let falsePositive = 0;
  let falseNegative = 0;
  for (const result of results) {
    if (result.flagged && result.record.label.flagged) truePositive++;
    else if (result.flagged) falsePositive++;
    else if (result.record.label.flagged) falseNegative++;
  }
  const appropriate = results.filter((result) => result.record.label.expected === 'rewrite');
  const wrongRefusals = results.flatMap((result) => {
    const expected = result.record.label.expected;
    if (expected === 'refuse' && result.rewrite.ok) return [`${result.id}: rewritten, but it is a build environment`];
    if (expected !== 'refuse' && !result.rewrite.ok && result.rewrite.kind === 'build-environment') return [`${result.id}: refused as a build environment (${result.rewrite.reason})`];
    if (expected === 'clean' && result.rewrite.ok) return [`${result.id}: rewritten, but it is already clean`];
    return [];
  });
  return {
    files: results.length,
    precision: truePositive / Math.max(1, truePositive + falsePositive),
    recall: truePositive / Math.max(1, truePositive + falseNegative),
    toolsNamed: results.reduce((sum, result) => sum + result.named.length, 0),
    toolsExpected: results.reduce((sum, result) => sum + result.named.length + result.missed.length, 0),
    rewriteAppropriate: appropriate.length,
    validRewrites: appropriate.filter((result) => result.problems.length === 0).length,
    wrongRefusals,
    results,
  };
}

function evaluateFile(record: CorpusRecord): FileResult {
  const text = readFileSync(join(CORPUS, record.id, 'Dockerfile'), 'utf8');
  const findings = analyze(text).filter((finding) => FLAG_RULES.has(finding.ruleId));
  const subjects = new Set(findings.map((finding) => finding.subject));
  const expectedTools = record.label.flagged ? [...record.label.buildTools, ...(record.label.toolchainBase ? [`image:${record.label.toolchainBase}`] : [])] : [];
  const isNamed = (tool: string) =>
    tool.startsWith('image:') ? findings.some((finding) => finding.ruleId === 'toolchain-base-image') : subjects.has(tool);
  const result = rewrite(text, { context: contextOf(record) });
  const problems = record.label.expected === 'rewrite' ? rewriteProblems(record, text, result) : [];
  return {
    id: record.id,
    record,
    flagged: findings.length > 0,
    named: expectedTools.filter(isNamed),
    missed: expectedTools.filter((tool) => !isNamed(tool)),
    rewrite: result.ok ? { ok: true, text: result.text } : { ok: false, kind: result.kind, reason: result.reason },
    problems,
  };
}

// ---- The independent judges -------------------------------------------------------------------

interface Stage {
  readonly name: string | undefined;
  readonly image: string;
  readonly instructions: readonly Instruction[];
}

function stagesOf(text: string): Stage[] {
  const dockerfile = DockerfileParser.parse(text);
  const stages: Array<{ name: string | undefined; image: string; instructions: Instruction[] }> = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      const args = instruction.getArguments().map((arg) => arg.getValue()).filter((value) => !value.startsWith('--'));
      stages.push({ name: args[1]?.toUpperCase() === 'AS' ? args[2]?.toLowerCase() : undefined, image: args[0] ?? '', instructions: [] });
    } else {
      stages[stages.length - 1]?.instructions.push(instruction);
    }
  }
  return stages;
}

/** The final stage and the stages it is built FROM, base first. */
function shippedStages(stages: readonly Stage[]): Stage[] {
  const chain: Stage[] = [];
  for (let stage: Stage | undefined = stages[stages.length - 1]; stage && !chain.includes(stage); ) {
    chain.unshift(stage);
    const parentName = stage.image.toLowerCase();
    stage = stages.slice(0, stages.indexOf(stage)).find((candidate) => candidate.name === parentName);
  }
  return chain;
}

const INSTALL = /\b(apt-get|apt|aptitude)\s[^;&|]*\binstall\b|\bapk\s[^;&|]*\badd\b|\b(dnf|yum|microdnf|tdnf)\s[^;&|]*\binstall\b|\bzypper\s[^;&|]*\b(install|in)\b/;

/** Packages a RUN installs through an OS package manager, by this judge's own reading. */
function installedPackages(instruction: Instruction): string[] {
  if (instruction.getKeyword() !== 'RUN') return [];
  const text = instruction.getTextContent().replace(/\\\r?\n/g, ' ');
  const packages: string[] = [];
  for (const command of text.split(/&&|;|\|\||\n/)) {
    if (!INSTALL.test(command)) continue;
    const words = command.trim().split(/\s+/);
    const verb = words.findIndex((word) => ['install', 'add', 'in'].includes(word));
    for (const word of words.slice(verb + 1)) {
      if (word.startsWith('-') || word.includes('$')) continue;
      packages.push(word.replace(/^["']|["']$/g, '').split(/[=<>~@]/)[0]!.split(':')[0]!);
    }
  }
  return packages;
}

/** Toolchain images by this judge's own list: compilers and SDKs a runtime does not need. */
function isToolchainImage(reference: string): boolean {
  const withoutDigest = reference.toLowerCase().split('@')[0]!;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const repository = colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
  const tag = colon > slash ? withoutDigest.slice(colon + 1) : 'latest';
  const name = repository.split('/').pop()!;
  if (/dotnet\/(core\/)?sdk$/.test(repository)) return true;
  if (['golang', 'rust', 'gcc', 'buildpack-deps', 'maven', 'gradle', 'haskell', 'clojure', 'sbt'].includes(name)) return true;
  if (['python', 'node', 'ruby', 'perl', 'pypy', 'swift', 'elixir', 'erlang'].includes(name)) return !/slim|alpine|windowsservercore|nanoserver/.test(tag);
  if (['openjdk', 'eclipse-temurin', 'amazoncorretto', 'ibm-semeru-runtimes', 'sapmachine', 'azul/zulu-openjdk'].some((jdk) => repository.endsWith(jdk))) return !/jre/.test(tag);
  return false;
}

/** Where well-known toolchain images install what a build produces, without naming it in the file. */
const IMPLICIT_OUTPUTS = ['/usr/local/bundle', '/go/bin', '/go/pkg', '/usr/local/cargo/bin', '/usr/local/lib/php/extensions', '/usr/local/etc/php', '/root/.local', '/root/.m2', '/usr/local/lib/node_modules', '/usr/local/lib/python3', '/usr/lib/python3', '/var/lib/gems', '/usr/local/lib'];

function rewriteProblems(record: CorpusRecord, original: string, result: ReturnType<typeof rewrite>): string[] {
  if (!result.ok) return [`not rewritten (${result.kind}): ${result.reason}`];
  const problems: string[] = [];
  const output = result.text;
  const before = new Set(validate(original).filter((d) => d.severity === 1).map((d) => String(d.message)));
  for (const diagnostic of validate(output)) {
    if (diagnostic.severity === 1 && !before.has(String(diagnostic.message))) problems.push(`Docker rejects it: ${String(diagnostic.message)} (line ${diagnostic.range.start.line + 1})`);
  }
  const stages = stagesOf(output);
  const shipped = shippedStages(stages);
  const installed = new Set(shipped.flatMap((stage) => stage.instructions.flatMap(installedPackages)));
  const left = record.label.buildTools.filter((tool) => installed.has(tool));
  if (left.length > 0) problems.push(`the runtime stage still installs ${left.join(', ')}`);
  if (shipped[0] && isToolchainImage(shipped[0].image)) problems.push(`the runtime stage starts from the toolchain image ${shipped[0].image}`);

  // Every COPY --from=<builder stage> source is something that stage produces.
  const final = shipped[shipped.length - 1]!;
  for (const instruction of final.instructions) {
    if (instruction.getKeyword() !== 'COPY') continue;
    const args = instruction.getArguments().map((arg) => arg.getValue());
    const from = args.find((arg) => arg.startsWith('--from='))?.slice('--from='.length).toLowerCase();
    const builder = from === undefined ? undefined : stages.find((stage) => stage.name === from);
    if (!builder) continue;
    const sources = args.filter((arg) => !arg.startsWith('--')).slice(0, -1);
    for (const source of sources) if (!producedBy(stages, builder, source)) problems.push(`COPY --from=${from} ${source}: the builder does not produce it`);
  }

  // The start and the environment are kept.
  const originalFinal = shippedStages(stagesOf(original)).at(-1)!;
  const kept = new Set(final.instructions.map((instruction) => normalize(instruction.getTextContent())));
  const compilesAtStart = originalFinal.instructions.some(
    (instruction) => ['CMD', 'ENTRYPOINT'].includes(instruction.getKeyword()) && /\b(go run|cargo run|dotnet run|spring-boot:run|bootRun)\b/.test(instruction.getTextContent().replace(/[",[\]]+/g, ' ').replace(/\s+/g, ' ')),
  );
  for (const instruction of originalFinal.instructions) {
    const keyword = instruction.getKeyword();
    if (!['CMD', 'ENTRYPOINT', 'USER', 'EXPOSE', 'ENV', 'WORKDIR'].includes(keyword)) continue;
    if ((keyword === 'CMD' || keyword === 'ENTRYPOINT') && compilesAtStart) continue;
    if (!kept.has(normalize(instruction.getTextContent()))) problems.push(`${keyword} is lost: ${normalize(instruction.getTextContent()).slice(0, 60)}`);
  }
  if (compilesAtStart && !final.instructions.some((instruction) => ['CMD', 'ENTRYPOINT'].includes(instruction.getKeyword()))) problems.push('no CMD or ENTRYPOINT');

  const again = analyze(output).filter((finding) => FLAG_RULES.has(finding.ruleId));
  if (again.length > 0) problems.push(`flagged again: ${again.map((finding) => finding.subject).join(', ')}`);
  return problems;
}

function normalize(text: string): string {
  return text.replace(/\\\r?\n/g, ' ').replace(/\s+/g, ' ').trim();
}

/** Whether a stage (or a stage it is built FROM) names the path, or a folder of it, as something it writes. */
function producedBy(stages: readonly Stage[], stage: Stage, source: string): boolean {
  const path = source.replace(/\/\*.*$|\*.*$/, '').replace(/\/+$/, '') || '/';
  const candidates = [path];
  for (let parent = path; parent.lastIndexOf('/') > 0; ) candidates.push((parent = parent.slice(0, parent.lastIndexOf('/'))));
  if (IMPLICIT_OUTPUTS.some((output) => path === output || path.startsWith(`${output}/`) || output.startsWith(`${path}/`))) return true;
  for (let current: Stage | undefined = stage; current; current = stages.find((candidate) => candidate.name === current!.image.toLowerCase())) {
    let workdir = '/';
    for (const instruction of current.instructions) {
      const keyword = instruction.getKeyword();
      const content = instruction.getTextContent();
      if (keyword === 'WORKDIR') {
        const value = instruction.getArguments()[0]?.getValue() ?? '';
        workdir = value.startsWith('/') ? value : `${workdir.replace(/\/$/, '')}/${value}`;
        if (candidates.includes(workdir.replace(/\/+$/, '')) || workdir.startsWith(`${path}/`)) return true;
      }
      if (!source.startsWith('/') && (keyword === 'COPY' || keyword === 'RUN' || keyword === 'ADD')) return true; // relative to the builder's WORKDIR
      if (['COPY', 'ADD', 'RUN', 'ENV', 'ARG'].includes(keyword) && candidates.some((candidate) => candidate !== '/' && content.includes(candidate))) return true;
    }
    if (current === stages.find((candidate) => candidate.name === current!.image.toLowerCase())) break;
  }
  return false;
}
