import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULE_DOCS, analyze } from '../../server/src/core';
import { renderRulePage, withRuleTable } from '../../scripts/rule-docs';

const root = join(__dirname, '../..');

describe('rule documentation', () => {
  for (const rule of RULE_DOCS) {
    it(`docs/rules/${rule.id}.md is generated from the rule (run npm run docs if this fails)`, () => {
      assert.equal(readFileSync(join(root, 'docs/rules', `${rule.id}.md`), 'utf8'), renderRulePage(rule));
      assert.ok(rule.docsUrl.endsWith(`/docs/rules/${rule.id}.md`));
    });

    it(`${rule.id}: the documented example is flagged and its fix is not`, () => {
      const options = rule.id === 'unknown-target' ? { target: 'prod' } : {};
      assert.ok(analyze(rule.example.flagged, options).some((f) => f.ruleId === rule.id), 'flagged example');
      if (rule.id !== 'unknown-target') assert.ok(!analyze(rule.example.fixed).some((f) => f.ruleId === rule.id), 'fixed example');
    });
  }

  it("the README's rule table is generated from the rules", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    assert.equal(readme, withRuleTable(readme));
  });
});
