import { strict as assert } from 'node:assert';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { knownHostsCheck } from '../../server/src/engine/known-hosts';

// Two made-up ed25519 keys in the SSH wire form (what ssh2 hands the verifier).
const KEY = Buffer.concat([Buffer.from('\0\0\0\x0bssh-ed25519\0\0\0\x20', 'latin1'), Buffer.alloc(32, 1)]);
const OTHER = Buffer.concat([Buffer.from('\0\0\0\x0bssh-ed25519\0\0\0\x20', 'latin1'), Buffer.alloc(32, 2)]);
const line = (hosts: string, key = KEY) => `${hosts} ssh-ed25519 ${key.toString('base64')}`;

function home(...lines: string[]): string {
  const folder = mkdtempSync(join(tmpdir(), 'multistage-known-hosts-'));
  mkdirSync(join(folder, '.ssh'));
  writeFileSync(join(folder, '.ssh/known_hosts'), `# a comment\n\n${lines.join('\n')}\n`);
  return folder;
}

function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

describe('SSH host keys are checked against known_hosts, as OpenSSH does', () => {
  it('accepts the key listed for the host, on port 22 by name and elsewhere as [host]:port', () => {
    assert.equal(knownHostsCheck('build-host', 22, home(line('build-host'))).verify(KEY), true);
    assert.equal(knownHostsCheck('build-host', 2222, home(line('[build-host]:2222'))).verify(KEY), true);
    assert.equal(knownHostsCheck('build-host', 2222, home(line('build-host'))).verify(KEY), false, 'a port-22 entry is not the one on 2222');
  });

  it('refuses another key, an unknown host and a missing file', () => {
    assert.equal(knownHostsCheck('build-host', 22, home(line('build-host'))).verify(OTHER), false);
    assert.equal(knownHostsCheck('other-host', 22, home(line('build-host'))).verify(KEY), false);
    assert.equal(knownHostsCheck('build-host', 22, mkdtempSync(join(tmpdir(), 'multistage-no-ssh-'))).verify(KEY), false);
  });

  it('reads lists, wildcards, negations and hashed names', () => {
    assert.equal(knownHostsCheck('b.example.com', 22, home(line('a.example.com,b.example.com'))).verify(KEY), true);
    assert.equal(knownHostsCheck('b.example.com', 22, home(line('*.example.com'))).verify(KEY), true);
    assert.equal(knownHostsCheck('b.example.com', 22, home(line('*.example.com,!b.example.com'))).verify(KEY), false);
    assert.equal(knownHostsCheck('10.0.0.7', 22, home(line('10.0.0.?'))).verify(KEY), true);
    assert.equal(knownHostsCheck('build-host', 2222, home(line(hashed('[build-host]:2222')))).verify(KEY), true);
    assert.equal(knownHostsCheck('build-host', 22, home(line(hashed('[build-host]:2222')))).verify(KEY), false);
  });

  it('never accepts a @revoked key, and does not take a @cert-authority line for a host key', () => {
    assert.equal(knownHostsCheck('build-host', 22, home(line('build-host'), `@revoked ${line('*')}`)).verify(KEY), false);
    assert.equal(knownHostsCheck('build-host', 22, home(`@cert-authority ${line('*')}`)).verify(KEY), false);
  });
});
