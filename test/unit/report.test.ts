import { strict as assert } from 'node:assert';
import { renderReportHtml } from '../../client/src/compare/report-html';
import { parseBytes } from '../../server/src/cli/main';
import { differencePackages, inspectText, makeInspectReport, makeReport, reportMarkdown, reportText, shortCreatedBy, type LayerRow, type VariantReport } from '../../server/src/engine/report';
import type { ImageMeasurement } from '../../server/src/engine/measure';

const layer = (createdBy: string, sizeBytes: number, line: number, text: string, extra: Partial<LayerRow> = {}): LayerRow => ({
  createdBy,
  sizeBytes,
  emptyLayer: false,
  instruction: { line, endLine: line, keyword: text.split(' ')[0]!, text },
  base: false,
  compressedBytes: Math.round(sizeBytes / 2),
  wastedBytes: 0,
  hidesBytes: 0,
  topDirectories: [],
  ...extra,
});

const variant = (sizeBytes: number, buildTools: string[], smoke: VariantReport['smoke'], packages: Array<[string, number]>): VariantReport => ({
  dockerfile: 'Dockerfile',
  sizeBytes,
  layers: [
    layer('', 74_900_000, 1, 'FROM debian:bookworm-slim', { base: true }),
    layer('/bin/sh -c apt-get install -y gcc </script>', sizeBytes - 74_900_000, 4, 'RUN apt-get install -y gcc </script>', { wastedBytes: 1_000_000 }),
    layer('/bin/sh -c #(nop)  CMD ["app"]', 0, 9, 'CMD ["app"]', { emptyLayer: true, compressedBytes: null }),
  ],
  packages: packages.length,
  buildTools,
  buildSeconds: 12.34,
  smoke,
  imageId: 'sha256:0123456789abcdef',
  compressedSizeBytes: Math.round(sizeBytes / 2),
  wastedBytes: 1_000_000,
  efficiency: 0.998,
  contents: {
    contentBytes: sizeBytes,
    writtenBytes: sizeBytes + 1_000_000,
    topDirectories: [{ path: '/usr/lib/gcc', bytes: 100_000_000 }],
    rootDirectories: [
      { path: '/usr', bytes: sizeBytes - 1_000_000 },
      { path: '/var', bytes: 1_000_000 },
    ],
    topFiles: [{ path: '/usr/lib/gcc/cc1 <x>', bytes: 30_000_000, layer: 1 }],
    wasted: [{ path: '/var/lib/apt/lists/x', bytes: 1_000_000, count: 1, writtenBy: 1, removedBy: 1 }],
    wasteCauses: [{ bytes: 1_000_000, writtenBy: 1, removedBy: 1, rule: 'late-removal', flagged: true, samplePaths: ['/x'] }],
    packagesNote: undefined,
  },
  packageManager: 'dpkg',
  packageList: packages.map(([name, bytes]) => ({ name, version: '1', sizeBytes: bytes, layer: 1 })),
});

