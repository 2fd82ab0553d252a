import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = join(__dirname, '../../server/out/cli.js');
const GOLDEN = join(__dirname, '../fixtures/rewrite');

function cli(...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
}

describe('dockerfile-multistage fix (the built CLI)', () => {
  it('prints the rewrite on stdout by default and exits 0', () => {
    const result = cli('fix', join(GOLDEN, 'seed/input.Dockerfile'));
    assert.equal(result.status, 0);
    assert.equal(result.stdout, readFileSync(join(GOLDEN, 'seed/expected.Dockerfile'), 'utf8'));
    assert.match(result.stderr, /builder stage "builder", runtime on python:3\.10-slim; moved build-essential, gcc, g\+\+, make/);
    assert.equal(cli('fix', '--stdout', join(GOLDEN, 'seed/input.Dockerfile')).stdout, result.stdout);
  });

  it('--write replaces the file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'multistage-fix-')), 'Dockerfile');
    copyFileSync(join(GOLDEN, 'node-build/input.Dockerfile'), file);
    const result = cli('fix', '--write', file);
    assert.equal(result.status, 0);
    assert.equal(result.stdout, '');
    assert.equal(readFileSync(file, 'utf8'), readFileSync(join(GOLDEN, 'node-build/expected.Dockerfile'), 'utf8'));
  });

  it('exits 3 with a one-line reason when the file should not or cannot be rewritten', () => {
    for (const name of ['declined-ci-image', 'declined-cargo-run', 'declined-php', 'declined-clean']) {
      const file = join(GOLDEN, name, 'input.Dockerfile');
      const result = cli('fix', file);
      const [, reason] = readFileSync(join(GOLDEN, name, 'expected-refusal.txt'), 'utf8').split('\n');
      assert.equal(result.status, 3, name);
      assert.equal(result.stdout, '');
      assert.equal(result.stderr, `dockerfile-multistage: ${file}: not rewritten: ${reason}.\n`);
    }
  });

  it('exits 2 for usage errors', () => {
    for (const args of [['fix'], ['fix', '--stdout', '--write', 'x'], ['fix', 'a', 'b'], ['fix', '--write', '-']]) assert.equal(cli(...args).status, 2, args.join(' '));
  });
});
