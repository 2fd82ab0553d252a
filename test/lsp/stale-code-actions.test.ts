import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeAction, Diagnostic, TextDocumentEdit, TextEdit } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { applyEdits, initialize, rewrite } from '../../server/src/core';
import { LspTestClient } from '../helpers/lsp-client';

const SMALL = 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y curl\nCMD ["curl", "--version"]\n';
const SEED = readFileSync(join(__dirname, '../fixtures/seed/Dockerfile'), 'utf8');

/** The document as the client holds it: every change applied in order, as an editor applies them. */
class ClientDocument {
  private document: TextDocument;
  constructor(
    readonly uri: string,
    text: string,
  ) {
    this.document = TextDocument.create(uri, 'dockerfile', 1, text);
  }
  get text(): string {
    return this.document.getText();
  }
  get version(): number {
    return this.document.version;
  }
  /** Types `text` at a position: returns the change to send as version + 1. */
  insert(line: number, character: number, text: string) {
    const range = { start: { line, character }, end: { line, character } };
    this.document = TextDocument.update(this.document, [{ range, text }], this.version + 1);
    return { version: this.version, range, text };
  }
  /** Applies a code action's edit as an editor does: refused unless it names this version. */
  apply(action: CodeAction): string {
    const [change, ...others] = (action.edit?.documentChanges ?? []) as TextDocumentEdit[];
    assert.ok(change && others.length === 0, `${action.title}: one versioned document edit`);
    assert.equal(change.textDocument.version, this.version, `${action.title}: the edit is labelled with the version the client holds`);
    return applyEdits(this.text, change.edits as TextEdit[]);
  }
}

function byCode(diagnostics: readonly Diagnostic[], code: string): Diagnostic {
  const found = diagnostics.find((d) => d.code === code);
  assert.ok(found, `a ${code} diagnostic in ${diagnostics.map((d) => d.code).join(', ')}`);
  return found;
}

