import { analyzeModel } from '../analyze';
import { findToolchainImage, parseImageReference, runtimeBaseFor } from '../knowledge/images';
import { DockerfileModel, type InstructionInfo, type StageInfo } from '../model';
import { shellParser } from '../shell/tree-sitter';
import { applyManifestFirst } from './manifest-first';
import { planSplit, type Plan } from './plan';
import { renderInstall, type RuntimeInstall } from './runtime-install';
import { classifyStart } from './start-command';

export interface RewriteOptions {
  /** The stage to split, as `docker build --target` names it; default: the final stage. */
  readonly target?: string;
  readonly extraBuildTools?: readonly string[];
}

export interface RewriteSummary {
  readonly builderStage: string;
  readonly runtimeBase: string;
  readonly ecosystem: string;
  /** Build-only packages that now live only in the builder. */
  readonly movedPackages: readonly string[];
  /** Packages the runtime stage installs. */
  readonly runtimePackages: readonly string[];
  /** Paths the runtime stage copies from the builder. */
  readonly copiedPaths: readonly string[];
}

export type RewriteResult =
  | { readonly ok: true; readonly text: string; readonly summary: RewriteSummary }
  | {
      readonly ok: false;
      /** clean: nothing to move; build-environment: the tools are the image's purpose; unsupported: cannot be done safely. */
      readonly kind: 'clean' | 'build-environment' | 'unsupported';
      /** Why, as a clause that completes "Not rewritten: ..." (no capital, no full stop). */
      readonly reason: string;
    };

const WINDOWS = /(^|\/)windows\/|windowsservercore|nanoserver/;

/**
 * Splits the runtime stage of a Dockerfile into a builder stage (the original instructions, tools
 * and all) and a runtime stage on a slim base that installs only runtime packages and copies the
 * build results. Returns a reason instead when the file is clean, is a build environment, or
 * cannot be split safely: never a broken file.
 */
export function rewrite(text: string, options: RewriteOptions = {}): RewriteResult {
  shellParser(); // fails fast when initialize() was not awaited
  const extraBuildTools = new Set(options.extraBuildTools ?? []);
  const original = new DockerfileModel(text);
  const runtime = original.runtimeStages(options.target);
  if (!runtime.target) return { ok: false, kind: 'unsupported', reason: 'there is no FROM instruction' };
  if (!runtime.targetFound) return { ok: false, kind: 'unsupported', reason: `no stage is named "${options.target}"` };
  const findings = analyzeModel(original, { target: options.target, extraBuildTools: [...extraBuildTools], severities: onlySplitRules() });
  if (findings.length === 0) return { ok: false, kind: 'clean', reason: 'the runtime image has no build tools or toolchain base image to move to a builder stage' };
  if (runtime.target.parent) {
    return { ok: false, kind: 'unsupported', reason: `the runtime stage is built FROM stage "${runtime.target.parent.name}"; split that stage first, or target it` };
  }

  // Copy dependency manifests before the install first, so the builder's install layer caches.
  const prepared = applyManifestFirst(original, runtime.target);
  const model = prepared === text ? original : new DockerfileModel(prepared);
  const stage = model.runtimeStages(options.target).target!;

  const fromWords = model.wordsOf(stage).words;
  if (fromWords.length !== 1 && !(fromWords.length === 3 && fromWords[1]!.value.toUpperCase() === 'AS')) {
    return { ok: false, kind: 'unsupported', reason: `the FROM on line ${model.lineNumberAt(stage.fromStart)} is not FROM [--platform=...] IMAGE [AS NAME]` };
  }
  if (WINDOWS.test(stage.imageText.toLowerCase())) return { ok: false, kind: 'unsupported', reason: 'Windows images are not supported' };
  if (stage.image.repository === 'scratch') return { ok: false, kind: 'unsupported', reason: 'the stage starts FROM scratch' };
  const toolchain = findToolchainImage(stage.image);
  const runtimeImage = runtimeBaseFor(stage.image, stage.imageText);
  if (!runtimeImage) return { ok: false, kind: 'unsupported', reason: `${stage.imageText} keeps its build tools on purpose (${toolchain?.keeps ?? 'a toolchain'}) and has no slimmer official variant` };

  const lastInstruction = stage.instructions[stage.instructions.length - 1];
  const start = classifyStart(model, stage, lastInstruction?.workdir);
  if (start.kind === 'build-environment') return { ok: false, kind: 'build-environment', reason: start.reason };
  if (start.kind === 'unsupported') return { ok: false, kind: 'unsupported', reason: start.reason };

  const planned = planSplit(model, stage, start, extraBuildTools, toolchain !== undefined, parseImageReference(runtimeImage));
  if (!planned.ok) return { ok: false, kind: 'unsupported', reason: planned.reason };
  const plan = planned.plan;
  const runtimeBase = parametrize(model, stage, runtimeImage);
  const builderName = freeStageName(model, 'builder', [runtimeBase]);
  const output = render(model, plan, builderName, runtimeBase);

  const installs = [...plan.runtimeInstalls.values()].filter((install): install is RuntimeInstall => install !== undefined);
  return {
    ok: true,
    text: output,
    summary: {
      builderStage: plan.lastBuild >= 0 ? builderName : '',
      runtimeBase,
      ecosystem: plan.ecosystem,
      movedPackages: installs.flatMap((install) => install.moved),
      runtimePackages: [...new Set([...installs.flatMap((install) => install.packages), ...plan.extraRuntimePackages])],
      copiedPaths: plan.artefacts.map(([from]) => from),
    },
  };
}

