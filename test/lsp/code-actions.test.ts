import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction, FullDocumentDiagnosticReport, TextDocumentEdit } from 'vscode-languageserver-protocol/node';
import { applyEdits } from '../../server/src/core';
import { LspTestClient } from '../helpers/lsp-client';

const GOLDEN = join(__dirname, '../fixtures/rewrite');
const read = (name: string, file: string) => readFileSync(join(GOLDEN, name, file), 'utf8');

/** The text after applying an action's edit, checking the edit is pinned to the version. */
function applied(text: string, action: CodeAction, uri: string, version: number): string {
  const changes = action.edit?.documentChanges as TextDocumentEdit[] | undefined;
  assert.ok(changes && changes.length === 1, 'one versioned document edit');
  assert.deepStrictEqual(changes[0]!.textDocument, { uri, version });
  return applyEdits(text, changes[0]!.edits as Array<{ range: never; newText: string }>);
}

describe('language server code actions', () => {
  let client: LspTestClient;
  before(async () => {
    client = (await LspTestClient.start({ pullDiagnostics: true })).client;
  });
  after(async () => {
    await client.stop();
  });

  for (const name of ['seed', 'multistage-dirty-final', 'arg-from', 'escape-directive']) {
    it(`${name}: the split quick-fix's edit gives the golden multi-stage file`, async () => {
      const uri = `file:///golden/${name}/Dockerfile`;
      const text = read(name, 'input.Dockerfile');
      await client.open(uri, text, 7);
      const report = (await client.pull(uri)) as FullDocumentDiagnosticReport;
      const flagged = report.items.filter((d) => d.code === 'build-tools-in-runtime' || d.code === 'toolchain-base-image');
      assert.ok(flagged.length > 0);
      const actions = await client.codeActions(uri, flagged[0]!.range, [flagged[0]!]);
      const split = actions.find((action) => action.title === 'Split into builder and runtime stages');
      assert.ok(split, `actions: ${actions.map((a) => a.title).join(', ')}`);
      assert.equal(split.kind, 'quickfix');
      assert.equal(split.isPreferred, true);
      assert.equal(applied(text, split, uri, 7), read(name, 'expected.Dockerfile'));
    });
  }

  it('offers "Convert to multi-stage build" as a refactoring anywhere in a single-stage file', async () => {
    const uri = 'file:///golden/node/Dockerfile';
    const text = read('node-build', 'input.Dockerfile');
    await client.open(uri, text, 3);
    const actions = await client.codeActions(uri, { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, [], ['refactor']);
    const convert = actions.find((action) => action.title === 'Convert to multi-stage build');
    assert.equal(convert?.kind, 'refactor.rewrite');
    assert.equal(applied(text, convert!, uri, 3), read('node-build', 'expected.Dockerfile'));
  });

  it('shows the refactoring disabled, with the reason, where the file must not be rewritten', async () => {
    const uri = 'file:///golden/ci/Dockerfile';
    await client.open(uri, read('declined-ci-image', 'input.Dockerfile'), 1);
    const actions = await client.codeActions(uri, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, [], ['refactor.rewrite']);
    assert.deepStrictEqual(
      actions.map((a) => [a.title, a.disabled?.reason, a.edit]),
      [['Convert to multi-stage build', 'Not rewritten: it has no CMD or ENTRYPOINT and copies no application into the image, so it looks like a base or build image whose tools are its purpose', undefined]],
    );
  });

  it('turns the small fixes a diagnostic carries into versioned edits', async () => {
    const uri = 'file:///small/Dockerfile';
    const text = 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y curl\n';
    await client.open(uri, text, 4);
    const report = (await client.pull(uri)) as FullDocumentDiagnosticReport;
    // Every edit is computed against version 4: collect them all, then apply them together.
    const titles: string[] = [];
    const edits: Array<{ range: never; newText: string }> = [];
    for (const diagnostic of report.items) {
      for (const action of await client.codeActions(uri, diagnostic.range, [diagnostic], ['quickfix'])) {
        titles.push(action.title);
        const [change] = action.edit!.documentChanges as TextDocumentEdit[];
        assert.deepStrictEqual(change!.textDocument, { uri, version: 4 });
        edits.push(...(change!.edits as Array<{ range: never; newText: string }>));
      }
    }
    const result = applyEdits(text, edits);
    assert.deepStrictEqual(titles.sort(), ['Add --no-install-recommends', 'Add rm -rf /var/lib/apt/lists/* to the same RUN']);
    assert.equal(result, 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install --no-install-recommends -y curl \\\n && rm -rf /var/lib/apt/lists/*\n');
  });

  it('answers the multistage/rewrite request the Compare command uses', async () => {
    const uri = 'file:///golden/seed2/Dockerfile';
    await client.open(uri, read('seed', 'input.Dockerfile'), 9);
    const result = await client.request<{ ok: boolean; text: string; version: number }>('multistage/rewrite', { uri });
    assert.deepStrictEqual({ ok: result.ok, version: result.version, text: result.text }, { ok: true, version: 9, text: read('seed', 'expected.Dockerfile') });
    const missing = await client.request<{ ok: boolean; reason: string }>('multistage/rewrite', { uri: 'file:///not/open' });
    assert.deepStrictEqual(missing, { ok: false, reason: 'the document is not open in the editor' });
  });

  it('reads the build context beside the Dockerfile: Cargo.toml names the binary `cargo run` builds', async () => {
    const folder = join(GOLDEN, 'cargo-run-manifest');
    const contextUri = pathToFileURL(join(folder, 'context', 'Dockerfile')).href;
    const text = read('cargo-run-manifest', 'input.Dockerfile');
    await client.open(contextUri, text, 3);
    const result = await client.request<{ ok: boolean; text: string }>('multistage/rewrite', { uri: contextUri });
    assert.deepStrictEqual({ ok: result.ok, text: result.text }, { ok: true, text: read('cargo-run-manifest', 'expected.Dockerfile') });
    // The same text with no Cargo.toml beside it cannot name the binary.
    const elsewhere = 'file:///nowhere/Dockerfile';
    await client.open(elsewhere, text, 1);
    const refused = await client.request<{ ok: boolean; reason: string }>('multistage/rewrite', { uri: elsewhere });
    assert.match(refused.reason, /no Cargo\.toml in the build context names the binary/);
  });
});
