import type { SizedPath } from './image-contents';
import type { ImageMeasurement, LayerRow, WasteCause } from './measure';
import type { PackageManager } from './packages';

export type { LayerRow, WasteCause } from './measure';

export interface PackageRow {
  readonly name: string;
  readonly version: string;
  /** The package database's installed size (dpkg's Installed-Size KiB x 1024; apk and rpm in bytes). */
  readonly sizeBytes: number;
  /** Index into `layers` of the layer that installed it, when known. */
  readonly layer: number | null;
}

/** One built image as the comparison reports it (the shape `--format json` and "Save JSON" write). */
export interface VariantReport {
  /** The Dockerfile built: the user's file, or the rewrite's name inside the build context. */
  readonly dockerfile: string;
  /** `docker image inspect`'s Size. */
  readonly sizeBytes: number;
  /** Layers, oldest first, with the instruction that made each (history entries, empty ones included). */
  readonly layers: readonly LayerRow[];
  /** OS packages installed (dpkg, apk or rpm), or null when the image has no package database this tool reads. */
  readonly packages: number | null;
  /** Compilers and build tools found on the image's PATH. */
  readonly buildTools: readonly string[];
  readonly buildSeconds: number;
  /** The smoke command's result, when multistage.compare.smokeCommand (or --smoke) is set. */
  readonly smoke: { readonly exitCode: number; readonly output: string } | null;
  // Added with the layer analysis (all optional for readers of older reports).
  readonly imageId?: string;
  /** Every distinct layer gzipped at level 6, plus the configuration: what a registry push or pull moves. */
  readonly compressedSizeBytes?: number | null;
  /** Bytes written in one layer and deleted or replaced in a later one. */
  readonly wastedBytes?: number;
  /** Bytes in the final file system / bytes all layers wrote (dive's efficiency); 1 when nothing is wasted. */
  readonly efficiency?: number;
  readonly contents?: VariantContents;
  readonly packageManager?: PackageManager | null;
  readonly packageList?: readonly PackageRow[] | null;
}

/** Folders, files and wasted space of the final file system (see ImageMeasurement). */
export type VariantContents = Omit<ImageMeasurement['contents'], 'packageList' | 'packageManager' | 'buildTools' | 'wastedBytes' | 'efficiency' | 'compressedBytes'>;

export interface PackageDifference {
  /** Installed only in the single-stage image (the compilers and headers the rewrite left out), largest first. */
  readonly onlyInOriginal: readonly PackageRow[];
  readonly onlyInRewritten: readonly PackageRow[];
  readonly onlyInOriginalBytes: number;
  readonly onlyInRewrittenBytes: number;
}

export interface ComparisonReport {
  readonly original: VariantReport;
  readonly rewritten: VariantReport;
  readonly reductionBytes: number;
  /** Percent of the original size saved, one decimal. */
  readonly reductionPercent: number;
  /** The Engine the images were built on. */
  readonly engine: string;
  readonly context: string;
  readonly createdAt: string;
  /** Null when either image has no package database this tool reads. */
  readonly packageDifference?: PackageDifference | null;
}

/** The layer analysis of a measured image, in the report's shape. */
export function variantFigures(measurement: ImageMeasurement): Pick<VariantReport, 'imageId' | 'sizeBytes' | 'layers' | 'packages' | 'buildTools' | 'compressedSizeBytes' | 'wastedBytes' | 'efficiency' | 'contents' | 'packageManager' | 'packageList'> {
  const { packageList, packageManager, buildTools, wastedBytes, efficiency, compressedBytes, ...contents } = measurement.contents;
  return {
    imageId: measurement.id,
    sizeBytes: measurement.sizeBytes,
    layers: measurement.layers,
    packages: packageList ? packageList.length : null,
    buildTools,
    compressedSizeBytes: compressedBytes,
    wastedBytes,
    efficiency,
    contents,
    packageManager,
    packageList,
  };
}

export function makeReport(original: VariantReport, rewritten: VariantReport, engine: string, context: string, now = new Date()): ComparisonReport {
  const reductionBytes = original.sizeBytes - rewritten.sizeBytes;
  const reductionPercent = original.sizeBytes > 0 ? Math.round((reductionBytes / original.sizeBytes) * 1000) / 10 : 0;
  const packageDifference = original.packageList && rewritten.packageList ? differencePackages(original.packageList, rewritten.packageList) : null;
  return { original, rewritten, reductionBytes, reductionPercent, engine, context, createdAt: now.toISOString(), packageDifference };
}

