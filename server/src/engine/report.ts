/** One built image as the comparison reports it (the shape `--format json` and "Save JSON" write). */
export interface VariantReport {
  /** The Dockerfile built: the user's file, or the rewrite's name inside the build context. */
  readonly dockerfile: string;
  /** `docker image inspect`'s Size. */
  readonly sizeBytes: number;
  /** Layers, oldest first, with the instruction that made each. */
  readonly layers: ReadonlyArray<{ readonly createdBy: string; readonly sizeBytes: number }>;
  /** OS packages installed (dpkg, apk or rpm), or null when the image has no shell or package database. */
  readonly packages: number | null;
  /** Compilers and build tools found on the image's PATH. */
  readonly buildTools: readonly string[];
  readonly buildSeconds: number;
  /** The smoke command's result, when multistage.compare.smokeCommand (or --smoke) is set. */
  readonly smoke: { readonly exitCode: number; readonly output: string } | null;
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
}

export function makeReport(original: VariantReport, rewritten: VariantReport, engine: string, context: string, now = new Date()): ComparisonReport {
  const reductionBytes = original.sizeBytes - rewritten.sizeBytes;
  const reductionPercent = original.sizeBytes > 0 ? Math.round((reductionBytes / original.sizeBytes) * 1000) / 10 : 0;
  return { original, rewritten, reductionBytes, reductionPercent, engine, context, createdAt: now.toISOString() };
}

export function formatMegabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** A table ready for a pull request description. */
export function reportMarkdown(report: ComparisonReport): string {
  const row = (label: string, original: string, rewritten: string) => `| ${label} | ${original} | ${rewritten} |`;
  const tools = (variant: VariantReport) => (variant.buildTools.length > 0 ? variant.buildTools.join(', ') : 'none');
  const packages = (variant: VariantReport) => (variant.packages === null ? 'unknown' : String(variant.packages));
  const smoke = (variant: VariantReport) => (variant.smoke ? `exit ${variant.smoke.exitCode}` : 'not run');
  return [
    `**Image size: ${formatMegabytes(report.original.sizeBytes)} -> ${formatMegabytes(report.rewritten.sizeBytes)} (${report.reductionPercent}% smaller, ${formatMegabytes(report.reductionBytes)} saved)**`,
    '',
    '| | single-stage | multi-stage |',
    '|---|---:|---:|',
    row('Size', formatMegabytes(report.original.sizeBytes), formatMegabytes(report.rewritten.sizeBytes)),
    row('Layers', String(report.original.layers.length), String(report.rewritten.layers.length)),
    row('OS packages', packages(report.original), packages(report.rewritten)),
    row('Build tools on PATH', tools(report.original), tools(report.rewritten)),
    row('Build time', `${report.original.buildSeconds.toFixed(1)} s`, `${report.rewritten.buildSeconds.toFixed(1)} s`),
    row('Smoke command', smoke(report.original), smoke(report.rewritten)),
    '',
    `_Measured by Dockerfile Multi-Stage on ${report.engine}, ${report.createdAt.slice(0, 10)}._`,
    '',
  ].join('\n');
}

/** What the CLI prints by default. */
export function reportText(report: ComparisonReport): string {
  const line = (label: string, variant: VariantReport) =>
    `${label.padEnd(13)} ${formatMegabytes(variant.sizeBytes).padStart(10)}  ${String(variant.layers.length).padStart(3)} layers  ${variant.packages === null ? '  ?' : String(variant.packages).padStart(3)} packages  build tools: ${variant.buildTools.join(', ') || 'none'}  (${variant.buildSeconds.toFixed(1)} s)`;
  const smoke = (variant: VariantReport) => (variant.smoke ? `  smoke: exit ${variant.smoke.exitCode}` : '');
  return [
    line('single-stage', report.original) + smoke(report.original),
    line('multi-stage', report.rewritten) + smoke(report.rewritten),
    `reduction     ${formatMegabytes(report.reductionBytes).padStart(10)}  (${report.reductionPercent}%)`,
    '',
  ].join('\n');
}
