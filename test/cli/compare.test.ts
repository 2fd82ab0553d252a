import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = join(__dirname, '../../server/out/cli.js');
const FIXTURE = join(__dirname, '../fixtures/apps/c-make/Dockerfile');
const NO_ENGINE = { ...process.env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' };

/** The CLI as a child process, without blocking this one (a stand-in server may run here). */
function compare(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'compare', ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('dockerfile-multistage compare without a reachable Engine', () => {
  it('says which endpoint it tried and how to fix it, exits 2, and does not hang', () => {
    const started = Date.now();
    const result = spawnSync(process.execPath, [CLI, 'compare', FIXTURE], { encoding: 'utf8', timeout: 30_000, env: NO_ENGINE });
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

  it('a --context that does not exist, or is a file, is named as such (exit 2), before any Engine is asked', () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'multistage-context-')), 'nonexistent');
    const absent = spawnSync(process.execPath, [CLI, 'compare', '--context', missing, FIXTURE], { encoding: 'utf8', env: NO_ENGINE });
    assert.equal(absent.status, 2);
    assert.equal(absent.stderr, `dockerfile-multistage: The build context ${missing} does not exist.\n`);
    const file = spawnSync(process.execPath, [CLI, 'compare', '--context', FIXTURE, FIXTURE], { encoding: 'utf8', env: NO_ENGINE });
    assert.equal(file.status, 2);
    assert.equal(file.stderr, `dockerfile-multistage: The build context ${FIXTURE} is a file: the context must be a directory.\n`);
  });

  it('a Dockerfile in the context that links out of it is refused (exit 2), its target never read', () => {
    const parent = mkdtempSync(join(tmpdir(), 'multistage-linked-dockerfile-'));
    writeFileSync(join(parent, 'secret'), 'FROM debian:bookworm-slim\nRUN apt-get install -y gcc\nLABEL token=supersecret\nCMD ["x"]\n');
    mkdirSync(join(parent, 'context'));
    symlinkSync('../secret', join(parent, 'context/Dockerfile'));
    const result = spawnSync(process.execPath, [CLI, 'compare', join(parent, 'context/Dockerfile')], { encoding: 'utf8', env: NO_ENGINE });
    assert.equal(result.status, 2);
    assert.equal(
      result.stderr,
      `dockerfile-multistage: ${join(parent, 'context/Dockerfile')} is a symbolic link to ${join(parent, 'secret')}, outside the build context ${join(parent, 'context')}; compare reads nothing outside the context. Compare the file itself, or copy it into the context.\n`,
    );
  });

  it('a DOCKER_HOST that is not an address is named, with the forms it can take (exit 2)', async () => {
    for (const host of ['nonsense', 'tcp://host:notaport', 'ssh://', 'fd://']) {
      const result = await compare([FIXTURE], { ...process.env, DOCKER_HOST: host });
      assert.equal(result.status, 2, host);
      assert.match(result.stderr, new RegExp(`^dockerfile-multistage: DOCKER_HOST is "${host.replace(/[/.]/g, '\\$&')}", which .*\\. Use unix:///path/to/docker\\.sock, tcp://HOST:PORT .*, ssh://\\[USER@\\]HOST\\[:PORT\\] or npipe:`), host);
      assert.doesNotMatch(result.stderr, /Invalid URL/);
    }
  });

  it('an address that answers, but not as a Docker Engine, exits 2 (not the build-failed 1) and says so', async () => {
    const socket = join(mkdtempSync(join(tmpdir(), 'multistage-not-docker-')), 'http.sock');
    const server = createServer((_request, response) => {
      response.writeHead(404, { 'Content-Type': 'text/plain' });
      response.end('404 page not found\n');
    });
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      const result = await compare([FIXTURE], { ...process.env, DOCKER_HOST: `unix://${socket}` });
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, new RegExp(`^dockerfile-multistage: unix://${socket} \\(from DOCKER_HOST\\) answers, but not as a Docker Engine \\(.*404.*\\)\\. Point DOCKER_HOST`));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