describe('language server over stdio: code actions asked with diagnostics from an older version', () => {
  let client: LspTestClient;
  before(async () => {
    await initialize();
    // Published diagnostics and incremental edits, as Neovim and eglot use the server.
    client = (await LspTestClient.start({ pullDiagnostics: false })).client;
  });
  after(async () => {
    assert.equal(await client.stop(), 0);
  });

  it('never applies a quick-fix computed for v1 to v2: " -q" typed after apt-get update, then "Add --no-install-recommends"', async () => {
    const doc = new ClientDocument('file:///stale/quick-fix/Dockerfile', SMALL);
    await client.open(doc.uri, doc.text, 1);
    const v1 = await client.nextPublished(doc.uri, (p) => p.version === 1);
    const stale = byCode(v1.diagnostics, 'install-recommends');
    // The Neovim 0.7 / eglot reproduction: the edit shifts the text under the v1 diagnostic's range.
    const change = doc.insert(1, 'RUN apt-get update'.length, ' -q');
    await client.edit(doc.uri, change.version, change.range, change.text);
    const actions = await client.codeActions(doc.uri, stale.range, [stale], ['quickfix']);
    for (const action of actions) {
      const result = doc.apply(action);
      assert.doesNotMatch(result, /inst --no-install-recommends/, `${action.title} corrupted the file:\n${result}`);
      assert.equal(result, 'FROM debian:bookworm-slim\nRUN apt-get update -q && apt-get install --no-install-recommends -y curl\nCMD ["curl", "--version"]\n');
    }
    // The diagnostics for v2 give the fix at once.
    const v2 = await client.nextPublished(doc.uri, (p) => p.version === 2);
    const fresh = byCode(v2.diagnostics, 'install-recommends');
    const [fix] = await client.codeActions(doc.uri, fresh.range, [fresh], ['quickfix']).then((all) => all.filter((a) => a.title === 'Add --no-install-recommends'));
    assert.ok(fix, 'the fix is offered for the current diagnostic');
    assert.equal(doc.apply(fix), 'FROM debian:bookworm-slim\nRUN apt-get update -q && apt-get install --no-install-recommends -y curl\nCMD ["curl", "--version"]\n');
  });

  it('computes the fix for the current version when an older diagnostic still points at the same text', async () => {
    const doc = new ClientDocument('file:///stale/later-line/Dockerfile', SMALL);
    await client.open(doc.uri, doc.text, 1);
    const v1 = await client.nextPublished(doc.uri, (p) => p.version === 1);
    const diagnostic = byCode(v1.diagnostics, 'install-recommends');
    // An edit after the diagnostic: its range still shows the same finding in v2.
    const change = doc.insert(2, 0, 'ENV DEBIAN_FRONTEND=noninteractive\n');
    await client.edit(doc.uri, change.version, change.range, change.text);
    const actions = await client.codeActions(doc.uri, diagnostic.range, [diagnostic], ['quickfix']);
    const fix = actions.find((a) => a.title === 'Add --no-install-recommends');
    assert.ok(fix, `actions: ${actions.map((a) => a.title).join(', ')}`);
    assert.equal(doc.apply(fix), 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install --no-install-recommends -y curl\nENV DEBIAN_FRONTEND=noninteractive\nCMD ["curl", "--version"]\n');
  });

  it('uses the current edits for a diagnostic the client moved with the edit (its data is from v1, as in VS Code)', async () => {
    const doc = new ClientDocument('file:///stale/moved/Dockerfile', SMALL);
    await client.open(doc.uri, doc.text, 1);
    const v1 = await client.nextPublished(doc.uri, (p) => p.version === 1);
    const diagnostic = byCode(v1.diagnostics, 'install-recommends');
    const change = doc.insert(1, 'RUN apt-get update'.length, ' -q');
    await client.edit(doc.uri, change.version, change.range, change.text);
    // VS Code moves a marker with the text it covers, and sends back its old data.
    const shift = (p: { line: number; character: number }) => ({ line: p.line, character: p.character + 3 });
    const moved = { ...diagnostic, range: { start: shift(diagnostic.range.start), end: shift(diagnostic.range.end) } };
    const fix = (await client.codeActions(doc.uri, moved.range, [moved], ['quickfix'])).find((a) => a.title === 'Add --no-install-recommends');
    assert.ok(fix);
    assert.equal(doc.apply(fix), 'FROM debian:bookworm-slim\nRUN apt-get update -q && apt-get install --no-install-recommends -y curl\nCMD ["curl", "--version"]\n');
  });

  it('matches a diagnostic without data (clients that do not send it back) by rule, range and message', async () => {
    const doc = new ClientDocument('file:///stale/no-data/Dockerfile', SMALL);
    await client.open(doc.uri, doc.text, 1);
    const v1 = await client.nextPublished(doc.uri, (p) => p.version === 1);
    const withoutData: Diagnostic = { ...byCode(v1.diagnostics, 'install-recommends'), data: undefined };
    const fix = (await client.codeActions(doc.uri, withoutData.range, [withoutData], ['quickfix'])).find((a) => a.title === 'Add --no-install-recommends');
    assert.ok(fix);
    assert.equal(doc.apply(fix), 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install --no-install-recommends -y curl\nCMD ["curl", "--version"]\n');
  });

  it('offers the split for a stale diagnostic only as the rewrite of the current version, and Convert likewise', async () => {
    const doc = new ClientDocument('file:///stale/split/Dockerfile', SEED);
    await client.open(doc.uri, doc.text, 1);
    const v1 = await client.nextPublished(doc.uri, (p) => p.version === 1);
    const gcc = v1.diagnostics.find((d) => d.code === 'build-tools-in-runtime' && (d.data as { subject?: string }).subject === 'gcc');
    assert.ok(gcc);
    // A comment typed above shifts every line: the v1 diagnostic no longer points at gcc.
    const change = doc.insert(2, 0, '# build\n');
    await client.edit(doc.uri, change.version, change.range, change.text);
    const expected = rewrite(doc.text);
    assert.ok(expected.ok);
    const actions = await client.codeActions(doc.uri, gcc.range, [gcc]);
    for (const action of actions) assert.equal(doc.apply(action), expected.text, `${action.title} is the rewrite of v2`);
    assert.ok(actions.some((a) => a.title === 'Convert to multi-stage build'), 'the refactoring is still offered for the file as it is now');
    assert.ok(!actions.some((a) => a.title === 'Split into builder and runtime stages'), 'no quick-fix for a diagnostic that no longer shows a finding');
  });
});
