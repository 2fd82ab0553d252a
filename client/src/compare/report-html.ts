// The Compare Image Sizes report as a self-contained page: no remote resources, a strict content
// security policy, colours from the VS Code theme. Pure: no `vscode` import, so tests render it.
import { formatMegabytes, type ComparisonReport, type VariantReport } from '../../../server/src/engine/report';

export interface HtmlOptions {
  /** A fresh random value per render: the only script and style allowed to run carry it. */
  readonly nonce: string;
  /** The webview's own origin (webview.cspSource). */
  readonly cspSource: string;
  /** Whether the rewrite can still be applied (the document is unchanged since the comparison). */
  readonly canApply: boolean;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function renderReportHtml(report: ComparisonReport, options: HtmlOptions): string {
  const { nonce, cspSource } = options;
  const max = Math.max(report.original.sizeBytes, report.rewritten.sizeBytes, 1);
  const bar = (label: string, variant: VariantReport, css: string) => `
    <div class="bar-row">
      <span class="bar-label">${label}</span>
      <span class="bar-track"><span class="bar ${css}"></span></span>
      <span class="bar-value">${formatMegabytes(variant.sizeBytes)}</span>
    </div>`;
  // Widths live in the nonce'd style sheet: the policy allows no inline style attributes.
  const width = (variant: VariantReport) => ((variant.sizeBytes / max) * 100).toFixed(1);
  // The report's data rides along as JSON: the page's script and the tests read the same object.
  const data = JSON.stringify(report).replace(/</g, '\\u003c');
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
  .headline { font-size: 1.25em; margin: .4em 0 1em; }
  .headline strong { color: var(--vscode-charts-green); }
  .bar-row { display: grid; grid-template-columns: 9em 1fr 7em; align-items: center; gap: .8em; margin: .45em 0; }
  .bar { height: 1.4em; border-radius: 3px; display: block; min-width: 2px; }
  .bar.original { background: var(--vscode-charts-orange); width: ${width(report.original)}%; }
  .bar.rewritten { background: var(--vscode-charts-green); width: ${width(report.rewritten)}%; }
  .bar-value { font-variant-numeric: tabular-nums; text-align: right; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .3em .6em; border-bottom: 1px solid var(--vscode-panel-border); vertical-align: top; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  .columns { display: grid; grid-template-columns: 1fr 1fr; gap: 1.5em; }
  code, pre { font-family: var(--vscode-editor-font-family); font-size: .92em; }
  td code { word-break: break-all; }
  pre { background: var(--vscode-textCodeBlock-background); padding: .6em; white-space: pre-wrap; word-break: break-all; max-height: 16em; overflow: auto; }
  .tools-none { color: var(--vscode-charts-green); }
  .tools-some { color: var(--vscode-charts-orange); }
  .actions { display: flex; gap: .6em; margin: 1em 0; }
  button { color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: none; padding: .45em 1em; cursor: pointer; border-radius: 2px; }
  button:hover { background: var(--vscode-button-hoverBackground); }
  button.secondary { color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground); }
  button:disabled { opacity: .5; cursor: default; }
  .muted { color: var(--vscode-descriptionForeground); }
</style>
</head>
<body>
<h1>Compare Image Sizes</h1>
<p class="headline">The multi-stage image is <strong>${formatMegabytes(report.reductionBytes)} smaller (${report.reductionPercent}%)</strong>: ${formatMegabytes(report.original.sizeBytes)} &rarr; ${formatMegabytes(report.rewritten.sizeBytes)}.</p>
${bar('single-stage', report.original, 'original')}
${bar('multi-stage', report.rewritten, 'rewritten')}
<div class="actions">
  <button id="apply"${options.canApply ? '' : ' disabled title="The document changed since the comparison"'}>Apply the rewrite</button>
  <button id="markdown" class="secondary">Copy as Markdown</button>
  <button id="json" class="secondary">Save JSON</button>
</div>
<h2>Summary</h2>
<table>
  <tr><th></th><th>single-stage</th><th>multi-stage</th></tr>
  ${summaryRow('Size', formatMegabytes(report.original.sizeBytes), formatMegabytes(report.rewritten.sizeBytes))}
  ${summaryRow('Layers', String(report.original.layers.length), String(report.rewritten.layers.length))}
  ${summaryRow('OS packages', packages(report.original), packages(report.rewritten))}
  <tr><td>Compilers and build tools</td>${tools(report.original)}${tools(report.rewritten)}</tr>
  ${summaryRow('Build time', `${report.original.buildSeconds.toFixed(1)} s`, `${report.rewritten.buildSeconds.toFixed(1)} s`)}
</table>
${smokeSection(report)}
<h2>Layers</h2>
<div class="columns">
  <div><h3>single-stage</h3>${layersTable(report.original)}</div>
  <div><h3>multi-stage</h3>${layersTable(report.rewritten)}</div>
</div>
<p class="muted">Built on ${escapeHtml(report.engine)} from ${escapeHtml(report.context)}, ${escapeHtml(report.createdAt)}.</p>
<script id="report-data" type="application/json" nonce="${nonce}">${data}</script>
<script nonce="${nonce}">
  const vscode = acquireVsCodeApi();
  for (const id of ['apply', 'markdown', 'json']) {
    document.getElementById(id).addEventListener('click', () => vscode.postMessage({ command: id }));
  }
</script>
</body>
</html>`;
}

function summaryRow(label: string, original: string, rewritten: string): string {
  return `<tr><td>${label}</td><td class="num">${escapeHtml(original)}</td><td class="num">${escapeHtml(rewritten)}</td></tr>`;
}

function packages(variant: VariantReport): string {
  return variant.packages === null ? 'unknown' : String(variant.packages);
}

function tools(variant: VariantReport): string {
  return variant.buildTools.length === 0 ? '<td class="tools-none">none</td>' : `<td class="tools-some">${variant.buildTools.map((tool) => `<code>${escapeHtml(tool)}</code>`).join(', ')}</td>`;
}

function layersTable(variant: VariantReport): string {
  const rows = variant.layers.map((layer) => `<tr><td class="num">${formatMegabytes(layer.sizeBytes)}</td><td><code>${escapeHtml(shorten(layer.createdBy))}</code></td></tr>`).join('');
  return `<table><tr><th>size</th><th>made by</th></tr>${rows}</table>`;
}

function smokeSection(report: ComparisonReport): string {
  if (!report.original.smoke || !report.rewritten.smoke) return '';
  const column = (label: string, smoke: NonNullable<VariantReport['smoke']>) => `<div><h3>${label}: exit ${smoke.exitCode}</h3><pre>${escapeHtml(smoke.output)}</pre></div>`;
  return `<h2>Smoke command</h2><div class="columns">${column('single-stage', report.original.smoke)}${column('multi-stage', report.rewritten.smoke)}</div>`;
}

/** `/bin/sh -c #(nop)  CMD ["app"]` -> `CMD ["app"]`. */
function shorten(createdBy: string): string {
  if (!createdBy.trim()) return '(base image)';
  const text = createdBy.replace(/^\/bin\/sh -c #\(nop\)\s+/, '').replace(/^\/bin\/sh -c /, 'RUN ');
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}