function onlySplitRules(): Record<string, 'off' | 'warning'> {
  const severities: Record<string, 'off' | 'warning'> = {};
  for (const id of ['late-removal', 'cache-busting-copy', 'package-cache-left', 'install-recommends', 'copy-whole-stage', 'unknown-target', 'shell-parse-error']) severities[id] = 'off';
  severities['build-tools-in-runtime'] = 'warning';
  severities['toolchain-base-image'] = 'warning';
  return severities;
}

/**
 * A stage name no FROM or COPY --from of the file (nor the new runtime base) already uses: Docker
 * reads `FROM builder` as the stage once a stage is named `builder`, even when an image was meant.
 */
function freeStageName(model: DockerfileModel, wanted: string, images: readonly string[]): string {
  const taken = new Set<string | undefined>(model.stages.map((stage) => stage.name));
  for (const stage of model.stages) taken.add(stage.imageText.toLowerCase());
  for (const info of model.instructions) {
    if (info.keyword !== 'COPY' && info.keyword !== 'ADD') continue;
    const from = model.flagsOf(info).find((flag) => flag.name.toLowerCase() === 'from')?.value;
    if (from) taken.add(from.toLowerCase());
  }
  for (const image of images) taken.add(image.toLowerCase());
  if (!taken.has(wanted)) return wanted;
  for (let n = 2; ; n++) if (!taken.has(`${wanted}-${n}`)) return `${wanted}-${n}`;
}

/** Keeps an ARG-parametrised tag parametrised: `python:${PY}` -> `python:${PY}-slim`. */
function parametrize(model: DockerfileModel, stage: StageInfo, runtimeImage: string): string {
  const raw = model.wordsOf(stage).words[0]?.value ?? '';
  let result = runtimeImage;
  // A reference that is the whole image (`FROM ${BASE}`) cannot be kept: the new base differs.
  if (/^\$/.test(raw)) return result;
  for (const match of raw.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g)) {
    const value = model.globalScope.get(match[1] ?? match[2]!);
    if (value && result.includes(value)) result = result.replace(value, match[0]);
  }
  return result;
}

interface Slices {
  /** The comment and blank lines before an instruction, starting with the newline that ends the previous line. */
  readonly trivia: string;
  /** The instruction's own lines, without the final newline. */
  readonly body: string;
}

