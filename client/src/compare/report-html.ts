// The Compare Image Sizes report as a self-contained page: no remote resources, a strict content
// security policy, colours from the VS Code theme. Pure: no `vscode` import, so tests render it.
import { formatMegabytes, formatPercent, layerLabel, shortCreatedBy, type ComparisonReport, type LayerRow, type PackageRow, type VariantReport } from '../../../server/src/engine/report';

export interface HtmlOptions {
  /** A fresh random value per render: the only script and style allowed to run carry it. */
  readonly nonce: string;
  /** The webview's own origin (webview.cspSource). */
  readonly cspSource: string;
  /** Whether the rewrite can still be applied (the document is unchanged since the comparison). */
  readonly canApply: boolean;
}

type VariantName = 'original' | 'rewritten';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const LABEL: Readonly<Record<VariantName, string>> = { original: 'single-stage', rewritten: 'multi-stage' };
/** Theme colours for stacked segments, cycled. */
const SEGMENT_COLOURS = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-yellow', '--vscode-charts-red'];

export function renderReportHtml(report: ComparisonReport, options: HtmlOptions): string {
  const { nonce, cspSource } = options;
  const max = Math.max(report.original.sizeBytes, report.rewritten.sizeBytes, 1);
  // Widths live in the nonce'd style sheet: the policy allows no inline style attributes.
  const styles: string[] = [];
  const widthClass = (name: string, bytes: number) => {
    styles.push(`.${name} { width: ${((bytes / max) * 100).toFixed(2)}%; }`);
    return name;
  };
  const bars = (['original', 'rewritten'] as const).map((variant) => stackedBars(variant, report[variant], widthClass)).join('');
  // The report's data rides along as JSON: the page's script and the tests read the same object.
  const data = JSON.stringify(report).replace(/</g, '\\u003c');
  const body = `
<h1>Compare Image Sizes</h1>
<p class="headline">The multi-stage image is <strong>${formatMegabytes(report.reductionBytes)} smaller (${report.reductionPercent}%)</strong>: ${formatMegabytes(report.original.sizeBytes)} &rarr; ${formatMegabytes(report.rewritten.sizeBytes)}.</p>
<section class="bars" aria-label="Each image stacked by layer and by top folder">${bars}</section>
<div class="actions">
  <button id="apply"${options.canApply ? '' : ' disabled title="The document changed since the comparison"'}>Apply the rewrite</button>
  <button id="markdown" class="secondary">Copy as Markdown</button>
  <button id="json" class="secondary">Save JSON</button>
</div>
<h2>Summary</h2>
<table class="summary">
  <tr><th></th><th>single-stage</th><th>multi-stage</th></tr>
  ${summaryRow('Size', formatMegabytes(report.original.sizeBytes), formatMegabytes(report.rewritten.sizeBytes))}
  ${optionalRow('Compressed (push and pull)', report, (variant) => (variant.compressedSizeBytes == null ? undefined : formatMegabytes(variant.compressedSizeBytes)))}
  ${optionalRow('Wasted in layers', report, (variant) => (variant.wastedBytes === undefined ? undefined : `${formatMegabytes(variant.wastedBytes)} (efficiency ${formatPercent(variant.efficiency ?? 1)})`))}
  ${summaryRow('Layers', String(report.original.layers.length), String(report.rewritten.layers.length))}
  ${summaryRow('OS packages', packages(report.original), packages(report.rewritten))}
  <tr><td>Compilers and build tools</td>${tools(report.original)}${tools(report.rewritten)}</tr>
  ${summaryRow('Build time', `${report.original.buildSeconds.toFixed(1)} s`, `${report.rewritten.buildSeconds.toFixed(1)} s`)}
</table>
${smokeSection(report)}
${packageSection(report)}
${wasteSection(report)}
${directoriesSection(report)}
<h2>Layers</h2>
<p class="muted">Each row is one entry of the image's history, with the Dockerfile instruction that made it: click the line to open it.</p>
<div class="columns">
  <div><h3>single-stage</h3>${layersTable('original', report.original)}</div>
  <div><h3>multi-stage</h3>${layersTable('rewritten', report.rewritten)}</div>
</div>
<p class="muted">Built on ${escapeHtml(report.engine)} from ${escapeHtml(report.context)}, ${escapeHtml(report.createdAt)}. Compressed sizes: each distinct layer gzipped at level 6 as <code>docker push</code> does, plus the image configuration.</p>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${cspSource} data:; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Image sizes</title>
<style nonce="${nonce}">
  body { color: var(--vscode-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); padding: 0 1.5em 2em; }
  h1 { font-size: 1.4em; font-weight: 600; }
  h2 { font-size: 1.1em; margin-top: 1.6em; border-bottom: 1px solid var(--vscode-panel-border); padding-bottom: .3em; }
  h3 { font-size: 1em; margin: .8em 0 .4em; }
  .headline { font-size: 1.25em; margin: .4em 0 1em; }
  .headline strong { color: var(--vscode-charts-green); }
  .bar-row { display: grid; grid-template-columns: 9em 1fr 7em; align-items: center; gap: .8em; margin: .3em 0; }
  .bar-row.sub { margin-bottom: .2em; }
  .caption { margin: 0 0 .9em; font-size: .92em; overflow-wrap: anywhere; }
  .bar-label { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .bar-track { display: block; }
  .stack { display: flex; height: 1.4em; border-radius: 3px; overflow: hidden; }
  .bar-row.sub .stack { height: .8em; }
  .segment { display: block; height: 100%; min-width: 1px; border-right: 1px solid var(--vscode-editor-background); box-sizing: border-box; }
  ${SEGMENT_COLOURS.map((colour, index) => `.c${index} { background: var(${colour}); }`).join('\n  ')}
  .segment.small { opacity: .55; }
  .bar-value { font-variant-numeric: tabular-nums; text-align: right; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .3em .6em; border-bottom: 1px solid var(--vscode-panel-border); vertical-align: top; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  .columns { display: grid; grid-template-columns: 1fr 1fr; gap: 1.5em; }
  code, pre { font-family: var(--vscode-editor-font-family); font-size: .92em; }
  td code { word-break: break-all; }
  pre { background: var(--vscode-textCodeBlock-background); padding: .6em; white-space: pre-wrap; word-break: break-all; max-height: 16em; overflow: auto; }
  .tools-none { color: var(--vscode-charts-green); }
  .tools-some { color: var(--vscode-charts-orange); }
  .actions { display: flex; flex-wrap: wrap; gap: .6em; margin: 1em 0; }
  button { color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: none; padding: .45em 1em; cursor: pointer; border-radius: 2px; }
  button:hover { background: var(--vscode-button-hoverBackground); }
  button.secondary { color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground); }
  button:disabled { opacity: .5; cursor: default; }
  a.line { color: var(--vscode-textLink-foreground); cursor: pointer; text-decoration: none; white-space: nowrap; }
  a.line:hover, a.line:focus { text-decoration: underline; }
  tr.empty td { color: var(--vscode-descriptionForeground); }
  .rule { color: var(--vscode-charts-orange); }
  .muted { color: var(--vscode-descriptionForeground); }
  .scroll { max-height: 22em; overflow: auto; }
  ${styles.join('\n  ')}
  @media (max-width: 640px) {
    body { padding: 0 .6em 1.5em; }
    .columns { grid-template-columns: 1fr; }
    .bar-row { grid-template-columns: 1fr 5.5em; gap: .4em; }
    .bar-row .bar-label { grid-column: 1 / -1; }
    th, td { padding: .25em .3em; }
  }
</style>
</head>
<body>
${body}
<script id="report-data" type="application/json" nonce="${nonce}">${data}</script>
<script nonce="${nonce}">
  const vscode = acquireVsCodeApi();
  for (const id of ['apply', 'markdown', 'json']) {
    document.getElementById(id).addEventListener('click', () => vscode.postMessage({ command: id }));
  }
  // A layer's line opens in the original Dockerfile or in the rewrite.
  document.body.addEventListener('click', (event) => {
    const link = event.target.closest('a.line');
    if (!link) return;
    event.preventDefault();
    vscode.postMessage({ command: 'open', variant: link.dataset.variant, line: Number(link.dataset.line) });
  });
</script>
</body>
</html>`;
}