/** Packages by name in one list and not the other (a version change is in both). */
export function differencePackages(original: readonly PackageRow[], rewritten: readonly PackageRow[]): PackageDifference {
  const names = (list: readonly PackageRow[]) => new Set(list.map((pkg) => pkg.name));
  const [inOriginal, inRewritten] = [names(original), names(rewritten)];
  const bySize = (a: PackageRow, b: PackageRow) => b.sizeBytes - a.sizeBytes || a.name.localeCompare(b.name);
  const onlyInOriginal = original.filter((pkg) => !inRewritten.has(pkg.name)).sort(bySize);
  const onlyInRewritten = rewritten.filter((pkg) => !inOriginal.has(pkg.name)).sort(bySize);
  const sum = (list: readonly PackageRow[]) => list.reduce((total, pkg) => total + pkg.sizeBytes, 0);
  return { onlyInOriginal, onlyInRewritten, onlyInOriginalBytes: sum(onlyInOriginal), onlyInRewrittenBytes: sum(onlyInRewritten) };
}

export function formatMegabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** 0.8734 -> "87.3%". */
export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}

/** Where a layer came from, for tables: `RUN make (line 11)`, or the base image's FROM. */
export function layerLabel(layer: LayerRow): string {
  if (layer.instruction) return layer.base ? `${layer.instruction.text} (line ${layer.instruction.line}, base image)` : `${layer.instruction.text} (line ${layer.instruction.line})`;
  return shortCreatedBy(layer.createdBy);
}