function render(model: DockerfileModel, plan: Plan, builderName: string, runtimeBase: string): string {
  const text = model.text;
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const escape = model.escapeChar;
  const stage = plan.stage;
  const lineStart = (offset: number) => text.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = (offset: number) => {
    const next = text.indexOf('\n', offset);
    const end = next < 0 ? text.length : next;
    return text[end - 1] === '\r' ? end - 1 : end;
  };
  const fromStart = lineStart(stage.fromStart);
  const fromEnd = lineEnd(stage.fromEnd);
  let cursor = fromEnd;
  const slices = new Map<InstructionInfo, Slices>();
  for (const info of stage.instructions) {
    const start = lineStart(info.start);
    const end = lineEnd(info.end);
    slices.set(info, { trivia: text.slice(cursor, start), body: text.slice(start, end) });
    cursor = end;
  }
  const next = model.stages[stage.index + 1];
  const stageEnd = next ? leadingTriviaStart(text, lineStart(next.fromStart)) : text.length;
  const tail = text.slice(cursor, Math.max(cursor, stageEnd));
  const after = text.slice(Math.max(cursor, stageEnd));

  const fromBody = text.slice(fromStart, fromEnd);
  const alias = stage.name !== undefined ? /\s(AS|as|As|aS)\s+(\S+)\s*$/.exec(fromBody)?.[2] : undefined;
  const builderFrom = alias ? fromBody.replace(/(\s(?:AS|as|As|aS)\s+)\S+(\s*)$/, `$1${builderName}$2`) : `${fromBody.replace(/\s+$/, '')} AS ${builderName}`;
  const flags = model.flagsOf(stage).map((flag) => text.slice(flag.start, flag.end));
  const runtimeFrom = `FROM ${[...flags, runtimeBase].join(' ')}${alias ? ` AS ${alias}` : ''}`;

  if (plan.lastBuild < 0) {
    // Nothing is built: a slimmer base is the whole fix.
    return text.slice(0, fromStart) + runtimeFrom + [...slices.values()].map((s) => s.trivia + s.body).join('') + tail + after;
  }

  let builder = builderFrom;
  stage.instructions.forEach((info, index) => {
    if (index > plan.lastBuild || plan.kinds[index] === 'metadata') return;
    const { trivia, body } = slices.get(info)!;
    const insertions = plan.builderInsertions.get(info) ?? [];
    builder += insertions.map((line) => newline + line).join('') + trivia + body;
  });
  builder += plan.builderAppend.map((line) => newline + line).join('');

  const extraPackages = [...plan.extraRuntimePackages];
  const installLine = (install: RuntimeInstall | undefined) => {
    if (!install) return undefined;
    const merged = extraPackages.length > 0 && install.family === 'apt' ? { ...install, packages: [...new Set([...install.packages, ...extraPackages.splice(0)])] } : install;
    return renderInstall(merged, escape, newline);
  };
  const copies = plan.artefacts.map(([from, to]) => copyLine(from, to, builderName, chownFor(model, plan)));
  let runtimeBody = '';
  const emit = (trivia: string, body: string) => (runtimeBody += trivia + body);
  const emitLine = (line: string) => (runtimeBody += newline + line);
  stage.instructions.forEach((info, index) => {
    const kind = plan.kinds[index]!;
    const { trivia, body } = slices.get(info)!;
    const inBuilder = index <= plan.lastBuild && kind !== 'metadata';
    const ownTrivia = inBuilder ? '' : trivia;
    switch (kind) {
      case 'context':
      case 'setup':
      case 'copy-from':
        emit(inBuilder ? newline : trivia, body);
        break;
      case 'metadata':
        emit(trivia, plan.start.kind === 'compiles-at-start' && plan.start.instruction === info ? plan.start.replacement : body);
        break;
      case 'install': {
        const line = installLine(plan.runtimeInstalls.get(info));
        if (line) emit(ownTrivia || newline, line);
        break;
      }
      case 'other':
      case 'copy-context':
        if (index > plan.lastBuild) emit(trivia, body);
        break;
      case 'build':
        break;
    }
    if (index === plan.lastBuild) {
      for (const line of [...copies, ...plan.afterArtefacts]) emitLine(line);
    }
  });
  if (extraPackages.length > 0) {
    // No install RUN took them: install right after FROM.
    const line = renderInstall({ family: 'apt', tool: 'apt-get', packages: extraPackages, keptCommands: [], moved: [] }, escape, newline);
    runtimeBody = `${newline}${line}${runtimeBody}`;
  }
  return `${text.slice(0, fromStart)}${builder}${newline}${newline}${runtimeFrom}${runtimeBody}${tail}${after}`;
}

/** Where the comment block directly above a line starts, so it moves with the line. */
function leadingTriviaStart(text: string, start: number): number {
  let begin = start;
  for (;;) {
    const previousEnd = begin - 1;
    if (previousEnd <= 0) return begin;
    const previousStart = text.lastIndexOf('\n', previousEnd - 1) + 1;
    const line = text.slice(previousStart, previousEnd).trim();
    if (!line.startsWith('#')) return begin;
    begin = previousStart;
  }
}

function chownFor(model: DockerfileModel, plan: Plan): string | undefined {
  const copy = plan.stage.instructions.find((_, index) => plan.kinds[index] === 'copy-context' && index <= plan.lastBuild);
  return (copy ? model.flagsOf(copy) : []).find((flag) => flag.name.toLowerCase() === 'chown')?.value;
}

function copyLine(from: string, to: string, builder: string, chown: string | undefined): string {
  const flags = `--from=${builder}${chown ? ` --chown=${chown}` : ''}`;
  return /\s/.test(from + to) ? `COPY ${flags} ${JSON.stringify([from, to])}` : `COPY ${flags} ${from} ${to}`;
}
