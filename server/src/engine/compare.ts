import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { contextTar } from './context-tar';
import { EngineError, type BuildProgress, type DockerEngine } from './engine';
import { makeReport, type ComparisonReport, type VariantReport } from './report';

export type Variant = 'original' | 'rewritten';

export interface CompareProgress {
  readonly variant: Variant | undefined;
  readonly phase: 'build' | 'inspect' | 'clean-up';
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
  /** Run in both images with /bin/sh -c, when set. */
  readonly smokeCommand?: string;
  readonly keepImages?: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: CompareProgress) => void;
  readonly onLog?: (variant: Variant, line: string) => void;
}

/** Where the two Dockerfiles go inside the build context (and in its .dockerignore). */
const DOCKERFILE_NAMES: Readonly<Record<Variant, string>> = { original: '.dockerfile-multistage.original', rewritten: '.dockerfile-multistage.rewritten' };
export const COMPARE_LABEL = 'dockerfile-multistage.compare';
const LABEL_TEXT: Readonly<Record<Variant, string>> = { original: 'single-stage', rewritten: 'multi-stage' };

// One throwaway container per image answers both questions: how many OS packages, which build tools.
const PROBE_SCRIPT = [
  "if command -v dpkg-query >/dev/null 2>&1; then echo \"packages $(dpkg-query -W -f='${db:Status-Abbrev}\\n' 2>/dev/null | grep -c '^ii')\";",
  'elif command -v apk >/dev/null 2>&1; then echo "packages $(apk info 2>/dev/null | wc -l)";',
  'elif command -v rpm >/dev/null 2>&1; then echo "packages $(rpm -qa 2>/dev/null | wc -l)";',
  'else echo "packages unknown"; fi;',
  'for t in gcc cc g++ c++ clang make cmake go cargo rustc javac mvn gradle; do command -v "$t" >/dev/null 2>&1 && echo "tool $t"; done; true',
].join(' ');

/**
 * Builds the user's Dockerfile and its multi-stage rewrite on the Engine, one after the other,
 * measures both, and removes what it made (unless keepImages). Cancelling aborts the build request
 * and still cleans up. The CLI and the editor command both call this.
 */
export async function compareImages(request: CompareRequest): Promise<ComparisonReport> {
  const { engine, signal } = request;
  const id = randomBytes(4).toString('hex');
  const tags: Record<Variant, string> = { original: `dockerfile-multistage-compare:${id}-original`, rewritten: `dockerfile-multistage-compare:${id}-rewritten` };
  // Probe containers carry this label; the images do not, so their layers are exactly the user's.
  const labels = { [COMPARE_LABEL]: id };
  const built: Variant[] = [];
  try {
    await engine.ping(10_000, signal);
    const buildSeconds: Partial<Record<Variant, number>> = {};
    for (const variant of ['original', 'rewritten'] as const) {
      const text = variant === 'original' ? request.original.text : request.rewrittenText;
      const report = (progress: BuildProgress) => {
        request.onLog?.(variant, progress.line);
        if (progress.startsStep) {
          request.onProgress?.({ variant, phase: 'build', step: progress.step, steps: progress.steps, message: `Building the ${LABEL_TEXT[variant]} image: step ${progress.step}${progress.steps ? ` of ${progress.steps}` : ''}` });
        }
      };
      request.onProgress?.({ variant, phase: 'build', message: `Building the ${LABEL_TEXT[variant]} image` });
      try {
        const result = await engine.build({
          context: contextTar(request.contextDir, { extraDockerfiles: [{ name: DOCKERFILE_NAMES[variant], text }] }),
          dockerfile: DOCKERFILE_NAMES[variant],
          tag: tags[variant],
          signal,
          onProgress: report,
        });
        built.push(variant);
        buildSeconds[variant] = result.seconds;
      } catch (error) {
        if (error instanceof EngineError && (error.kind === 'build-failed' || error.kind === 'base-image-missing')) {
          throw new EngineError(`The ${LABEL_TEXT[variant]} image did not build. ${error.message}`, error.kind, error.log);
        }
        throw error;
      }
    }
    const variants: Partial<Record<Variant, VariantReport>> = {};
    for (const variant of ['original', 'rewritten'] as const) {
      request.onProgress?.({ variant, phase: 'inspect', message: `Measuring the ${LABEL_TEXT[variant]} image` });
      variants[variant] = await measure(engine, tags[variant], variant === 'original' ? request.original.path : DOCKERFILE_NAMES.rewritten, buildSeconds[variant]!, request, labels);
    }
    return makeReport(variants.original!, variants.rewritten!, engine.endpoint.url, request.contextDir);
  } finally {
    if (!request.keepImages && built.length > 0) {
      request.onProgress?.({ variant: undefined, phase: 'clean-up', message: 'Removing the temporary images' });
      for (const variant of built) await engine.removeImage(tags[variant]).catch(() => undefined);
    }
  }
}

async function measure(engine: DockerEngine, tag: string, dockerfile: string, buildSeconds: number, request: CompareRequest, labels: Record<string, string>): Promise<VariantReport> {
  const facts = await engine.imageFacts(tag, request.signal);
  const probe = await engine.run(tag, ['-c', PROBE_SCRIPT], { entrypoint: ['/bin/sh'], signal: request.signal, labels, timeoutMs: 60_000 }).catch(() => undefined);
  const output = probe?.exitCode === 0 ? probe.output : '';
  const packages = /^packages (\d+)$/m.exec(output)?.[1];
  const buildTools = [...output.matchAll(/^tool (\S+)$/gm)].map((match) => match[1]!);
  let smoke: VariantReport['smoke'] = null;
  if (request.smokeCommand?.trim()) {
    const result = await engine.run(tag, ['-c', request.smokeCommand], { entrypoint: ['/bin/sh'], signal: request.signal, labels, timeoutMs: 120_000 });
    smoke = { exitCode: result.exitCode, output: result.output };
  }
  return {
    dockerfile: dockerfile === DOCKERFILE_NAMES.rewritten ? `${basename(request.original.path)} (multi-stage rewrite)` : dockerfile,
    sizeBytes: facts.sizeBytes,
    layers: facts.layers,
    packages: packages === undefined ? null : Number(packages),
    buildTools,
    buildSeconds: Math.round(buildSeconds * 10) / 10,
    smoke,
  };
}