/** `/bin/sh -c #(nop)  CMD ["app"]` -> `CMD ["app"]`; `|1 A=1 /bin/sh -c make` -> `RUN make`. */
export function shortCreatedBy(createdBy: string): string {
  if (!createdBy.trim()) return '(base image)';
  const text = createdBy
    .replace(/\s+# buildkit$/, '')
    .replace(/^\/bin\/sh -c #\(nop\)\s+/, '')
    .replace(/^(RUN\s+)?\|\d+(\s+\S+=\S*)*\s+/, 'RUN ')
    .replace(/^(RUN\s+)?\/bin\/sh -c /, 'RUN ');
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** A table ready for a pull request description. */
export function reportMarkdown(report: ComparisonReport): string {
  const row = (label: string, original: string, rewritten: string) => `| ${label} | ${original} | ${rewritten} |`;
  const tools = (variant: VariantReport) => (variant.buildTools.length > 0 ? variant.buildTools.join(', ') : 'none');
  const packages = (variant: VariantReport) => (variant.packages === null ? 'unknown' : variant.packageList ? `${variant.packages} (${formatMegabytes(sumSizes(variant.packageList))})` : String(variant.packages));
  const smoke = (variant: VariantReport) => (variant.smoke ? `exit ${variant.smoke.exitCode}` : 'not run');
  const optional = (value: (variant: VariantReport) => string | undefined, label: string) => {
    const [a, b] = [value(report.original), value(report.rewritten)];
    return a === undefined && b === undefined ? [] : [row(label, a ?? 'unknown', b ?? 'unknown')];
  };
  const lines = [
    `**Image size: ${formatMegabytes(report.original.sizeBytes)} -> ${formatMegabytes(report.rewritten.sizeBytes)} (${report.reductionPercent}% smaller, ${formatMegabytes(report.reductionBytes)} saved)**`,
    '',
    '| | single-stage | multi-stage |',
    '|---|---:|---:|',
    row('Size', formatMegabytes(report.original.sizeBytes), formatMegabytes(report.rewritten.sizeBytes)),
    ...optional((variant) => (variant.compressedSizeBytes == null ? undefined : formatMegabytes(variant.compressedSizeBytes)), 'Compressed (push and pull)'),
    ...optional((variant) => (variant.wastedBytes === undefined ? undefined : `${formatMegabytes(variant.wastedBytes)} (efficiency ${formatPercent(variant.efficiency ?? 1)})`), 'Wasted in layers'),
    row('Layers', String(report.original.layers.length), String(report.rewritten.layers.length)),
    row('OS packages', packages(report.original), packages(report.rewritten)),
    row('Build tools on PATH', tools(report.original), tools(report.rewritten)),
    row('Build time', `${report.original.buildSeconds.toFixed(1)} s`, `${report.rewritten.buildSeconds.toFixed(1)} s`),
    row('Smoke command', smoke(report.original), smoke(report.rewritten)),
    '',
  ];
  const difference = report.packageDifference;
  if (difference) {
    lines.push(...packageListMarkdown(`Packages only in the single-stage image: ${difference.onlyInOriginal.length}, ${formatMegabytes(difference.onlyInOriginalBytes)}`, difference.onlyInOriginal));
    lines.push(...packageListMarkdown(`Packages only in the multi-stage image: ${difference.onlyInRewritten.length}, ${formatMegabytes(difference.onlyInRewrittenBytes)}`, difference.onlyInRewritten));
  }
  for (const [label, variant] of [['single-stage', report.original], ['multi-stage', report.rewritten]] as const) {
    if (!variant.layers.some((layer) => layer.instruction !== undefined)) continue;
    lines.push(`<details><summary>Layers of the ${label} image</summary>`, '', ...layersMarkdown(variant.layers), '', '</details>', '');
  }
  lines.push(`_Measured by Dockerfile Multi-Stage on ${report.engine}, ${report.createdAt.slice(0, 10)}._`, '');
  return lines.join('\n');
}

function packageListMarkdown(title: string, list: readonly PackageRow[]): string[] {
  if (list.length === 0) return [`**${title}**`, ''];
  const shown = list.slice(0, 15).map((pkg) => `\`${pkg.name}\` ${formatMegabytes(pkg.sizeBytes)}`);
  return [`**${title}**: ${shown.join(', ')}${list.length > shown.length ? `, and ${list.length - shown.length} more` : ''}`, ''];
}

function layersMarkdown(layers: readonly LayerRow[]): string[] {
  return [
    '| made by | size | compressed | wasted |',
    '|---|---:|---:|---:|',
    ...layers
      .filter((layer) => !layer.emptyLayer)
      .map((layer) => `| ${cell(layerLabel(layer))} | ${formatMegabytes(layer.sizeBytes)} | ${layer.compressedBytes === null || layer.compressedBytes === undefined ? '' : formatMegabytes(layer.compressedBytes)} | ${layer.wastedBytes ? formatMegabytes(layer.wastedBytes) : ''} |`),
  ];
}

function sumSizes(list: readonly PackageRow[]): number {
  return list.reduce((total, pkg) => total + pkg.sizeBytes, 0);
}

/** What the CLI prints by default. */
export function reportText(report: ComparisonReport): string {
  const line = (label: string, variant: VariantReport) =>
    `${label.padEnd(13)} ${formatMegabytes(variant.sizeBytes).padStart(10)}  ${String(variant.layers.length).padStart(3)} layers  ${variant.packages === null ? '  ?' : String(variant.packages).padStart(3)} packages  build tools: ${variant.buildTools.join(', ') || 'none'}  (${variant.buildSeconds.toFixed(1)} s)`;
  const smoke = (variant: VariantReport) => (variant.smoke ? `  smoke: exit ${variant.smoke.exitCode}` : '');
  const lines = [line('single-stage', report.original) + smoke(report.original), line('multi-stage', report.rewritten) + smoke(report.rewritten), `reduction     ${formatMegabytes(report.reductionBytes).padStart(10)}  (${report.reductionPercent}%)`];
  const detail = (label: string, variant: VariantReport) =>
    variant.wastedBytes === undefined ? [] : [`${label.padEnd(13)} compressed ${variant.compressedSizeBytes == null ? '?' : formatMegabytes(variant.compressedSizeBytes)}, wasted ${formatMegabytes(variant.wastedBytes)} (efficiency ${formatPercent(variant.efficiency ?? 1)})`];
  lines.push(...detail('single-stage', report.original), ...detail('multi-stage', report.rewritten));
  const difference = report.packageDifference;
  if (difference && difference.onlyInOriginal.length > 0) {
    const shown = difference.onlyInOriginal.slice(0, 10).map((pkg) => `${pkg.name} ${formatMegabytes(pkg.sizeBytes)}`);
    lines.push(`only in single-stage: ${difference.onlyInOriginal.length} packages, ${formatMegabytes(difference.onlyInOriginalBytes)}: ${shown.join(', ')}${difference.onlyInOriginal.length > shown.length ? ', ...' : ''}`);
  }
  if (difference && difference.onlyInRewritten.length > 0) {
    lines.push(`only in multi-stage: ${difference.onlyInRewritten.map((pkg) => `${pkg.name} ${formatMegabytes(pkg.sizeBytes)}`).join(', ')}`);
  }
  lines.push('');
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// `dockerfile-multistage inspect IMAGE`

export interface Thresholds {
  readonly maxWastedBytes?: number;
  readonly maxWastedPercent?: number;
}

export interface InspectReport extends ImageMeasurement {
  readonly image: string;
  readonly engine: string;
  /** Wasted bytes as a percentage of the image size, one decimal (dive's "wasted percent"). */
  readonly wastedPercent: number;
  readonly thresholds: Thresholds;
  /** One sentence per threshold exceeded; empty when the image passes. */
  readonly failures: readonly string[];
  readonly createdAt: string;
}

export function makeInspectReport(image: string, engine: string, measurement: ImageMeasurement, thresholds: Thresholds, now = new Date()): InspectReport {
  const wasted = measurement.contents.wastedBytes;
  const wastedPercent = measurement.sizeBytes > 0 ? Math.round((wasted / measurement.sizeBytes) * 1000) / 10 : 0;
  const failures: string[] = [];
  const causes = wasteCauseLines(measurement, 3).join('; ');
  if (thresholds.maxWastedBytes !== undefined && wasted > thresholds.maxWastedBytes) {
    failures.push(`${formatMegabytes(wasted)} wasted is over --max-wasted-bytes ${thresholds.maxWastedBytes}${causes ? `: ${causes}` : ''}`);
  }
  if (thresholds.maxWastedPercent !== undefined && wastedPercent > thresholds.maxWastedPercent) {
    failures.push(`${wastedPercent}% of the image wasted is over --max-wasted-percent ${thresholds.maxWastedPercent}${causes ? `: ${causes}` : ''}`);
  }
  return { image, engine, ...measurement, wastedPercent, thresholds, failures, createdAt: now.toISOString() };
}

/** `48.1 MB written by RUN apt-get install gcc (line 4) and removed by RUN apt-get purge gcc (line 6) [late-removal]`. */
export function wasteCauseLines(measurement: Pick<ImageMeasurement, 'layers' | 'contents'>, count = Infinity): string[] {
  const named = (row: number) => {
    const layer = measurement.layers[row];
    return layer ? layerLabel(layer) : 'an unknown layer';
  };
  return measurement.contents.wasteCauses
    .slice(0, count)
    .map((cause: WasteCause) => `${formatMegabytes(cause.bytes)} written by ${named(cause.writtenBy)} and ${cause.rule === null ? 'replaced' : 'removed'} by ${named(cause.removedBy)}${cause.rule ? ` [${cause.rule}]` : ''}`);
}

export function inspectText(report: InspectReport): string {
  const { contents } = report;
  const lines = [
    `${report.image} (${report.id.slice(7, 19)}) on ${report.engine}`,
    `size ${formatMegabytes(report.sizeBytes)}, compressed ${contents.compressedBytes === null ? '?' : formatMegabytes(contents.compressedBytes)}, ${report.layers.length} history entries`,
    `wasted ${formatMegabytes(contents.wastedBytes)} (${report.wastedPercent}% of the image), efficiency ${formatPercent(contents.efficiency)}`,
    `packages: ${contents.packageList ? `${contents.packageList.length} (${contents.packageManager}, ${formatMegabytes(sumSizes(contents.packageList))})` : (contents.packagesNote ?? 'unknown')}`,
    `build tools on PATH: ${contents.buildTools.join(', ') || 'none'}`,
    '',
    'layers:',
    ...report.layers.map((layer) => `  ${formatMegabytes(layer.sizeBytes).padStart(10)}  ${layer.wastedBytes ? `${formatMegabytes(layer.wastedBytes)} wasted`.padStart(17) : ''.padStart(17)}  ${layer.emptyLayer ? '(no layer) ' : ''}${layerLabel(layer)}`),
    '',
    'biggest directories:',
    ...contents.topDirectories.slice(0, 10).map((entry: SizedPath) => `  ${formatMegabytes(entry.bytes).padStart(10)}  ${entry.path}`),
  ];
  const causes = wasteCauseLines(report);
  if (causes.length > 0) lines.push('', 'wasted space:', ...causes.slice(0, 10).map((line) => `  ${line}`));
  lines.push('');
  return lines.join('\n');
}

export function inspectMarkdown(report: InspectReport): string {
  const { contents } = report;
  const lines = [
    `**${cell(report.image)}: ${formatMegabytes(report.sizeBytes)} (compressed ${contents.compressedBytes === null ? 'unknown' : formatMegabytes(contents.compressedBytes)}), ${formatMegabytes(contents.wastedBytes)} wasted (${report.wastedPercent}%), efficiency ${formatPercent(contents.efficiency)}**`,
    '',
    ...layersMarkdown(report.layers),
    '',
  ];
  const causes = wasteCauseLines(report);
  if (causes.length > 0) lines.push('Wasted space:', '', ...causes.slice(0, 10).map((line) => `- ${cell(line)}`), '');
  if (report.failures.length > 0) lines.push(...report.failures.map((failure) => `> **Over the threshold:** ${cell(failure)}`), '');
  lines.push(`_Measured by Dockerfile Multi-Stage on ${report.engine}, ${report.createdAt.slice(0, 10)}._`, '');
  return lines.join('\n');
}
