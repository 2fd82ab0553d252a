import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../server/src/core';
import { compact } from '../helpers/findings';

const SEED_DOCUMENT = join(__dirname, '../../../shared/seed/why-multi-stage-builds.md');
const SEED_DOCKERFILE = join(__dirname, '../fixtures/seed/Dockerfile');

describe("the seed document's single-stage example", () => {
  const text = readFileSync(SEED_DOCKERFILE, 'utf8');

  it('is the first dockerfile block of the seed document, verbatim', function () {
    if (!existsSync(SEED_DOCUMENT)) {
      console.log(`    (the seed document is not at ${SEED_DOCUMENT}; comparing with the checked-in copy only)`);
      this.skip();
    }
    const markdown = readFileSync(SEED_DOCUMENT, 'utf8');
    const block = /```dockerfile\n([\s\S]*?)```/.exec(markdown)?.[1];
    assert.equal(text, block);
  });

  it('reports gcc, g++, make and build-essential as build tools, and nothing on libgomp1 or curl', () => {
    const findings = compact(text, analyze(text));
    const buildTools = findings.filter((f) => f.rule === 'build-tools-in-runtime').map((f) => f.subject);
    assert.deepStrictEqual(buildTools, ['build-essential', 'gcc', 'g++', 'make']);
    const onRuntimeLibraries = findings.filter((f) => f.subject === 'libgomp1' || f.subject === 'curl' || f.text === 'libgomp1' || f.text === 'curl');
    assert.deepStrictEqual(onRuntimeLibraries, []);
  });
});
