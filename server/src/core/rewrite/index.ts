import { analyzeModel } from '../analyze';
import { findToolchainImage } from '../ecosystems';
import { distributionOf, type DistributionBase, type PackageFamily } from '../families';
import { isValidImageReference, parseImageReference } from '../knowledge/images';
import { DockerfileModel, type StageInfo } from '../model';
import { ALL_RULES } from '../rules';
import { shellParser } from '../shell/tree-sitter';
import { expandDockerfileWord } from '../variables';
import { applyManifestFirst } from './manifest-first';
import { planSplit, type Plan } from './plan';
import { renderSplit } from './render';
import type { RuntimeInstall } from './runtime-install';

/** The build context, read through the adapter that has it (the CLI's folder, the editor's workspace). */
export interface BuildContext {
  /** A file by its path relative to the context; undefined when it is absent or cannot be read. */
  readFile(path: string): string | undefined;
  /** The names of the entries at the context's root. */
  list?(): readonly string[];
}

export interface RewriteOptions {
  /** The stage to split, as `docker build --target` names it; default: the final stage. */
  readonly target?: string;
  readonly extraBuildTools?: readonly string[];
  /** The build context, when there is one: Cargo.toml names a binary, a .csproj the assembly. */
  readonly context?: BuildContext;
}

export interface RewriteSummary {
  readonly builderStage: string;
  readonly runtimeBase: string;
  /** The ecosystems whose builds were split (`python`, `node`, ...); several can apply to one image. */
  readonly ecosystems: readonly string[];
  /** Build-only packages that now live only in the builder. */
  readonly movedPackages: readonly string[];
  /** Packages the runtime stage installs. */
  readonly runtimePackages: readonly string[];
  /** Paths the runtime stage copies from the builder. */
  readonly copiedPaths: readonly string[];
  /** Why something stayed in the runtime image or was done differently (git kept because the CMD runs it). */
  readonly notes: readonly string[];
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

/** Only the rules the rewrite resolves decide whether there is something to split. */
const SPLIT_SEVERITIES: Readonly<Record<string, 'off' | 'warning'>> = Object.fromEntries(ALL_RULES.map((rule) => [rule.id, rule.resolvedByRewrite ? 'warning' : 'off']));

/**
 * Splits the image that ships into a builder stage (the original instructions, tools and all) and
 * a runtime stage on a slim base that installs only runtime packages and copies the build results.
 * Returns a reason instead when the file is clean, is a build environment, or cannot be split
 * safely: never a broken file. Throws RuleFailure when a rule fails.
 */
export function rewrite(text: string, options: RewriteOptions = {}): RewriteResult {
  shellParser(); // fails fast when initialize() was not awaited
  const extraBuildTools = new Set(options.extraBuildTools ?? []);
  const original = new DockerfileModel(text);
  const runtime = original.runtimeStages(options.target);
  if (!runtime.target) return { ok: false, kind: 'unsupported', reason: 'there is no FROM instruction' };
  if (!runtime.targetFound) return { ok: false, kind: 'unsupported', reason: `no stage is named "${options.target}"` };
  const findings = analyzeModel(original, { target: options.target, extraBuildTools: [...extraBuildTools], severities: SPLIT_SEVERITIES });
  if (findings.length === 0) return { ok: false, kind: 'clean', reason: 'the runtime image has no build tools or toolchain base image to move to a builder stage' };

  // Copy dependency manifests before the install first, so the builder's install layer caches.
  const prepared = applyManifestFirst(original, runtime.target);
  const model = prepared === text ? original : new DockerfileModel(prepared);
  const chain = model.runtimeStages(options.target).stages;
  const root = chain[0]!;

  for (const stage of chain) {
    const words = model.wordsOf(stage).words;
    if (words.length !== 1 && !(words.length === 3 && words[1]!.value.toUpperCase() === 'AS')) {
      return { ok: false, kind: 'unsupported', reason: `the FROM on line ${model.lineNumberAt(stage.fromStart)} is not FROM [--platform=...] IMAGE [AS NAME]` };
    }
  }
  if (WINDOWS.test(root.imageText.toLowerCase())) return { ok: false, kind: 'unsupported', reason: 'Windows images are not supported' };
  if (root.image.repository === 'scratch') return { ok: false, kind: 'unsupported', reason: 'the stage starts FROM scratch' };

  // The runtime base: a toolchain's runtime image, the slim image of the same distribution, or the same image.
  const toolchain = findToolchainImage(root.image);
  const distribution = distributionOf(root.image);
  const runtimeImage = toolchain ? toolchain.runtimeImage(root.image) : distribution ? distribution.base.runtimeImage : root.imageText;
  if (!runtimeImage) {
    return { ok: false, kind: 'build-environment', reason: `${root.imageText} keeps ${toolchain?.keeps ?? 'its build tools'} on purpose and has no runtime counterpart` };
  }
  const runtimeReference = parseImageReference(runtimeImage);
  const runtimeDistribution = runtimeDistributionOf(runtimeReference, distribution);

  const context = options.context;
  const planned = planSplit(model, chain, {
    extraBuildTools,
    toolchainBase: toolchain !== undefined,
    runtimeImage: runtimeReference,
    runtimeDistribution,
    readContextFile: (path) => safeRead(context, path),
    contextFiles: () => safeList(context),
  });
  if (!planned.ok) return { ok: false, kind: planned.kind, reason: planned.reason };
  const plan = planned.plan;
  const runtimeBase = parametrize(model, root, plan.runtimeBase ?? runtimeImage);
  if (!isValidImageReference(runtimeBase)) return { ok: false, kind: 'unsupported', reason: `${root.imageText} is not an image reference Docker accepts, so no runtime base can be derived from it` };
  const { text: output, builderStage, addedStages } = renderSplit(model, plan, runtimeBase, (taken) => freeStageName(model, 'builder', [runtimeBase, ...taken]));
  // Read back what was written: the stages must be the original's plus the builder, with the
  // runtime stage where the split one was. Anything else (a heredoc that swallows the rest of the
  // file) would hand the user a file that does something else.
  const written = new DockerfileModel(output);
  const runtimeStage = written.stages[chain[chain.length - 1]!.index + addedStages];
  if (written.stages.length !== model.stages.length + addedStages || !runtimeStage || runtimeStage.imageText !== expandedImage(written, runtimeBase)) {
    return { ok: false, kind: 'unsupported', reason: 'the rewritten file would not keep the stages apart (an unterminated heredoc or continuation swallows what follows)' };
  }

  const installs = [...plan.runtimeInstalls.values()].filter((install): install is RuntimeInstall => install !== undefined);
  return {
    ok: true,
    text: output,
    summary: {
      builderStage,
      runtimeBase,
      ecosystems: plan.ecosystems,
      movedPackages: installs.flatMap((install) => install.moved),
      runtimePackages: [...new Set([...installs.flatMap((install) => install.packages), ...plan.extraRuntimePackages])],
      copiedPaths: plan.artefacts.map(([from]) => from),
      notes: plan.notes,
    },
  };
}

/** The runtime base's distribution: its own when it is a distribution image, else the one its tag names. */
function runtimeDistributionOf(
  image: ReturnType<typeof parseImageReference>,
  original: { family: PackageFamily; base: DistributionBase } | undefined,
): { family: PackageFamily; base: DistributionBase } | undefined {
  const own = distributionOf(image);
  if (own) return own;
  const distroOfLanguage = distributionOf(parseImageReference(languageImageDistribution(image)));
  return distroOfLanguage ?? original;
}

/** `python:3.12-slim` runs on Debian, `node:20-alpine` on Alpine, `eclipse-temurin:17-jre-jammy` on Ubuntu. */
function languageImageDistribution(image: ReturnType<typeof parseImageReference>): string {
  const tag = image.tag;
  const alpine = /alpine(\d+\.\d+)?/.exec(tag);
  if (alpine) return `alpine${alpine[1] ? `:${alpine[1]}` : ''}`;
  const ubuntu = ['focal', 'jammy', 'noble'].find((release) => tag.includes(release));
  if (ubuntu || image.repository === 'eclipse-temurin') return `ubuntu:${ubuntu ?? 'noble'}`;
  const debian = ['bullseye', 'bookworm', 'trixie'].find((release) => tag.includes(release));
  return `debian:${debian ?? 'bookworm'}`;
}

function safeRead(context: BuildContext | undefined, path: string): string | undefined {
  try {
    return context?.readFile(path);
  } catch {
    return undefined;
  }
}

function safeList(context: BuildContext | undefined): readonly string[] {
  try {
    return context?.list?.() ?? [];
  } catch {
    return [];
  }
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

export type { Plan };

/** The runtime base as the written file's model reads it (global ARG defaults expanded). */
function expandedImage(model: DockerfileModel, image: string): string {
  return expandDockerfileWord(image, (name) => model.globalScope.get(name), model.escapeChar, true).value;
}
