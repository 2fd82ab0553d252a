import { strict as assert } from 'node:assert';
import { analyze, RULE_METADATA } from '../../../server/src/core';
import { dockerfile, findingsOf } from '../../helpers/findings';

describe('suppression comments and settings', () => {
  const text = dockerfile('FROM debian:bookworm-slim', '# multistage-ignore=install-recommends, package-cache-left', 'RUN apt-get update && apt-get install -y gcc');

  it('suppresses the listed rules on the next instruction only', () => {
    assert.deepStrictEqual(analyze(text).map((f) => f.ruleId), ['build-tools-in-runtime']);
  });

  it('turns a rule off and changes severities', () => {
    const findings = analyze(text, { severities: { 'build-tools-in-runtime': 'error' } });
    assert.deepStrictEqual(findings.map((f) => [f.ruleId, f.severity]), [['build-tools-in-runtime', 'error']]);
    assert.deepStrictEqual(analyze(text, { severities: { 'build-tools-in-runtime': 'off' } }), []);
  });

  it('reports an unknown target and judges the final stage', () => {
    const twoStages = dockerfile('FROM debian:bookworm-slim AS build', 'FROM debian:bookworm-slim AS app', 'RUN apt-get install -y --no-install-recommends gcc');
    assert.deepStrictEqual(findingsOf('unknown-target', twoStages, { target: 'prod' }).map((f) => f.line), [2]);
    assert.deepStrictEqual(findingsOf('build-tools-in-runtime', twoStages, { target: 'prod' }).map((f) => f.subject), ['gcc']);
  });

  it('points every runtime finding at the runtime stage FROM and its rule page', () => {
    const [finding] = analyze(dockerfile('FROM debian:bookworm-slim AS build', 'FROM debian:bookworm-slim', 'RUN apt-get install -y --no-install-recommends make'));
    assert.equal(finding?.related.at(-1)?.range.start.line, 1);
    assert.equal(finding?.docsUrl, RULE_METADATA.find((rule) => rule.id === 'build-tools-in-runtime')?.docsUrl);
  });

  it('reports a RUN the shell parser cannot read instead of guessing', () => {
    const findings = findingsOf('shell-parse-error', dockerfile('FROM debian:bookworm-slim', 'RUN apt-get install -y "gcc'));
    assert.equal(findings.length, 1);
  });
});