describe('the comparison report', () => {
  const report = makeReport(
    variant(536_200_000, ['gcc', 'make'], { exitCode: 0, output: 'ok <b>\n' }, [['libc6', 12_000_000], ['gcc-12', 71_000_000], ['cpp-12', 35_000_000]]),
    variant(75_000_000, [], { exitCode: 0, output: 'ok <b>\n' }, [['libc6', 12_000_000], ['libgomp1', 300_000]]),
    'unix:///var/run/docker.sock',
    '/src',
    new Date('2026-11-28T00:00:00Z'),
  );

  it('computes the reduction in bytes and percent, and the package difference by size', () => {
    assert.equal(report.reductionBytes, 461_200_000);
    assert.equal(report.reductionPercent, 86);
    assert.deepStrictEqual(
      report.packageDifference?.onlyInOriginal.map((pkg) => pkg.name),
      ['gcc-12', 'cpp-12'],
    );
    assert.deepStrictEqual([report.packageDifference?.onlyInOriginalBytes, report.packageDifference?.onlyInRewritten.map((pkg) => pkg.name)], [106_000_000, ['libgomp1']]);
    assert.deepStrictEqual(differencePackages([], []), { onlyInOriginal: [], onlyInRewritten: [], onlyInOriginalBytes: 0, onlyInRewrittenBytes: 0 });
  });

  it('renders a Markdown table ready for a pull request, with the new figures', () => {
    const markdown = reportMarkdown(report);
    assert.match(markdown, /^\*\*Image size: 536\.2 MB -> 75\.0 MB \(86% smaller, 461\.2 MB saved\)\*\*$/m);
    assert.match(markdown, /^\| Build tools on PATH \| gcc, make \| none \|$/m);
    assert.match(markdown, /^\| Smoke command \| exit 0 \| exit 0 \|$/m);
    assert.match(markdown, /^\| Compressed \(push and pull\) \| 268\.1 MB \| 37\.5 MB \|$/m);
    assert.match(markdown, /^\| Wasted in layers \| 1\.0 MB \(efficiency 99\.8%\) \| 1\.0 MB \(efficiency 99\.8%\) \|$/m);
    assert.match(markdown, /^\*\*Packages only in the single-stage image: 2, 106\.0 MB\*\*: `gcc-12` 71\.0 MB, `cpp-12` 35\.0 MB$/m);
    assert.match(markdown, /^\| RUN apt-get install -y gcc <\/script> \(line 4\) \| 461\.3 MB \| 230\.7 MB \| 1\.0 MB \|$/m);
    assert.match(reportText(report), /only in single-stage: 2 packages, 106\.0 MB: gcc-12 71\.0 MB, cpp-12 35\.0 MB/);
  });

  it('reads a report written before the layer analysis (new fields only)', () => {
    const old = { dockerfile: 'Dockerfile', sizeBytes: 100, layers: [{ createdBy: '/bin/sh -c make', sizeBytes: 100 }], packages: null, buildTools: [], buildSeconds: 1, smoke: null } as unknown as VariantReport;
    const plain = makeReport(old, old, 'unix:///x', '/src');
    assert.equal(plain.packageDifference, null);
    assert.doesNotMatch(reportMarkdown(plain), /Compressed|Wasted/);
    assert.match(renderReportHtml(plain, { nonce: 'n', cspSource: 'c', canApply: true }), /<code>RUN make<\/code>/);
  });

  it('renders a page under a nonce-only content security policy, escaping what images print', () => {
    const html = renderReportHtml(report, { nonce: 'abc123', cspSource: 'vscode-webview://x', canApply: false });
    assert.match(html, /content="default-src 'none'; img-src vscode-webview:\/\/x data:; style-src 'nonce-abc123'; script-src 'nonce-abc123';"/);
    assert.ok(!/<script(?![^>]*nonce="abc123")/.test(html), 'every script carries the nonce');
    assert.ok(!/\sstyle="/.test(html), 'no inline style attributes (the policy would block them)');
    assert.ok(!/\son[a-z]+="/.test(html), 'no inline event handlers');
    assert.ok(!/https?:\/\/(?!.*w3\.org)/.test(html.replace(/vscode-webview:\/\/x/g, '')), 'no remote resources');
    assert.ok(html.includes('ok &lt;b&gt;') && !html.includes('ok <b>'), 'smoke output is escaped');
    assert.ok(html.includes('cc1 &lt;x&gt;') && html.includes('gcc &lt;/script&gt;'), 'paths and instructions are escaped');
    assert.ok(html.includes('\\u003c/script>'), 'the embedded JSON cannot close its script element');
    assert.match(html, /<button id="apply" disabled/);
    assert.ok(reportText(report).startsWith('single-stage'));
  });

  it('draws each image as a bar stacked by layer and by folder, with widths in the nonce style sheet', () => {
    const html = renderReportHtml(report, { nonce: 'n', cspSource: 'c', canApply: true });
    // Two non-empty layers per image; the empty CMD layer draws nothing.
    assert.equal((html.match(/class="segment c\d[^"]* w-original-l\d+"/g) ?? []).length, 2);
    assert.match(html, /\.w-original-l1 \{ width: 86\.03%; \}/);
    assert.match(html, /\.w-rewritten-d0 \{ width: /);
    assert.match(html, /title="RUN apt-get install -y gcc &lt;\/script&gt; \(line 4\): 461\.3 MB"/);
    assert.match(html, /@media \(max-width: 640px\)/);
  });

  it('links every layer to its line in the original or the rewrite, and shows the new sections', () => {
    const html = renderReportHtml(report, { nonce: 'n', cspSource: 'c', canApply: true });
    assert.match(html, /<a class="line" href="#" data-variant="original" data-line="4"/);
    assert.match(html, /<a class="line" href="#" data-variant="rewritten" data-line="9"/);
    for (const heading of ['Packages', 'Wasted space', 'Biggest folders and files', 'Layers']) assert.match(html, new RegExp(`<h2>${heading}</h2>`));
    assert.match(html, /<div id="only-in-original"><h3>Only in single-stage: 2, 106\.0 MB<\/h3>/);
    assert.match(html, /<span class="rule">late-removal<\/span>/);
  });
});

describe('inspect output', () => {
  const measurement: ImageMeasurement = {
    id: 'sha256:0123456789abcdef0123',
    sizeBytes: 200_000_000,
    layers: [layer('', 75_000_000, 1, 'FROM debian:bookworm-slim', { base: true }), layer('/bin/sh -c apt-get install gcc', 125_000_000, 2, 'RUN apt-get install gcc', { wastedBytes: 100_000_000 }), layer('/bin/sh -c apt-get purge gcc', 0, 3, 'RUN apt-get purge gcc', { hidesBytes: 100_000_000 })],
    contents: {
      compressedBytes: 90_000_000,
      contentBytes: 100_000_000,
      writtenBytes: 200_000_000,
      wastedBytes: 100_000_000,
      efficiency: 0.5,
      topDirectories: [],
      rootDirectories: [],
      topFiles: [],
      wasted: [],
      wasteCauses: [{ bytes: 100_000_000, writtenBy: 1, removedBy: 2, rule: 'late-removal', flagged: true, samplePaths: [] }],
      packageManager: null,
      packageList: null,
      packagesNote: 'no dpkg, apk or rpm database in the image',
      buildTools: [],
    },
  };

  it('fails a threshold with the instruction that wasted the bytes and the rule', () => {
    const report = makeInspectReport('app:1', 'unix:///x', measurement, { maxWastedBytes: 50_000_000, maxWastedPercent: 60 });
    assert.equal(report.wastedPercent, 50);
    assert.deepStrictEqual(report.failures, ['100.0 MB wasted is over --max-wasted-bytes 50000000: 100.0 MB written by RUN apt-get install gcc (line 2) and removed by RUN apt-get purge gcc (line 3) [late-removal]']);
    assert.match(inspectText(report), /packages: no dpkg, apk or rpm database in the image/);
    assert.deepStrictEqual(makeInspectReport('app:1', 'unix:///x', measurement, {}).failures, []);
  });

  it('reads byte sizes with units', () => {
    assert.deepStrictEqual(['20000000', '20MB', '1.5GiB', '10 kB', '3KiB'].map(parseBytes), [20_000_000, 20_000_000, 1_610_612_736, 10_000, 3072]);
    assert.throws(() => parseBytes('lots'), /--max-wasted-bytes wants a number of bytes/);
  });

  it('shortens history entries to Dockerfile lines', () => {
    assert.deepStrictEqual(['', '/bin/sh -c #(nop)  CMD ["app"]', '|2 A=1 B=2 /bin/sh -c make', 'RUN /bin/sh -c make # buildkit'].map(shortCreatedBy), ['(base image)', 'CMD ["app"]', 'RUN make', 'RUN make']);
  });
});
