import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiagnosticSeverity, type Diagnostic, type FullDocumentDiagnosticReport } from 'vscode-languageserver-protocol/node';
import { LspTestClient } from '../helpers/lsp-client';

const SEED = readFileSync(join(__dirname, '../fixtures/seed/Dockerfile'), 'utf8');
const URI = 'file:///work/Dockerfile';

/** What tests compare: code, 1-based line, and the text under the range. */
function summarize(text: string, diagnostics: readonly Diagnostic[]): Array<[string, number, string]> {
  const lines = text.split('\n');
  return diagnostics.map((d) => [String(d.code), d.range.start.line + 1, lines[d.range.start.line]!.slice(d.range.start.character, d.range.end.line === d.range.start.line ? d.range.end.character : undefined)]);
}

// Code, 1-based line and covered text of each finding on the seed; the VS Code test expects the same.
const SEED_DIAGNOSTICS = JSON.parse(readFileSync(join(__dirname, '../fixtures/seed/expected-diagnostics.json'), 'utf8')) as Array<[string, number, string]>;

describe('language server over stdio: a client with pull diagnostics', function () {
  let client: LspTestClient;

  before(async () => {
    const started = await LspTestClient.start({ pullDiagnostics: true });
    client = started.client;
    assert.equal(started.initialize.serverInfo?.name, 'dockerfile-multistage-language-server');
    assert.ok(started.initialize.capabilities.diagnosticProvider, 'the server offers pull diagnostics');
    assert.equal(started.initialize.capabilities.hoverProvider, true);
  });

  after(async () => {
    assert.equal(await client.stop(), 0, 'the server exits cleanly after shutdown and exit');
  });

  it('answers a pull with the findings, their docs links, related FROM and the finding they show', async () => {
    await client.open(URI, SEED);
    const report = (await client.pull(URI)) as FullDocumentDiagnosticReport;
    assert.equal(report.kind, 'full');
    assert.deepStrictEqual(summarize(SEED, report.items), SEED_DIAGNOSTICS);
    const gcc = report.items.find((d) => summarize(SEED, [d])[0]![2] === 'gcc')!;
    assert.equal(gcc.severity, DiagnosticSeverity.Warning);
    assert.equal(gcc.source, 'multistage');
    assert.match(gcc.codeDescription!.href, /\/docs\/rules\/build-tools-in-runtime\.md$/);
    assert.deepStrictEqual(gcc.relatedInformation?.map((r) => [r.location.uri, r.location.range.start.line]), [[URI, 0]]);
    // data only names the finding: code actions compute fixes for the version they are asked on.
    assert.deepStrictEqual(gcc.data, { ruleId: 'build-tools-in-runtime', subject: 'gcc' });
  });

  it('answers "unchanged" for the same version and the new findings after an edit', async () => {
    const first = (await client.pull(URI)) as FullDocumentDiagnosticReport;
    const again = await client.pull(URI, first.resultId);
    assert.equal(again.kind, 'unchanged');
    // Delete the line with g++ (line 9) through an incremental edit.
    await client.edit(URI, 2, { start: { line: 8, character: 0 }, end: { line: 9, character: 0 } }, '');
    const edited = (await client.pull(URI, first.resultId)) as FullDocumentDiagnosticReport;
    assert.equal(edited.kind, 'full');
    const text = SEED.split('\n').filter((_, index) => index !== 8).join('\n');
    assert.deepStrictEqual(
      summarize(text, edited.items).filter(([code]) => code === 'build-tools-in-runtime').map(([, , subject]) => subject),
      ['build-essential', 'gcc', 'make'],
    );
  });

  it('explains a flagged token on hover and nothing elsewhere', async () => {
    await client.replace(URI, 3, SEED);
    const hover = await client.hover(URI, { line: 7, character: 5 });
    const value = (hover?.contents as { kind: string; value: string }).value;
    assert.match(value, /build-tools-in-runtime/);
    assert.match(value, /gcc is a build tool/);
    assert.match(value, /multistage-ignore=build-tools-in-runtime/);
    assert.equal(await client.hover(URI, { line: 2, character: 2 }), null);
  });

  it('survives binary garbage and keeps answering', async () => {
    const garbage = 'FROM \u0000\u0001\uffff\n RUN "\\\n<<EOF\n' + '\ud800'.repeat(3);
    await client.open('file:///work/garbage/Dockerfile', garbage);
    const report = (await client.pull('file:///work/garbage/Dockerfile')) as FullDocumentDiagnosticReport;
    assert.equal(report.kind, 'full');
    const seed = (await client.pull(URI)) as FullDocumentDiagnosticReport;
    assert.equal(seed.items.length, SEED_DIAGNOSTICS.length);
  });
});

describe('language server over stdio: a client that only accepts published diagnostics', function () {
  let client: LspTestClient;

  before(async () => {
    const started = await LspTestClient.start({ pullDiagnostics: false });
    client = started.client;
    assert.equal(started.initialize.capabilities.diagnosticProvider, undefined, 'no pull provider for a push-only client');
  });

  after(async () => {
    assert.equal(await client.stop(), 0);
  });

  it('publishes on open, republishes on change, and clears on close', async () => {
    await client.open(URI, SEED, 1);
    const opened = await client.nextPublished(URI, (p) => p.version === 1);
    assert.deepStrictEqual(summarize(SEED, opened.diagnostics), SEED_DIAGNOSTICS);

    const fixed = SEED.replace('    gcc \\\n', '');
    await client.replace(URI, 2, fixed);
    const changed = await client.nextPublished(URI, (p) => p.version === 2);
    assert.deepStrictEqual(
      summarize(fixed, changed.diagnostics).filter(([code]) => code === 'build-tools-in-runtime').map(([, , subject]) => subject),
      ['build-essential', 'g++', 'make'],
    );

    await client.close(URI);
    const closed = await client.nextPublished(URI, (p) => p.version === undefined && p.diagnostics.length === 0);
    assert.deepStrictEqual(closed.diagnostics, []);
  });
});

describe('language server settings', function () {
  it('reads severities per document and republishes when they change', async () => {
    const { client } = await LspTestClient.start({ pullDiagnostics: false, settings: { rules: { 'build-tools-in-runtime': 'error', 'install-recommends': 'off' } } });
    try {
      await client.open(URI, SEED, 1);
      const first = await client.nextPublished(URI, (p) => p.version === 1);
      const codes = first.diagnostics.map((d) => [d.code, d.severity]);
      assert.ok(!codes.some(([code]) => code === 'install-recommends'), 'a rule set to off is not reported');
      assert.ok(codes.filter(([code]) => code === 'build-tools-in-runtime').every(([, severity]) => severity === DiagnosticSeverity.Error));

      client.published.length = 0;
      await client.changeSettings({ rules: { 'build-tools-in-runtime': 'off' }, extraBuildTools: ['curl'] });
      const republished = await client.nextPublished(URI, (p) => p.version === 1);
      assert.deepStrictEqual(
        republished.diagnostics.map((d) => d.code).filter((code) => code === 'build-tools-in-runtime'),
        [],
      );
    } finally {
      await client.stop();
    }
  });
});
