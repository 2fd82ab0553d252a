import { strict as assert } from 'node:assert';
import { renderReportHtml } from '../../client/src/compare/report-html';
import { makeReport, reportMarkdown, reportText, type VariantReport } from '../../server/src/engine/report';

const variant = (sizeBytes: number, buildTools: string[], smoke: VariantReport['smoke']): VariantReport => ({
  dockerfile: 'Dockerfile',
  sizeBytes,
  layers: [
    { createdBy: '', sizeBytes: 74_900_000 },
    { createdBy: '/bin/sh -c apt-get install -y gcc </script>', sizeBytes: sizeBytes - 74_900_000 },
  ],
  packages: 100,
  buildTools,
  buildSeconds: 12.34,
  smoke,
});

describe('the comparison report', () => {
  const report = makeReport(variant(536_200_000, ['gcc', 'make'], { exitCode: 0, output: 'ok <b>\n' }), variant(75_000_000, [], { exitCode: 0, output: 'ok <b>\n' }), 'unix:///var/run/docker.sock', '/src', new Date('2026-11-28T00:00:00Z'));

  it('computes the reduction in bytes and percent', () => {
    assert.equal(report.reductionBytes, 461_200_000);
    assert.equal(report.reductionPercent, 86);
  });

  it('renders a Markdown table ready for a pull request', () => {
    const markdown = reportMarkdown(report);
    assert.match(markdown, /^\*\*Image size: 536\.2 MB -> 75\.0 MB \(86% smaller, 461\.2 MB saved\)\*\*$/m);
    assert.match(markdown, /^\| Build tools on PATH \| gcc, make \| none \|$/m);
    assert.match(markdown, /^\| Smoke command \| exit 0 \| exit 0 \|$/m);
  });

  it('renders a page under a nonce-only content security policy, escaping what images print', () => {
    const html = renderReportHtml(report, { nonce: 'abc123', cspSource: 'vscode-webview://x', canApply: false });
    assert.match(html, /content="default-src 'none'; img-src vscode-webview:\/\/x data:; style-src 'nonce-abc123'; script-src 'nonce-abc123';"/);
    assert.ok(!/<script(?![^>]*nonce="abc123")/.test(html), 'every script carries the nonce');
    assert.ok(!/\sstyle="/.test(html), 'no inline style attributes (the policy would block them)');
    assert.ok(!/https?:\/\/(?!.*w3\.org)/.test(html.replace(/vscode-webview:\/\/x/g, '')), 'no remote resources');
    assert.ok(html.includes('ok &lt;b&gt;') && !html.includes('ok <b>'), 'smoke output is escaped');
    assert.ok(html.includes('\\u003c/script>'), 'the embedded JSON cannot close its script element');
    assert.match(html, /<button id="apply" disabled/);
    assert.ok(reportText(report).startsWith('single-stage'));
  });
});
