// Measuring one image: its history matched to the Dockerfile, and what its layers hold (exported
// through the Engine API and streamed, see image-contents.ts). Compare and `inspect` share it.
import { mkdirSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, BUILD_TOOL_PROGRAMS, PACKAGE_CACHE_PATHS } from '../core';
import { attributeHistory, instructionFromHistory, type InstructionRef } from './attribution';
import { EngineError, type DockerEngine } from './engine';
import { computeContents, scanImageArchive, type ImageContents, type PackageInfo, type SizedPath, type WastedPath } from './image-contents';
import type { PackageManager } from './packages';

export interface LayerRow {
  /** The Engine's history entry: what made the layer, and its size (`docker history`). */
  readonly createdBy: string;
  readonly sizeBytes: number;
  /** True for an instruction that changed only the configuration (ENV, CMD, LABEL...): no file-system layer. */
  readonly emptyLayer: boolean;
  /** The Dockerfile instruction that made it, with its line; for the base image's entries, the FROM line. */
  readonly instruction: InstructionRef | null;
  /** The entry came with the base image. */
  readonly base: boolean;
  /** The layer tar gzipped (what a push moves for it); null for an empty layer or when not measured. */
  readonly compressedBytes: number | null;
  /** Bytes this layer wrote that a later layer deleted or replaced. */
  readonly wastedBytes: number;
  /** Bytes of earlier layers this layer deleted or replaced. */
  readonly hidesBytes: number;
  /** The folders this layer writes most into. */
  readonly topDirectories: readonly SizedPath[];
}

/** Wasted bytes grouped by the layer that wrote them and the layer that deleted or replaced them. */
export interface WasteCause {
  readonly bytes: number;
  /** Indexes into `layers`. */
  readonly writtenBy: number;
  readonly removedBy: number;
  /** The project's rule that explains this kind of waste, or null when none does. */
  readonly rule: 'late-removal' | 'package-cache-left' | null;
  /** Whether the analysis of the Dockerfile flagged one of the two instructions with that rule. */
  readonly flagged: boolean;
  readonly samplePaths: readonly string[];
}

export interface ImageMeasurement {
  readonly id: string;
  /** `docker image inspect`'s Size. */
  readonly sizeBytes: number;
  /** Oldest first, one per history entry. */
  readonly layers: readonly LayerRow[];
  /** Layer numbers in here (topFiles, wasted, wasteCauses, packageList) are indexes into `layers`. */
  readonly contents: Omit<ImageContents, 'layers' | 'wasteByCause' | 'packages' | 'wasted'> & {
    readonly wasted: ReadonlyArray<Omit<WastedPath, 'writtenIn' | 'removedIn'> & { readonly writtenBy: number; readonly removedBy: number }>;
    readonly wasteCauses: readonly WasteCause[];
    readonly packageManager: PackageManager | null;
    readonly packageList: readonly PackageInfo[] | null;
  };
}

export interface MeasureOptions {
  readonly signal?: AbortSignal;
  /** The Dockerfile the image was built from (and its target), to name instructions by line. */
  readonly dockerfile?: { readonly text: string; readonly target?: string };
  /** Where figures of images already measured are kept, by image id (content-addressed, so never stale). */
  readonly cacheDir?: string;
  /** Measure compressed sizes (gzip every layer); default true. */
  readonly compress?: boolean;
  readonly onProgress?: (message: string) => void;
}

/** Bump when the cached figures change shape. */
const CACHE_VERSION = 2;

