import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '../..');

describe('the package', () => {
  it('exports the analysis core as dockerfile-multistage/core, usable without an editor', () => {
    // A separate plain Node process, as a library user would run it; the bundle must be built.
    const script = `
      const { initialize, analyze } = require('dockerfile-multistage/core');
      initialize().then(() => {
        const findings = analyze('FROM debian:bookworm-slim\\nRUN apt-get install -y --no-install-recommends gcc\\n');
        console.log(JSON.stringify(findings.map((f) => [f.ruleId, f.subject])));
      });`;
    const result = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' });
    assert.equal(result.stderr, '');
    assert.deepStrictEqual(JSON.parse(result.stdout), [['build-tools-in-runtime', 'gcc']]);
  });
});
