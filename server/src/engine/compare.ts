import { createHash, randomBytes } from 'node:crypto';
import { basename, dirname, resolve } from 'node:path';
import { checkContextDirectory, checkFileInContext, contextTar } from './context-tar';
import { EngineError, type BuildProgress, type DockerEngine } from './engine';
import { measureImage, type ImageMeasurement } from './measure';
import { makeReport, variantFigures, type ComparisonReport, type VariantReport } from './report';

export type Variant = 'original' | 'rewritten';

export interface CompareProgress {
  readonly variant: Variant | undefined;
  readonly phase: 'build' | 'inspect' | 'smoke' | 'clean-up';
  readonly step?: number;
  readonly steps?: number;
  readonly message: string;
}

export interface CompareRequest {
  readonly engine: DockerEngine;
  /** The build context folder. */
  readonly contextDir: string;
  /** The user's Dockerfile: its path (for the report) and its current text (unsaved edits included). */
  readonly original: { readonly path: string; readonly text: string };
  readonly rewrittenText: string;
  /** How the Dockerfiles' text becomes bytes (the CLI keeps a Latin-1 file Latin-1); default UTF-8. */
  readonly encode?: (text: string) => Uint8Array;
  /** Run in both images with /bin/sh -c, without network, when set. */
  readonly smokeCommand?: string;
  readonly keepImages?: boolean;
  /** Where figures of images already measured are kept (by image id); none: every image is read anew. */
  readonly cacheDir?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: CompareProgress) => void;
  readonly onLog?: (variant: Variant, line: string) => void;
  /** Something about the build context the user should know (see contextTar). */
  readonly onWarning?: (message: string) => void;
}

/** Where the two Dockerfiles go inside the build context (and in its .dockerignore). */
const DOCKERFILE_NAMES: Readonly<Record<Variant, string>> = { original: '.dockerfile-multistage.original', rewritten: '.dockerfile-multistage.rewritten' };
export const COMPARE_LABEL = 'dockerfile-multistage.compare';
/** The repository of the temporary tags (kept with keepImages). */
export const COMPARE_REPOSITORY = 'dockerfile-multistage-compare';
/** The repository whose tags keep each compared file's layers as build cache (see cacheTagPrefix). */
export const CACHE_REPOSITORY = 'dockerfile-multistage-cache';
const LABEL_TEXT: Readonly<Record<Variant, string>> = { original: 'single-stage', rewritten: 'multi-stage' };

/**
 * The tag prefix under which one compared file keeps its layers: `<folder>-<file>-<hash>`, the hash
 * of the Dockerfile's and the context's absolute paths, so that two files never share it.
 */
export function cacheTagPrefix(dockerfilePath: string, contextDir: string): string {
  const file = resolve(dockerfilePath);
  const slug = `${basename(dirname(file))}-${basename(file)}`
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 48);
  const hash = createHash('sha256').update(`${file}\0${resolve(contextDir)}`).digest('hex').slice(0, 10);
  return `${slug ? `${slug}-` : ''}${hash}`;
}

/** What one build made: per stage, the image FROM gave and the last image a step made. */
interface Build {
  readonly stages: Array<{ base?: string; last?: string }>;
  outcome: 'running' | 'built' | 'failed' | 'cancelled';
}

/** The last image of each stage that made one (not a FROM-only stage): the leaves the cache must keep. */
function leaves(build: Build | undefined): string[] {
  return (build?.stages ?? []).filter((stage) => stage.last && stage.last !== stage.base).map((stage) => stage.last!);
}

/**
 * Builds the user's Dockerfile and its multi-stage rewrite on the Engine, one after the other,
 * measures both, and leaves the Engine as it found it: the containers it ran are removed, and the
 * images it built stay only as this file's build cache, under `dockerfile-multistage-cache:` tags
 * that the next compare of the same file replaces (plus the two temporary tags with keepImages).
 * Cancelling aborts the current call; a build it interrupts leaves nothing behind.
 */
