import { strict as assert } from 'node:assert';
import { dockerfile, findingsOf } from '../../helpers/findings';

const RULE = 'package-cache-left';

describe(RULE, () => {
  const positives: ReadonlyArray<[run: string, text: string]> = [
    ['apt-get update && apt-get install -y --no-install-recommends curl', 'apt-get update'],
    ['apt-get update && apt-get install -y --no-install-recommends curl && apt-get clean', 'apt-get update'],
    ['apk add --update curl', 'apk add'],
    ['dnf install -y curl', 'dnf install'],
    ['zypper -n install curl', 'zypper -n install'],
    ['pip install flask', 'pip install'],
    ['python3 -m pip install -r requirements.txt', 'python3 -m pip install'],
  ];
  for (const [run, text] of positives) {
    it(`flags RUN ${run}`, () => {
      const findings = findingsOf(RULE, dockerfile('FROM debian:bookworm-slim', `RUN ${run}`));
      assert.deepStrictEqual(findings.map((f) => f.text), [text]);
    });
  }

  const negatives = [
    'apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*',
    'apk add --no-cache curl',
    'apk add --update curl && rm -rf /var/cache/apk/*',
    'dnf install -y curl && dnf clean all',
    'microdnf install -y curl && microdnf clean all',
    'zypper -n install curl && zypper clean --all',
    'pip install --no-cache-dir flask',
    'pip install flask && rm -rf /root/.cache',
  ];
  for (const run of negatives) {
    it(`does not flag RUN ${run}`, () => assert.deepStrictEqual(findingsOf(RULE, dockerfile('FROM debian:bookworm-slim', `RUN ${run}`)), []));
  }

  it('does not flag pip when PIP_NO_CACHE_DIR is set', () => {
    assert.deepStrictEqual(findingsOf(RULE, dockerfile('FROM python:3.12-slim', 'ENV PIP_NO_CACHE_DIR=1', 'RUN pip install flask')), []);
  });

  it('ignores builder stages', () => {
    assert.deepStrictEqual(findingsOf(RULE, dockerfile('FROM debian:bookworm-slim AS b', 'RUN apt-get update', 'FROM debian:bookworm-slim')), []);
  });
});
