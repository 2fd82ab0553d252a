import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MessageType, type FullDocumentDiagnosticReport } from 'vscode-languageserver-protocol/node';
import { ALL_RULES, type Rule } from '../../server/src/core/rules';
import { LspTestClient } from '../helpers/lsp-client';

const SEED = readFileSync(join(__dirname, '../fixtures/seed/Dockerfile'), 'utf8');

type Check = Rule['check'];

/** Replaces the named rules' check with one that throws, for the duration of `body`. */
async function withThrowingRules(ids: readonly string[] | 'all', body: () => Promise<void>): Promise<void> {
  const originals = new Map<Rule, Check>();
  for (const rule of ALL_RULES) {
    if (ids !== 'all' && !ids.includes(rule.id)) continue;
    originals.set(rule, rule.check);
    (rule as { check: Check }).check = () => {
      throw new Error(`injected failure in ${rule.id}`);
    };
  }
  try {
    await body();
  } finally {
    for (const [rule, check] of originals) (rule as { check: Check }).check = check;
  }
}

describe('language server in-process over an LSP connection, with rules replaced by throwing ones', () => {
  it('logs every failing rule by name as an error and still answers every request', async () => {
    await withThrowingRules('all', async () => {
      const { client } = await LspTestClient.inProcess({ pullDiagnostics: true, expectRuleFailures: true });
      try {
        const uri = 'file:///rules-throw/Dockerfile';
        await client.open(uri, SEED);
        const report = (await client.pull(uri)) as FullDocumentDiagnosticReport;
        assert.equal(report.kind, 'full');
        assert.deepStrictEqual(report.items, []);
        assert.deepStrictEqual(client.ruleFailures().sort(), ALL_RULES.map((rule) => rule.id).sort());
        const logged = client.logs.find((log) => log.message.startsWith('Rule build-tools-in-runtime failed'));
        assert.equal(logged?.type, MessageType.Error);
        assert.match(logged!.message, /injected failure in build-tools-in-runtime/);

        assert.equal(await client.hover(uri, { line: 7, character: 5 }), null);
        // The rewrite runs the rules too: the refactoring says it failed, and the log names the rule.
        const actions = await client.codeActions(uri, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, [], ['refactor.rewrite']);
        assert.deepStrictEqual(
          actions.map((a) => [a.title, a.disabled?.reason]),
          [['Convert to multi-stage build', 'Not rewritten: the rewrite failed unexpectedly; the language server log has the details']],
        );
        const rewrite = await client.request<{ ok: boolean; reason: string }>('multistage/rewrite', { uri });
        assert.equal(rewrite.ok, false);
        // Logged under the failing rule's id (once per rule and error), never as a rule called "rewrite".
        assert.deepStrictEqual(client.ruleFailures().sort(), ALL_RULES.map((rule) => rule.id).sort());
      } finally {
        await client.stop();
      }
    });
  });

  it("serves the other rules' findings when one rule throws", async () => {
    await withThrowingRules(['install-recommends'], async () => {
      const { client } = await LspTestClient.inProcess({ pullDiagnostics: true, expectRuleFailures: true });
      try {
        const uri = 'file:///one-rule-throws/Dockerfile';
        await client.open(uri, SEED);
        const report = (await client.pull(uri)) as FullDocumentDiagnosticReport;
        const codes = new Set(report.items.map((d) => d.code));
        assert.ok(codes.has('build-tools-in-runtime'));
        assert.ok(!codes.has('install-recommends'));
        assert.deepStrictEqual(client.ruleFailures(), ['install-recommends']);
      } finally {
        await client.stop();
      }
    });
  });

  it('the test client fails the test during which the server logged a rule failure', async () => {
    await withThrowingRules(['late-removal'], async () => {
      const { client } = await LspTestClient.inProcess({ pullDiagnostics: true });
      try {
        const uri = 'file:///test-client-fails/Dockerfile';
        await client.open(uri, SEED);
        await assert.rejects(client.pull(uri), /the language server logged a rule failure:\nRule late-removal failed/);
      } finally {
        await client.stop();
      }
    });
  });
});
