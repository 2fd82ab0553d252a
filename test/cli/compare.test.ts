import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const CLI = join(__dirname, '../../server/out/cli.js');
const FIXTURE = join(__dirname, '../fixtures/apps/c-make/Dockerfile');

describe('dockerfile-multistage compare without a reachable Engine', () => {
  it('says which endpoint it tried and how to fix it, exits 2, and does not hang', () => {
    const started = Date.now();
    const result = spawnSync(process.execPath, [CLI, 'compare', FIXTURE], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
    assert.equal(result.status, 2, result.stderr);
    assert.ok(Date.now() - started < 20_000);
    assert.equal(
      result.stderr,
      'dockerfile-multistage: Could not reach the Docker Engine at unix:///nonexistent/docker.sock (from DOCKER_HOST). Is Docker running? Start it (for example `sudo systemctl start docker`), or point DOCKER_HOST or the multistage.docker.host setting at a running Engine.\n',
    );
  });

  it('exits 3 with the reason when the file has no rewrite to compare', () => {
    const clean = join(__dirname, '../fixtures/rewrite/declined-clean/input.Dockerfile');
    const result = spawnSync(process.execPath, [CLI, 'compare', clean], { encoding: 'utf8' });
    assert.equal(result.status, 3);
    assert.match(result.stderr, /nothing to compare, not rewritten: the runtime image has no build tools/);
  });

  it('exits 2 for usage errors', () => {
    for (const args of [['compare'], ['compare', '--format', 'sarif', FIXTURE], ['compare', '-']]) assert.equal(spawnSync(process.execPath, [CLI, ...args]).status, 2, args.join(' '));
  });
});