export async function measureImage(engine: DockerEngine, reference: string, options: MeasureOptions = {}): Promise<ImageMeasurement> {
  const { signal } = options;
  const inspect = await engine.inspectImage(reference, signal);
  const history = (await engine.imageFacts(reference, signal)).layers;
  const contents = await contentsOf(engine, inspect.Id, inspect.Size, options);
  const attribution = options.dockerfile ? safeAttribution(history.map((entry) => entry.createdBy), options.dockerfile.text, options.dockerfile.target) : undefined;
  // The configuration's history says which entries made a layer; it lines up with the API's history.
  const layerOfEntry = alignFromEnd(history.length, contents.historyLayers);
  const rows: LayerRow[] = history.map((entry, index) => {
    const layer = layerOfEntry[index];
    const scanned = layer === undefined || layer === null ? undefined : contents.figures.layers[layer];
    const attributed = attribution?.[index];
    return {
      createdBy: entry.createdBy,
      sizeBytes: entry.sizeBytes,
      emptyLayer: layer === null,
      instruction: attributed?.instruction ?? null,
      base: attributed?.base ?? false,
      compressedBytes: scanned?.compressedBytes ?? null,
      wastedBytes: scanned?.wastedBytes ?? 0,
      hidesBytes: scanned?.hidesBytes ?? 0,
      topDirectories: scanned?.topDirectories ?? [],
    };
  });
  const rowOfLayer = new Map<number, number>();
  layerOfEntry.forEach((layer, row) => {
    if (layer !== null && layer !== undefined) rowOfLayer.set(layer, row);
  });
  const row = (layer: number) => rowOfLayer.get(layer) ?? -1;
  const findings = findingsFor(options.dockerfile, history.map((entry) => entry.createdBy));
  // Per-layer figures are in the rows above; the rest describes the whole image.
  const { layers: perLayer, wasteByCause, packages, wasted, ...figures } = contents.figures;
  void perLayer;
  return {
    id: inspect.Id,
    sizeBytes: inspect.Size,
    layers: rows,
    contents: {
      ...figures,
      topFiles: figures.topFiles.map((file) => ({ ...file, layer: row(file.layer) })),
      wasted: wasted.map(({ writtenIn, removedIn, ...rest }) => ({ ...rest, writtenBy: row(writtenIn), removedBy: row(removedIn) })),
      wasteCauses: wasteByCause.map((cause) => explain(cause, row(cause.writtenIn), row(cause.removedIn), rows, findings)),
      packageManager: packages?.manager ?? null,
      packageList: packages?.list.map((pkg) => ({ ...pkg, layer: pkg.layer === null ? null : row(pkg.layer) })) ?? null,
    },
  };
}

/** The line numbers each rule flagged, in the Dockerfile or (for an image alone) in its history read as one. */
function findingsFor(dockerfile: MeasureOptions['dockerfile'], createdBy: readonly string[]): { byRule: Map<string, Set<number>>; lineOfRow?: (row: number) => number } {
  const byRule = new Map<string, Set<number>>();
  let text: string;
  let lineOfRow: ((row: number) => number) | undefined;
  if (dockerfile) text = dockerfile.text;
  else {
    // The history as a Dockerfile (line 1 FROM, entry i on line i + 2), so the same rules name the cause.
    text = ['FROM scratch', ...createdBy.map((entry) => (entry.trim() ? instructionFromHistory(entry).replace(/\r?\n/g, ' ') : '# imported base layer'))].join('\n');
    lineOfRow = (row) => row + 2;
  }
  try {
    for (const finding of analyze(text, dockerfile?.target ? { target: dockerfile.target } : {})) {
      const lines = byRule.get(finding.ruleId) ?? new Set<number>();
      for (let line = finding.range.start.line + 1; line <= finding.range.end.line + 1; line++) lines.add(line);
      byRule.set(finding.ruleId, lines);
    }
  } catch {
    // A rule failure is reported by check/fix; here it only means no instruction is marked flagged.
  }
  return { byRule, ...(lineOfRow ? { lineOfRow } : {}) };
}

function explain(
  cause: ImageContents['wasteByCause'][number],
  writtenBy: number,
  removedBy: number,
  rows: readonly LayerRow[],
  findings: ReturnType<typeof findingsFor>,
): WasteCause {
  const isCache = cause.samplePaths.length > 0 && cause.samplePaths.every((path) => PACKAGE_CACHE_PATHS.some((prefix) => `${path}/`.startsWith(`${prefix}/`)));
  const rule = isCache ? 'package-cache-left' : cause.how === 'removed' ? 'late-removal' : null;
  const lines = (row: number): number[] => {
    if (findings.lineOfRow) return row >= 0 ? [findings.lineOfRow(row)] : [];
    const instruction = rows[row]?.instruction;
    if (!instruction || rows[row]?.base) return [];
    return Array.from({ length: instruction.endLine - instruction.line + 1 }, (_, offset) => instruction.line + offset);
  };
  const flaggedLines = rule ? findings.byRule.get(rule) : undefined;
  const flagged = flaggedLines !== undefined && [...lines(writtenBy), ...lines(removedBy)].some((line) => flaggedLines.has(line));
  return { bytes: cause.bytes, writtenBy, removedBy, rule, flagged, samplePaths: cause.samplePaths };
}