/** Two bars per image: its layers stacked bottom-first, then its top-level folders. */
function stackedBars(variant: VariantName, report: VariantReport, widthClass: (name: string, bytes: number) => string): string {
  const layers = report.layers.map((layer, index) => ({ layer, index })).filter(({ layer }) => !layer.emptyLayer && layer.sizeBytes > 0);
  const segments = layers
    .map(({ layer, index }, position) => {
      const title = `${layerLabel(layer)}: ${formatMegabytes(layer.sizeBytes)}`;
      const small = layer.sizeBytes / Math.max(report.sizeBytes, 1) < 0.01 ? ' small' : '';
      return `<span class="segment c${position % SEGMENT_COLOURS.length}${small} ${widthClass(`w-${variant}-l${index}`, layer.sizeBytes)}" title="${escapeHtml(title)}"></span>`;
    })
    .join('');
  const folders = report.contents?.rootDirectories ?? [];
  const folderSegments = folders
    .map((folder, position) => `<span class="segment c${(position + 2) % SEGMENT_COLOURS.length} ${widthClass(`w-${variant}-d${position}`, folder.bytes)}" title="${escapeHtml(`${folder.path}: ${formatMegabytes(folder.bytes)}`)}"></span>`)
    .join('');
  const folderNames = folders.slice(0, 3).map((folder) => `${folder.path} ${formatMegabytes(folder.bytes)}`).join(', ');
  const biggest = layers.reduce<LayerRow | undefined>((best, { layer }) => (!best || layer.sizeBytes > best.sizeBytes ? layer : best), undefined);
  // The picture in words, so that it reads without hovering: the biggest layer and the top folders.
  const caption = biggest ? `<p class="caption muted">Biggest layer: <code>${escapeHtml(biggest.instruction?.text ?? shortCreatedBy(biggest.createdBy))}</code> ${lineLink(variant, biggest)} ${formatMegabytes(biggest.sizeBytes)}${folderNames ? `; folders: ${escapeHtml(folderNames)}` : ''}</p>` : '';
  return `
    <div class="bar-row" data-variant="${variant}">
      <span class="bar-label">${LABEL[variant]}</span>
      <span class="bar-track"><span class="stack">${segments || `<span class="segment c0 ${widthClass(`w-${variant}-all`, report.sizeBytes)}"></span>`}</span></span>
      <span class="bar-value">${formatMegabytes(report.sizeBytes)}</span>
    </div>${
      folders.length > 0
        ? `
    <div class="bar-row sub">
      <span class="bar-label muted" title="${escapeHtml(folderNames)}">by folder</span>
      <span class="bar-track"><span class="stack">${folderSegments}</span></span>
      <span class="bar-value muted">${layers.length} layers</span>
    </div>`
        : ''
    }${caption}`;
}