export async function compareImages(request: CompareRequest): Promise<ComparisonReport> {
  const { engine, signal } = request;
  checkContextDirectory(request.contextDir);
  checkFileInContext(request.contextDir, request.original.path);
  const id = randomBytes(4).toString('hex');
  const tags: Record<Variant, string> = { original: `${COMPARE_REPOSITORY}:${id}-original`, rewritten: `${COMPARE_REPOSITORY}:${id}-rewritten` };
  // Probe and smoke containers carry this label; the images do not, so their layers are exactly the user's.
  const labels = { [COMPARE_LABEL]: id };
  const encode = request.encode ?? ((text: string) => Buffer.from(text, 'utf8'));
  const builds: Partial<Record<Variant, Build>> = {};
  let complete = false;
  let danglingBefore: Set<string> | undefined;
  // The single-stage image's layers are read while the rewrite builds: reading is mostly waiting on
  // the Engine's export and compressing, which the build leaves room for.
  const measuring = new AbortController();
  const stopMeasuring = () => measuring.abort();
  signal?.addEventListener('abort', stopMeasuring, { once: true });
  let originalLayers: Promise<ImageMeasurement> | undefined;
  try {
    await engine.ping(10_000, signal);
    danglingBefore = new Set((await engine.listImages({ dangling: true })).map((image) => image.id));
    const buildSeconds: Partial<Record<Variant, number>> = {};
    for (const variant of ['original', 'rewritten'] as const) {
      const text = variant === 'original' ? request.original.text : request.rewrittenText;
      const build: Build = { stages: [], outcome: 'running' };
      builds[variant] = build;
      const report = (progress: BuildProgress) => {
        request.onLog?.(variant, progress.line);
        if (progress.startsStep) {
          if (/^FROM\s/i.test(progress.instruction ?? '')) build.stages.push({});
          request.onProgress?.({ variant, phase: 'build', step: progress.step, steps: progress.steps, message: `Building the ${LABEL_TEXT[variant]} image: step ${progress.step}${progress.steps ? ` of ${progress.steps}` : ''}` });
        } else if (progress.image && build.stages.length > 0) {
          const stage = build.stages[build.stages.length - 1]!;
          stage.base ??= progress.image;
          stage.last = progress.image;
        }
      };
      request.onProgress?.({ variant, phase: 'build', message: `Building the ${LABEL_TEXT[variant]} image` });
      try {
        const result = await engine.build({
          context: contextTar(request.contextDir, {
            extraDockerfiles: [{ name: DOCKERFILE_NAMES[variant], text: encode(text) }],
            // Both names in both builds: the .dockerignore sent is the same, so is what COPY . sees.
            hiddenNames: Object.values(DOCKERFILE_NAMES),
            onWarning: variant === 'original' ? request.onWarning : undefined,
          }),
          dockerfile: DOCKERFILE_NAMES[variant],
          tag: tags[variant],
          signal,
          onProgress: report,
        });
        build.outcome = 'built';
        buildSeconds[variant] = result.seconds;
        if (variant === 'original') {
          request.onProgress?.({ variant, phase: 'inspect', message: `Measuring the ${LABEL_TEXT[variant]} image` });
          originalLayers = measureLayers(engine, tags.original, variant, request, measuring.signal);
          originalLayers.catch(() => undefined); // awaited below, or stopped when the rewrite fails
        }
      } catch (error) {
        build.outcome = error instanceof EngineError && error.kind === 'cancelled' ? 'cancelled' : 'failed';
        if (error instanceof EngineError && (error.kind === 'build-failed' || error.kind === 'base-image-missing')) {
          throw new EngineError(`The ${LABEL_TEXT[variant]} image did not build. ${error.message}`, error.kind, error.log);
        }
        throw error;
      }
    }
    const original = await finish(engine, await originalLayers!, tags.original, 'original', buildSeconds.original!, request, labels);
    request.onProgress?.({ variant: 'rewritten', phase: 'inspect', message: `Measuring the ${LABEL_TEXT.rewritten} image` });
    const rewrittenLayers = await measureLayers(engine, tags.rewritten, 'rewritten', request, measuring.signal);
    const rewritten = await finish(engine, rewrittenLayers, tags.rewritten, 'rewritten', buildSeconds.rewritten!, request, labels);
    complete = true;
    return makeReport(original, rewritten, engine.endpoint.url, request.contextDir);
  } finally {
    // A measurement still reading (the rewrite failed, or Cancel) stops before the clean-up removes its image.
    measuring.abort();
    signal?.removeEventListener('abort', stopMeasuring);
    await originalLayers?.catch(() => undefined);
    if (danglingBefore) {
      request.onProgress?.({ variant: undefined, phase: 'clean-up', message: signal?.aborted ? 'Cancelled: removing what this comparison made' : 'Removing the temporary images and containers' });
      await cleanUp(request, { id, tags, builds, danglingBefore, keepTemporary: complete && request.keepImages === true });
    }
  }
}

/**
 * Whatever happened: no container of this run remains; the temporary tags go (unless kept); what a
 * finished or failed build made stays as this file's cache, replacing the previous compare's; what
 * an interrupted build made is removed. Clean-up is never cancelled and never throws.
 */
