// A remote Engine over ssh://, as `DOCKER_HOST=ssh://user@host` reaches one: a real SSH connection
// (an ssh2 server on loopback that only accepts the test's key, offered by a real ssh-agent) on
// which the client runs `docker system dial-stdio`, served by the real docker CLI beside the Engine.
// Only the SSH daemon is a stand-in (sshd needs root's host configuration); the protocol, the key
// exchange, the agent, known_hosts (written and hashed by OpenSSH's ssh-keygen) and dial-stdio are
// the real ones.
import { strict as assert } from 'node:assert';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, utils, type Connection } from 'ssh2';
import type { ComparisonReport } from '../../server/src/engine/report';
import { BASE_IMAGE, engineOrSkip } from '../helpers/docker';
import { runCli } from './measure-helpers';

const APPS = join(__dirname, '../fixtures/apps');

function toolsMissing(): string | undefined {
  for (const tool of ['docker', 'ssh-agent', 'ssh-add', 'ssh-keygen']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is not on PATH`;
  }
  return undefined;
}

describe('a remote Engine over ssh:// (a real SSH connection running docker system dial-stdio)', function () {
  this.timeout(20 * 60_000);
  let server: Server | undefined;
  let agent: { pid: string; socket: string } | undefined;
  let env: NodeJS.ProcessEnv;
  let port: number;
  let hostPublicKey: string;
  let home: string;
  const execs: string[] = [];

  /** A HOME whose ~/.ssh/known_hosts holds these lines (none: no file). */
  function homeWithKnownHosts(lines: readonly string[], hash = false): string {
    const folder = mkdtempSync(join(home, 'home-'));
    mkdirSync(join(folder, '.ssh'));
    if (lines.length > 0) writeFileSync(join(folder, '.ssh/known_hosts'), `${lines.join('\n')}\n`);
    if (hash) execFileSync('ssh-keygen', ['-q', '-H', '-f', join(folder, '.ssh/known_hosts')], { stdio: 'ignore' });
    return folder;
  }

  before(async function () {
    await engineOrSkip(this);
    const missing = toolsMissing();
    if (missing) {
      if (process.env.CI === 'true') throw new Error(`CI needs the docker CLI and OpenSSH's client tools: ${missing}`);
      console.log(`      SKIPPED: ${missing}`);
      this.skip();
    }
    home = mkdtempSync(join(tmpdir(), 'multistage-ssh-'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(home, 'id_ed25519')]);
    const socket = join(home, 'agent.sock');
    const started = execFileSync('ssh-agent', ['-s', '-a', socket], { encoding: 'utf8' });
    agent = { pid: /SSH_AGENT_PID=(\d+)/.exec(started)![1]!, socket };
    execFileSync('ssh-add', ['-q', join(home, 'id_ed25519')], { env: { ...process.env, SSH_AUTH_SOCK: socket } });

    const allowed = utils.parseKey(readFileSync(join(home, 'id_ed25519.pub')));
    if (allowed instanceof Error) throw allowed;
    const hostKey = utils.generateKeyPairSync('ed25519');
    hostPublicKey = hostKey.public.trim();
    server = new Server({ hostKeys: [hostKey.private] }, (client: Connection) => {
      client.on('authentication', (context) => {
        const matches = context.method === 'publickey' && context.key.algo === allowed.type && context.key.data.equals(allowed.getPublicSSH());
        if (!matches || context.username !== 'builder') return context.reject(['publickey']);
        if (context.signature && allowed.verify(context.blob!, context.signature, context.hashAlgo) !== true) return context.reject(['publickey']);
        context.accept();
      });
      client.on('ready', () => {
        client.on('session', (acceptSession) => {
          const session = acceptSession();
          session.on('exec', (acceptExec, rejectExec, info) => {
            execs.push(info.command);
            if (info.command !== 'docker system dial-stdio') return rejectExec();
            const stream = acceptExec();
            // The docker CLI on the "remote" machine speaks to its local Engine.
            const dial = spawn('docker', ['system', 'dial-stdio'], { env: { ...process.env, DOCKER_HOST: '' }, stdio: ['pipe', 'pipe', 'pipe'] });
            stream.pipe(dial.stdin);
            dial.stdout.pipe(stream);
            dial.stderr.pipe(stream.stderr);
            stream.on('close', () => dial.kill());
            dial.on('close', (code) => {
              stream.exit(code ?? 1);
              stream.end();
            });
          });
        });
      });
      client.on('error', () => undefined); // a connection the client drops at the end of a request
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    const knownHost = homeWithKnownHosts([`[127.0.0.1]:${port} ${hostPublicKey}`]);
    env = { ...process.env, HOME: knownHost, XDG_CACHE_HOME: join(knownHost, '.cache'), DOCKER_HOST: `ssh://builder@127.0.0.1:${port}`, SSH_AUTH_SOCK: socket };
  });

  after(() => {
    server?.close();
    if (agent) spawnSync('ssh-agent', ['-k'], { env: { ...process.env, SSH_AGENT_PID: agent.pid, SSH_AUTH_SOCK: agent.socket } });
  });

  it('inspect reads the same figures as over the local socket', async () => {
    const [local, remote] = await Promise.all([runCli(['inspect', '--no-cache', '--format', 'json', BASE_IMAGE]), runCli(['inspect', '--no-cache', '--format', 'json', BASE_IMAGE], env)]);
    assert.equal(local.status, 0, local.stderr);
    assert.equal(remote.status, 0, remote.stderr);
    const figures = (text: string) => JSON.parse(text, (key: string, value: unknown) => (key === 'engine' || key === 'createdAt' ? undefined : value)) as unknown;
    assert.deepStrictEqual(figures(remote.stdout), figures(local.stdout));
    assert.match((JSON.parse(remote.stdout) as { engine: string }).engine, /^ssh:\/\/builder@127\.0\.0\.1:\d+$/);
    assert.ok(execs.length > 0 && execs.every((command) => command === 'docker system dial-stdio'), `the client ran ${execs.join(', ')}`);
  });

  it('refuses a host whose key known_hosts does not list, or lists otherwise, before any Engine call (exit 2, saying how to accept it)', async () => {
    const otherKey = utils.generateKeyPairSync('ed25519').public.trim();
    for (const lines of [[], [`[127.0.0.1]:${port} ${otherKey}`], [`127.0.0.1 ${hostPublicKey}`]]) {
      const before = execs.length;
      const result = await runCli(['inspect', '--format', 'json', BASE_IMAGE], { ...env, HOME: homeWithKnownHosts(lines) });
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, /SSH host key of \[127\.0\.0\.1\]:\d+ is not in .*known_hosts.*`ssh builder@127\.0\.0\.1 -p \d+`/);
      assert.equal(execs.length, before, 'nothing ran on the host');
    }
  });

  it('accepts the host through a hashed known_hosts entry (ssh-keygen -H), and a revoked key never', async () => {
    const hashed = await runCli(['inspect', '--format', 'json', BASE_IMAGE], { ...env, HOME: homeWithKnownHosts([`[127.0.0.1]:${port} ${hostPublicKey}`], true) });
    assert.equal(hashed.status, 0, hashed.stderr);
    const revoked = await runCli(['inspect', '--format', 'json', BASE_IMAGE], { ...env, HOME: homeWithKnownHosts([`[127.0.0.1]:${port} ${hostPublicKey}`, `@revoked * ${hostPublicKey}`]) });
    assert.equal(revoked.status, 2, revoked.stderr);
  });

  it('compare builds both files through the connection and reports what the local Engine reports', async () => {
    const dockerfile = join(APPS, 'c-make/Dockerfile');
    const [local, remote] = [await runCli(['compare', '--format', 'json', dockerfile]), await runCli(['compare', '--format', 'json', dockerfile], env)];
    assert.equal(local.status, 0, local.stderr);
    assert.equal(remote.status, 0, remote.stderr);
    const [a, b] = [JSON.parse(local.stdout) as ComparisonReport, JSON.parse(remote.stdout) as ComparisonReport];
    for (const variant of ['original', 'rewritten'] as const) {
      assert.equal(b[variant].sizeBytes, a[variant].sizeBytes, variant);
      assert.deepStrictEqual(b[variant].layers.map((layer) => [layer.createdBy, layer.sizeBytes]), a[variant].layers.map((layer) => [layer.createdBy, layer.sizeBytes]), variant);
    }
    assert.deepStrictEqual(b.packageDifference, a.packageDifference);
  });
});
