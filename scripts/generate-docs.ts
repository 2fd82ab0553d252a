// `npm run docs`: writes docs/rules/*.md and the README's rule table from the rules' metadata.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULE_DOCS } from '../server/src/core';
import { renderRulePage, withRuleTable } from './rule-docs';

const root = join(__dirname, '..');
mkdirSync(join(root, 'docs/rules'), { recursive: true });
for (const rule of RULE_DOCS) writeFileSync(join(root, 'docs/rules', `${rule.id}.md`), renderRulePage(rule));
const readme = join(root, 'README.md');
writeFileSync(readme, withRuleTable(readFileSync(readme, 'utf8')));
console.log(`wrote ${RULE_DOCS.length} rule pages and the README table`);