async function cleanUp(
  request: CompareRequest,
  run: { id: string; tags: Record<Variant, string>; builds: Partial<Record<Variant, Build>>; danglingBefore: ReadonlySet<string>; keepTemporary: boolean },
): Promise<void> {
  const { engine } = request;
  const succeeds = (work: Promise<unknown>) => work.then(() => true, () => false);
  const list = async (filter: Parameters<DockerEngine['listImages']>[0]) => (await engine.listImages(filter).catch(() => [])) ?? [];
  await succeeds(engine.removeContainers(COMPARE_LABEL, run.id));
  const prefix = cacheTagPrefix(request.original.path, request.contextDir);
  const previous = await list({ reference: `${CACHE_REPOSITORY}:${prefix}-*` });
  const cached = (['original', 'rewritten'] as const).filter((variant) => run.builds[variant]?.outcome === 'built' || run.builds[variant]?.outcome === 'failed');
  const kept = new Set<string>();
  // First the cache tag on each build's last image, so that removing the temporary tag only untags it.
  for (const variant of cached) {
    const last = leaves(run.builds[variant]).at(-1);
    if (last && (await succeeds(engine.tagImage(last, CACHE_REPOSITORY, `${prefix}-${variant}`)))) kept.add(`${prefix}-${variant}`);
  }
  if (!run.keepTemporary) for (const tag of Object.values(run.tags)) await succeeds(engine.removeImage(tag, { prune: true }));

  // An earlier stage's last image (a builder stage) needs its own tag only when no kept image builds on it.
  const dangling = (await list({ dangling: true })).map((image) => image.id);
  const newlyDangling = (image: string) => dangling.some((id) => id.replace(/^sha256:/, '').startsWith(image) && !run.danglingBefore.has(id));
  // A builder stage the previous compare already kept under the same tag stays kept (else the warm
  // run would drop it: its old tag is what keeps it from dangling).
  const previousTag = new Map(previous.flatMap((image) => image.tags.map((tag) => [tag.slice(CACHE_REPOSITORY.length + 1), image.id.replace(/^sha256:/, '')] as const)));
  for (const variant of ['original', 'rewritten'] as const) {
    const build = run.builds[variant];
    for (const [index, image] of leaves(build).entries()) {
      const tag = `${prefix}-${variant}-stage${index}`;
      if (cached.includes(variant) && previousTag.get(tag)?.startsWith(image)) {
        kept.add(tag);
        continue;
      }
      if (!newlyDangling(image)) continue;
      if (cached.includes(variant) && (await succeeds(engine.tagImage(image, CACHE_REPOSITORY, tag)))) kept.add(tag);
      else await succeeds(engine.removeImage(image, { prune: true }));
    }
  }

  // Retire what the previous compare of this file kept for the variants cached again now.
  const replaced = (name: string) => cached.some((variant) => name === `${prefix}-${variant}` || name.startsWith(`${prefix}-${variant}-stage`));
  for (const image of previous) {
    for (const tag of image.tags) {
      const name = tag.slice(CACHE_REPOSITORY.length + 1);
      if (replaced(name) && !kept.has(name)) await succeeds(engine.removeImage(tag, { prune: true }));
    }
  }
  const nowDangling = new Set((await list({ dangling: true })).map((image) => image.id));
  for (const image of previous) if (nowDangling.has(image.id)) await succeeds(engine.removeImage(image.id, { prune: true }));
}

/** Reads an image's layers (see measure.ts), naming its instructions from the Dockerfile that built it. */
function measureLayers(engine: DockerEngine, tag: string, variant: Variant, request: CompareRequest, signal: AbortSignal): Promise<ImageMeasurement> {
  return measureImage(engine, tag, {
    signal,
    cacheDir: request.cacheDir,
    dockerfile: { text: variant === 'original' ? request.original.text : request.rewrittenText },
    onProgress: (message) => request.onProgress?.({ variant, phase: 'inspect', message: `Reading the layers of the ${LABEL_TEXT[variant]} image: ${message}` }),
  });
}

/** The smoke command (when set) and the report's figures for one image. */
async function finish(engine: DockerEngine, measurement: ImageMeasurement, tag: string, variant: Variant, buildSeconds: number, request: CompareRequest, labels: Record<string, string>): Promise<VariantReport> {
  const { signal } = request;
  let smoke: VariantReport['smoke'] = null;
  if (request.smokeCommand?.trim()) {
    request.onProgress?.({ variant, phase: 'smoke', message: `Running the smoke command in the ${LABEL_TEXT[variant]} image` });
    const result = await engine.run(tag, ['-c', request.smokeCommand], { entrypoint: ['/bin/sh'], signal, labels, timeoutMs: 120_000 });
    smoke = { exitCode: result.exitCode, output: result.output };
  }
  const figures = variantFigures(measurement);
  return {
    dockerfile: variant === 'rewritten' ? `${basename(request.original.path)} (multi-stage rewrite)` : request.original.path,
    sizeBytes: figures.sizeBytes,
    layers: figures.layers,
    packages: figures.packages,
    buildTools: figures.buildTools,
    buildSeconds: Math.round(buildSeconds * 10) / 10,
    smoke,
    imageId: figures.imageId,
    compressedSizeBytes: figures.compressedSizeBytes,
    wastedBytes: figures.wastedBytes,
    efficiency: figures.efficiency,
    contents: figures.contents,
    packageManager: figures.packageManager,
    packageList: figures.packageList,
  };
}
