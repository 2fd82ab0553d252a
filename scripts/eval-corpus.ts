// `npm run eval:corpus`: the analysis and the rewrite measured against the labelled corpus of real
// Dockerfiles (test/corpus). Prints the figures and every file that falls short; asserts nothing
// (test/unit/corpus.test.ts holds the figures at their targets).
import { evaluateCorpus, type FileResult } from '../test/corpus/evaluate';
import { initialize } from '../server/src/core';

const verbose = process.argv.includes('--verbose');

void (async () => {
  await initialize();
  const metrics = evaluateCorpus();
  const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
  console.log(`Corpus: ${metrics.files} real Dockerfiles (test/corpus/manifest.json)\n`);
  console.log('| measure | value | target |');
  console.log('|---|---:|---:|');
  console.log(`| detection precision (files flagged that should be) | ${metrics.precision.toFixed(3)} | 0.97 |`);
  console.log(`| detection recall (files that should be flagged, flagged) | ${metrics.recall.toFixed(3)} | 0.97 |`);
  console.log(`| labelled build tools named | ${metrics.toolsNamed}/${metrics.toolsExpected} (${percent(metrics.toolsNamed / metrics.toolsExpected)}) | 95% |`);
  console.log(`| rewrite-appropriate files rewritten validly | ${metrics.validRewrites}/${metrics.rewriteAppropriate} (${percent(metrics.validRewrites / metrics.rewriteAppropriate)}) | 90% |`);
  console.log(`| refusals where the label does not say so | ${metrics.wrongRefusals.length} | 0 |`);
  const falseFlags = metrics.results.filter((result) => result.flagged !== result.record.label.flagged);
  if (falseFlags.length > 0) console.log(`\nDetection disagrees with the label:\n${falseFlags.map((result) => `- ${result.id}: ${result.flagged ? 'flagged, labelled clean' : 'not flagged, labelled flagged'}`).join('\n')}`);
  const missed = metrics.results.filter((result) => result.missed.length > 0);
  if (missed.length > 0) console.log(`\nBuild tools not named:\n${missed.map((result) => `- ${result.id}: ${result.missed.join(', ')}`).join('\n')}`);
  const invalid = metrics.results.filter((result) => result.problems.length > 0);
  if (invalid.length > 0) console.log(`\nRewrites that fall short:\n${invalid.map((result) => `- ${result.id}: ${result.problems.join('; ')}`).join('\n')}`);
  if (metrics.wrongRefusals.length > 0) console.log(`\nWrong refusals:\n${metrics.wrongRefusals.map((line) => `- ${line}`).join('\n')}`);
  console.log('\nCoverage by ecosystem and by package family (a file counts under each of its ecosystems):\n');
  console.log(coverageTable('ecosystem', (result) => result.record.ecosystems));
  console.log('');
  console.log(coverageTable('family', (result) => [result.record.family === 'none' ? 'no OS packages' : `${result.record.family} (${result.record.distribution})`]));
  if (verbose) for (const result of metrics.results) console.log(`\n## ${result.id}\n${result.rewrite.ok ? result.rewrite.text : `not rewritten (${result.rewrite.kind}): ${result.rewrite.reason}`}`);
})();

/** Files, files flagged as labelled, and valid rewrites of the rewrite-appropriate ones, per group. */
function coverageTable(name: string, groupsOf: (result: FileResult) => readonly string[]): string {
  const groups = new Map<string, FileResult[]>();
  for (const result of evaluateCorpus().results) for (const group of groupsOf(result)) groups.set(group, [...(groups.get(group) ?? []), result]);
  const rows = [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([group, results]) => {
    const detected = results.filter((result) => result.flagged === result.record.label.flagged).length;
    const appropriate = results.filter((result) => result.record.label.expected === 'rewrite');
    const valid = appropriate.filter((result) => result.problems.length === 0).length;
    return `| ${group} | ${results.length} | ${detected}/${results.length} | ${appropriate.length === 0 ? 'none' : `${valid}/${appropriate.length}`} |`;
  });
  return [`| ${name} | files | detected as labelled | valid rewrites |`, '|---|---:|---:|---:|', ...rows].join('\n');
}
