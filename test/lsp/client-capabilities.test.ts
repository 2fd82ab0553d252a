import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FullDocumentDiagnosticReport, MarkupContent } from 'vscode-languageserver-protocol/node';
import { RULE_METADATA } from '../../server/src/core';
import { LspTestClient } from '../helpers/lsp-client';

const SEED = readFileSync(join(__dirname, '../fixtures/seed/Dockerfile'), 'utf8');
const GCC = { line: 7, character: 5 };

async function hoverWith(contentFormat: readonly string[] | null, text = SEED, position = GCC): Promise<MarkupContent> {
  const { client } = await LspTestClient.start({ pullDiagnostics: true, hoverContentFormat: contentFormat });
  try {
    await client.open('file:///hover/Dockerfile', text);
    const hover = await client.hover('file:///hover/Dockerfile', position);
    assert.ok(hover);
    return hover.contents as MarkupContent;
  } finally {
    assert.equal(await client.stop(), 0);
  }
}

describe('language server over stdio: hover in the format the client reads', () => {
  it('sends plain text, without Markdown syntax, to a client that reads only plaintext (eglot without markdown-mode)', async () => {
    const contents = await hoverWith(['plaintext']);
    assert.equal(contents.kind, 'plaintext');
    const title = RULE_METADATA.find((rule) => rule.id === 'build-tools-in-runtime')!.title;
    assert.ok(contents.value.startsWith(`${title} (build-tools-in-runtime)\n`), contents.value);
    assert.match(contents.value, /gcc is a build tool/);
    assert.match(contents.value, /Read more: https:\/\/\S+\/docs\/rules\/build-tools-in-runtime\.md/);
    assert.match(contents.value, /# multistage-ignore=build-tools-in-runtime/);
    for (const markdown of ['**', '`', '](', '\n---\n']) assert.ok(!contents.value.includes(markdown), `no ${JSON.stringify(markdown)} in:\n${contents.value}`);
  });

  it("honours the client's order of preference", async () => {
    assert.equal((await hoverWith(['plaintext', 'markdown'])).kind, 'plaintext');
    assert.equal((await hoverWith(['markdown', 'plaintext'])).kind, 'markdown');
  });

  it('sends Markdown to a client that does not say, as VS Code and most editors render it', async () => {
    const contents = await hoverWith(null);
    assert.equal(contents.kind, 'markdown');
    assert.match(contents.value, /\*\*.+\*\* \(`build-tools-in-runtime`\)/);
  });

  it('escapes what the message quotes from the Dockerfile, so a path cannot become markup', async () => {
    const text = 'FROM debian:bookworm-slim\nRUN curl -o /tmp/a_*b*_[x].tgz https://example.com/a.tgz\nRUN rm /tmp/a_*b*_[x].tgz\nCMD ["app"]\n';
    const contents = await hoverWith(['markdown'], text, { line: 2, character: 10 });
    assert.match(contents.value, /Removing \/tmp\/a\\_\\\*b\\\*\\_\\\[x\\\]\.tgz in a later layer/);
  });
});

describe('language server over stdio: settings changes that change nothing', () => {
  it('does not re-analyse and republish when didChangeConfiguration brings the same settings', async () => {
    const settings = { rules: { 'install-recommends': 'off' } };
    const { client } = await LspTestClient.start({ pullDiagnostics: false, initializationOptions: { settings } });
    try {
      const uri = 'file:///unchanged-settings/Dockerfile';
      await client.open(uri, SEED, 1);
      await client.nextPublished(uri, (p) => p.version === 1);
      const before = client.published.length;
      // The same settings, pushed as Neovim does right after start, then in another key order.
      await client.changeSettings(settings);
      await client.notifyConfiguration({ multistage: { extraBuildTools: [], rules: { 'install-recommends': 'off' }, target: '' } });
      // A real edit afterwards: its diagnostics come after anything the settings would have caused.
      await client.replace(uri, 2, SEED.replace('curl', 'wget'));
      await client.nextPublished(uri, (p) => p.version === 2);
      assert.deepStrictEqual(
        client.published.slice(before).map((p) => p.version),
        [2],
        'nothing republished for the unchanged settings',
      );
      // A real change republishes at once.
      await client.changeSettings({ rules: {} });
      const republished = await client.nextPublished(uri, (p) => p.version === 2 && p.diagnostics.some((d) => d.code === 'install-recommends'));
      assert.ok(republished);
    } finally {
      assert.equal(await client.stop(), 0);
    }
  });

  it('asks a pull client to refresh only when the settings really changed', async () => {
    const { client } = await LspTestClient.start({ pullDiagnostics: true, refreshSupport: true, settings: { target: '' } });
    try {
      const uri = 'file:///unchanged-settings/pull/Dockerfile';
      await client.open(uri, SEED, 1);
      assert.equal(((await client.pull(uri)) as FullDocumentDiagnosticReport).kind, 'full');
      // As VS Code's client does: a null payload, then the server asks workspace/configuration.
      const asked = client.configurationRequests.length;
      await client.notifyConfiguration(null);
      await client.until(() => client.configurationRequests.length > asked, 'the server asks for the settings again');
      // A round trip after the answer: a refresh for it would have arrived before this reply.
      await client.pull(uri);
      assert.equal(client.refreshRequests, 0, 'no refresh for settings that did not change');
      // Then a real change: its refresh is the only one.
      client.settings = { target: '', rules: { 'install-recommends': 'off' } };
      await client.notifyConfiguration(null);
      await client.until(() => client.refreshRequests > 0, 'a refresh after the real change');
      assert.equal(client.refreshRequests, 1);
    } finally {
      assert.equal(await client.stop(), 0);
    }
  });
});

describe('language server over stdio: clients that lack a capability or misbehave', () => {
  it('offers no code action literals to a client without codeActionLiteralSupport (it could not apply them)', async () => {
    const { client } = await LspTestClient.start({ pullDiagnostics: true, codeAction: {} });
    try {
      const uri = 'file:///no-literals/Dockerfile';
      await client.open(uri, SEED);
      const report = (await client.pull(uri)) as FullDocumentDiagnosticReport;
      assert.ok(report.items.length > 0);
      const answer = await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: report.items[0]!.range, context: { diagnostics: report.items } });
      assert.deepStrictEqual(answer, []);
    } finally {
      assert.equal(await client.stop(), 0);
    }
  });

  it('keeps running when the client refuses dynamic registration', async () => {
    const { client } = await LspTestClient.start({ pullDiagnostics: false, refuseRegistration: true });
    try {
      await client.until(() => client.logs.some((log) => /Could not register for configuration changes/.test(log.message)), 'the refusal is logged');
      await client.open('file:///refused/Dockerfile', SEED);
      const published = await client.nextPublished('file:///refused/Dockerfile');
      assert.ok(published.diagnostics.length > 0);
    } finally {
      assert.equal(await client.stop(), 0);
    }
  });

  it('publishes with the pushed settings when the client never answers workspace/configuration', async () => {
    const { client } = await LspTestClient.start({
      pullDiagnostics: false,
      neverAnswerConfiguration: true,
      initializationOptions: { settings: { rules: { 'install-recommends': 'off' } } },
    });
    try {
      await client.open('file:///silent-config/Dockerfile', SEED);
      const published = await client.nextPublished('file:///silent-config/Dockerfile', () => true, 15_000);
      assert.ok(published.diagnostics.length > 0);
      assert.ok(!published.diagnostics.some((d) => d.code === 'install-recommends'), 'the initialization options apply');
      assert.ok(client.logs.some((log) => /did not answer workspace\/configuration/.test(log.message)));
    } finally {
      assert.equal(await client.stop(), 0);
    }
  });

  it('answers malformed requests and notifications without dying, and keeps serving', async () => {
    const { client } = await LspTestClient.start({ pullDiagnostics: true });
    try {
      const uri = 'file:///malformed/Dockerfile';
      await client.open(uri, SEED);
      const connection = client.connection;
      await connection.sendNotification('textDocument/didOpen', { textDocument: { uri: 'file:///malformed/number', languageId: 'dockerfile', version: 1, text: 42 } });
      await connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: { line: 999, character: 0 }, end: { line: 999, character: 5 } }, text: 'RUN x' }] });
      await connection.sendNotification('workspace/didChangeConfiguration', { settings: { multistage: { rules: 'not an object', target: 42, extraBuildTools: 'gcc' } } });
      for (const [method, params] of [
        ['textDocument/codeAction', { textDocument: { uri } }],
        ['textDocument/hover', { textDocument: { uri } }],
        ['textDocument/diagnostic', { textDocument: { uri: 'file:///malformed/number' } }],
        ['multistage/rewrite', null],
        ['textDocument/codeAction', { textDocument: { uri }, range: null, context: { diagnostics: [{ source: 'multistage', code: 'build-tools-in-runtime', range: null, message: 1 }] } }],
      ] as const) {
        // An answer, error or not, within the test's bound: never a hang.
        await connection.sendRequest(method, params).then(
          () => undefined,
          () => undefined,
        );
      }
      const report = (await client.pull(uri)) as FullDocumentDiagnosticReport;
      assert.equal(report.kind, 'full');
      assert.ok(report.items.some((d) => d.code === 'build-tools-in-runtime'), 'the text edited past its end is still served');
      assert.equal(client.process?.exitCode, null, 'still running');
    } finally {
      assert.equal(await client.stop(), 0);
    }
  });
});