function summaryRow(label: string, original: string, rewritten: string): string {
  return `<tr><td>${label}</td><td class="num">${escapeHtml(original)}</td><td class="num">${escapeHtml(rewritten)}</td></tr>`;
}

function optionalRow(label: string, report: ComparisonReport, value: (variant: VariantReport) => string | undefined): string {
  const [original, rewritten] = [value(report.original), value(report.rewritten)];
  return original === undefined && rewritten === undefined ? '' : summaryRow(label, original ?? 'unknown', rewritten ?? 'unknown');
}

function packages(variant: VariantReport): string {
  if (variant.packages === null) return 'unknown';
  const total = variant.packageList?.reduce((sum, pkg) => sum + pkg.sizeBytes, 0);
  return total === undefined ? String(variant.packages) : `${variant.packages} (${formatMegabytes(total)})`;
}

function tools(variant: VariantReport): string {
  return variant.buildTools.length === 0 ? '<td class="tools-none">none</td>' : `<td class="tools-some">${variant.buildTools.map((tool) => `<code>${escapeHtml(tool)}</code>`).join(', ')}</td>`;
}

/** `line 4` as a link that opens it, or nothing for an entry no instruction of the file made. */
function lineLink(variant: VariantName, layer: LayerRow | undefined): string {
  if (!layer?.instruction) return '';
  return `<a class="line" href="#" data-variant="${variant}" data-line="${layer.instruction.line}" title="Open line ${layer.instruction.line} of the ${variant === 'original' ? 'Dockerfile' : 'rewrite'}">line ${layer.instruction.line}</a>`;
}

function instructionCell(variant: VariantName, layer: LayerRow): string {
  const text = layer.instruction ? (layer.base ? `${layer.instruction.text} (base image)` : layer.instruction.text) : shortCreatedBy(layer.createdBy);
  return `<code>${escapeHtml(text)}</code> ${lineLink(variant, layer)}`;
}

function layersTable(variant: VariantName, report: VariantReport): string {
  const rows = report.layers
    .map(
      (layer) =>
        `<tr class="${layer.emptyLayer ? 'empty' : 'layer'}"><td>${instructionCell(variant, layer)}</td><td class="num">${layer.emptyLayer ? 'no layer' : formatMegabytes(layer.sizeBytes)}</td><td class="num">${layer.compressedBytes == null ? '' : formatMegabytes(layer.compressedBytes)}</td><td class="num">${layer.wastedBytes ? formatMegabytes(layer.wastedBytes) : ''}</td></tr>`,
    )
    .join('');
  return `<table class="layers"><tr><th>made by</th><th class="num">size</th><th class="num">gzip</th><th class="num">wasted</th></tr>${rows}</table>`;
}