/** Attribution never fails a measurement: a Dockerfile it cannot match leaves instructions unnamed. */
function safeAttribution(createdBy: readonly string[], text: string, target?: string) {
  try {
    return attributeHistory(createdBy, text, target);
  } catch {
    return undefined;
  }
}

/** Index of the API's history entries into the configuration's (equal lengths on Docker and Podman; otherwise matched from the newest). */
function alignFromEnd(length: number, historyLayers: ReadonlyArray<number | null>): Array<number | null | undefined> {
  const offset = historyLayers.length - length;
  return Array.from({ length }, (_, index) => historyLayers[index + offset]);
}

interface CachedContents {
  readonly version: number;
  readonly figures: ImageContents;
  /** For each configuration history entry, the layer it made (null: an empty layer). */
  readonly historyLayers: ReadonlyArray<number | null>;
}

async function contentsOf(engine: DockerEngine, id: string, sizeBytes: number, options: MeasureOptions): Promise<CachedContents> {
  const cacheFile = options.cacheDir ? join(options.cacheDir, `image-${id.replace(/^sha256:/, '')}.json`) : undefined;
  const cached = cacheFile ? readJson<CachedContents>(cacheFile) : undefined;
  if (cached?.version === CACHE_VERSION && (options.compress === false || cached.figures.compressedBytes !== null)) return cached;
  const known = options.cacheDir ? (readJson<Record<string, number>>(join(options.cacheDir, 'compressed-layers.json')) ?? {}) : {};
  const stream = await engine.exportImage(id, options.signal);
  let read = 0;
  let reported = 0;
  let scan;
  try {
    scan = await scanImageArchive(stream, {
      compress: options.compress !== false,
      knownCompressedBytes: (diffId) => known[diffId],
      onBytes: (bytes) => {
        read += bytes;
        if (read - reported > 50e6) {
          reported = read;
          options.onProgress?.(`${Math.round(read / 1e6)} of about ${Math.round(sizeBytes / 1e6)} MB`);
        }
      },
    });
  } catch (error) {
    stream.destroy();
    if (options.signal?.aborted || (error instanceof EngineError && error.kind === 'cancelled')) throw new EngineError(`Cancelled while reading the layers of ${id.slice(7, 19)}.`, 'cancelled');
    if (error instanceof EngineError) throw error;
    throw new EngineError(`Could not read the layers the Engine at ${engine.endpoint.url} exported for ${id.slice(7, 19)}: ${error instanceof Error ? error.message : String(error)}`, 'engine');
  }
  const figures = await computeContents(scan, BUILD_TOOL_PROGRAMS);
  let next = 0;
  const historyLayers = (scan.config.history ?? []).map((entry) => (entry.empty_layer ? null : next++));
  const result: CachedContents = { version: CACHE_VERSION, figures, historyLayers };
  if (options.cacheDir && cacheFile) {
    for (const layer of figures.layers) {
      if (layer.compressedBytes === null) continue;
      known[layer.diffId] = layer.compressedBytes;
      known[layer.archiveKey] = layer.compressedBytes;
    }
    writeJson(join(options.cacheDir, 'compressed-layers.json'), known);
    writeJson(cacheFile, result);
    pruneCache(options.cacheDir);
  }
  return result;
}

/** About 20 KB an image: keep the most recent few hundred, so the cache never grows without bound. */
const CACHE_IMAGES = 300;

function pruneCache(cacheDir: string): void {
  try {
    const files = readdirSync(cacheDir).filter((name) => /^image-[0-9a-f]+\.json$/.test(name));
    if (files.length <= CACHE_IMAGES) return;
    const byAge = files.map((name) => ({ name, time: statSync(join(cacheDir, name)).mtimeMs })).sort((a, b) => a.time - b.time);
    for (const { name } of byAge.slice(0, files.length - CACHE_IMAGES)) unlinkSync(join(cacheDir, name));
  } catch {
    // another process pruned first, or the folder is read-only: the next run tries again
  }
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Written beside and renamed, so that a reader never sees half a file; a cache that cannot be written is skipped. */
function writeJson(file: string, value: unknown): void {
  try {
    mkdirSync(join(file, '..'), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(value));
    renameSync(temporary, file);
  } catch {
    // the figures are still right; only the next measurement of this image pays again
  }
}
