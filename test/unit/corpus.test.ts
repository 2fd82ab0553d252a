import { strict as assert } from 'node:assert';
import { evaluateCorpus, type CorpusMetrics } from '../corpus/evaluate';

// The targets of the real-world rewrite, measured on the labelled corpus of real Dockerfiles
// (test/corpus, `npm run eval:corpus` prints the details). The judges in evaluate.ts are
// independent of the core's own knowledge.
describe('the corpus of real Dockerfiles', function () {
  this.timeout(120_000);
  let metrics: CorpusMetrics;

  before(() => {
    metrics = evaluateCorpus();
  });

  it('holds at least 120 labelled files', () => {
    assert.ok(metrics.files >= 120, `${metrics.files} files`);
  });

  it('detects build tools in the runtime image with precision and recall of at least 0.97', () => {
    const wrong = metrics.results.filter((result) => result.flagged !== result.record.label.flagged).map((result) => result.id);
    assert.ok(metrics.precision >= 0.97, `precision ${metrics.precision.toFixed(3)}; disagreeing: ${wrong.join(', ')}`);
    assert.ok(metrics.recall >= 0.97, `recall ${metrics.recall.toFixed(3)}; disagreeing: ${wrong.join(', ')}`);
  });

  it('names at least 95% of the labelled build tools', () => {
    const share = metrics.toolsNamed / metrics.toolsExpected;
    const missed = metrics.results.filter((result) => result.missed.length > 0).map((result) => `${result.id}: ${result.missed.join(', ')}`);
    assert.ok(share >= 0.95, `${(share * 100).toFixed(1)}% named; missed: ${missed.join('; ')}`);
  });

  it('rewrites at least 90% of the rewrite-appropriate files validly', () => {
    const share = metrics.validRewrites / metrics.rewriteAppropriate;
    const invalid = metrics.results.filter((result) => result.problems.length > 0).map((result) => `${result.id}: ${result.problems.join('; ')}`);
    assert.ok(share >= 0.9, `${metrics.validRewrites}/${metrics.rewriteAppropriate}: ${invalid.join(' | ')}`);
  });

  it('refuses only where the label says so, and every file the label refuses', () => {
    assert.deepStrictEqual(metrics.wrongRefusals, []);
  });
});