function packageSection(report: ComparisonReport): string {
  const difference = report.packageDifference;
  if (!difference) {
    const note = report.original.contents && report.original.packageList === null ? 'No package database this tool reads (dpkg, apk, rpm SQLite) in one of the images.' : '';
    return note ? `<h2>Packages</h2><p class="muted">${escapeHtml(note)}</p>` : '';
  }
  const table = (variant: VariantName, list: readonly PackageRow[]) => {
    if (list.length === 0) return '<p class="muted">none</p>';
    const layers = report[variant].layers;
    // Every package, largest first, in a box that scrolls: the small ones (a metapackage such as gcc) count too.
    const rows = list.map((pkg) => `<tr><td><code>${escapeHtml(pkg.name)}</code></td><td class="num">${formatMegabytes(pkg.sizeBytes)}</td><td>${pkg.layer === null ? '' : lineLink(variant, layers[pkg.layer])}</td></tr>`).join('');
    return `<div class="scroll"><table class="packages"><tr><th>package</th><th class="num">installed</th><th>installed by</th></tr>${rows}</table></div>`;
  };
  return `<h2>Packages</h2>
<div class="columns">
  <div id="only-in-original"><h3>Only in single-stage: ${difference.onlyInOriginal.length}, ${formatMegabytes(difference.onlyInOriginalBytes)}</h3>${table('original', difference.onlyInOriginal)}</div>
  <div id="only-in-rewritten"><h3>Only in multi-stage: ${difference.onlyInRewritten.length}, ${formatMegabytes(difference.onlyInRewrittenBytes)}</h3>${table('rewritten', difference.onlyInRewritten)}</div>
</div>`;
}

function wasteSection(report: ComparisonReport): string {
  if (report.original.wastedBytes === undefined && report.rewritten.wastedBytes === undefined) return '';
  const column = (variant: VariantName) => {
    const image = report[variant];
    const causes = image.contents?.wasteCauses ?? [];
    if (causes.length === 0) return `<div><h3>${LABEL[variant]}: nothing wasted</h3></div>`;
    const rows = causes
      .slice(0, 8)
      .map((cause) => {
        const [written, removed] = [image.layers[cause.writtenBy], image.layers[cause.removedBy]];
        const describe = (layer: LayerRow | undefined) => (layer ? `${escapeHtml(layer.instruction?.text ?? shortCreatedBy(layer.createdBy))} ${lineLink(variant, layer)}` : 'an unknown layer');
        return `<tr><td class="num">${formatMegabytes(cause.bytes)}</td><td>written by <code>${describe(written)}</code>, ${cause.rule === null ? 'replaced' : 'removed'} by <code>${describe(removed)}</code>${cause.rule ? ` <span class="rule">${cause.rule}</span>` : ''}</td></tr>`;
      })
      .join('');
    return `<div><h3>${LABEL[variant]}: ${formatMegabytes(image.wastedBytes ?? 0)} wasted, efficiency ${formatPercent(image.efficiency ?? 1)}</h3><table class="waste">${rows}</table></div>`;
  };
  return `<h2>Wasted space</h2><p class="muted">Bytes a layer wrote that a later layer deleted or replaced: the image still ships them.</p><div class="columns">${column('original')}${column('rewritten')}</div>`;
}

function directoriesSection(report: ComparisonReport): string {
  if (!report.original.contents && !report.rewritten.contents) return '';
  const column = (variant: VariantName) => {
    const contents = report[variant].contents;
    if (!contents) return '<div></div>';
    const folders = contents.topDirectories
      .slice(0, 10)
      .map((folder) => `<tr><td><code>${escapeHtml(folder.path)}</code></td><td class="num">${formatMegabytes(folder.bytes)}</td></tr>`)
      .join('');
    const files = contents.topFiles
      .slice(0, 5)
      .map((file) => `<tr><td><code>${escapeHtml(file.path)}</code></td><td class="num">${formatMegabytes(file.bytes)}</td></tr>`)
      .join('');
    return `<div><h3>${LABEL[variant]}</h3><table class="folders"><tr><th>folder</th><th class="num">size</th></tr>${folders}</table><table class="files"><tr><th>file</th><th class="num">size</th></tr>${files}</table></div>`;
  };
  return `<h2>Biggest folders and files</h2><div class="columns">${column('original')}${column('rewritten')}</div>`;
}

function smokeSection(report: ComparisonReport): string {
  if (!report.original.smoke || !report.rewritten.smoke) return '';
  const column = (label: string, smoke: NonNullable<VariantReport['smoke']>) => `<div><h3>${label}: exit ${smoke.exitCode}</h3><pre>${escapeHtml(smoke.output)}</pre></div>`;
  return `<h2>Smoke command</h2><div class="columns">${column('single-stage', report.original.smoke)}${column('multi-stage', report.rewritten.smoke)}</div>`;
}
