import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveEndpoint } from '../../server/src/engine/endpoint';

/** A home folder with a Docker context named `remote`, optionally the current one. */
function homeWithContext(current: boolean): string {
  const home = mkdtempSync(join(tmpdir(), 'multistage-home-'));
  const id = createHash('sha256').update('remote').digest('hex');
  mkdirSync(join(home, '.docker/contexts/meta', id), { recursive: true });
  writeFileSync(join(home, '.docker/contexts/meta', id, 'meta.json'), JSON.stringify({ Name: 'remote', Endpoints: { docker: { Host: 'ssh://builder@build-host', SkipTLSVerify: false } } }));
  writeFileSync(join(home, '.docker/config.json'), JSON.stringify(current ? { currentContext: 'remote' } : {}));
  return home;
}

describe('which Docker Engine to talk to', () => {
  it('DOCKER_HOST first: unix, tcp and ssh addresses', () => {
    const home = homeWithContext(true);
    const unix = resolveEndpoint({ env: { DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }, home, setting: 'tcp://other:2375' });
    assert.deepStrictEqual([unix.url, unix.source, unix.options], ['unix:///run/user/1000/docker.sock', 'DOCKER_HOST', { socketPath: '/run/user/1000/docker.sock' }]);
    const tcp = resolveEndpoint({ env: { DOCKER_HOST: 'tcp://127.0.0.1:2375' }, home });
    assert.deepStrictEqual(tcp.options, { protocol: 'http', host: '127.0.0.1', port: 2375 });
    const ssh = resolveEndpoint({ env: { DOCKER_HOST: 'ssh://deploy@build-host:2222' }, home });
    assert.equal(ssh.options.protocol, 'ssh');
    assert.deepStrictEqual([ssh.options.host, ssh.options.port, ssh.options.username], ['build-host', 2222, 'deploy']);
  });

  it('reads TLS material from DOCKER_CERT_PATH when DOCKER_TLS_VERIFY is set', () => {
    const certs = mkdtempSync(join(tmpdir(), 'multistage-certs-'));
    for (const file of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(certs, file), `${file}\n`);
    const endpoint = resolveEndpoint({ env: { DOCKER_HOST: 'tcp://build-host:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs } });
    assert.equal(endpoint.options.protocol, 'https');
    assert.equal(String(endpoint.options.ca), 'ca.pem\n');
    assert.equal(String(endpoint.options.key), 'key.pem\n');
  });

  it('then the current Docker context, then the setting, then the default socket', () => {
    assert.equal(resolveEndpoint({ env: {}, home: homeWithContext(true), setting: 'tcp://other:2375' }).source, 'the Docker context "remote"');
    assert.equal(resolveEndpoint({ env: { DOCKER_CONTEXT: 'remote' }, home: homeWithContext(false) }).url, 'ssh://builder@build-host');
    const setting = resolveEndpoint({ env: {}, home: homeWithContext(false), setting: 'tcp://other:2375' });
    assert.deepStrictEqual([setting.url, setting.source], ['tcp://other:2375', 'the multistage.docker.host setting']);
    const fallback = resolveEndpoint({ env: {}, home: homeWithContext(false), platform: 'linux' });
    assert.deepStrictEqual([fallback.url, fallback.source], ['unix:///var/run/docker.sock', 'the default']);
  });

  it('says so when an address is not one it understands, naming where it came from and the forms it can take', () => {
    const forms = 'Use unix:///path/to/docker.sock, tcp://HOST:PORT (TLS with DOCKER_TLS_VERIFY=1), ssh://[USER@]HOST[:PORT] or npipe:////./pipe/NAME.';
    const home = homeWithContext(false);
    for (const [host, why] of [
      ['fd://', 'which is not a Docker Engine address'],
      ['nonsense', 'which is not a Docker Engine address'],
      ['tcp://host:notaport', 'which is not a Docker Engine address'],
      ['ssh://', 'which names no host'],
    ]) {
      assert.throws(() => resolveEndpoint({ env: { DOCKER_HOST: host }, home }), { message: `DOCKER_HOST is "${host}", ${why}. ${forms}` });
    }
    assert.throws(() => resolveEndpoint({ env: {}, home, setting: 'nonsense' }), { message: `the multistage.docker.host setting is "nonsense", which is not a Docker Engine address. ${forms}` });
  });

  it('reads addresses as the Docker CLI does: HOST:PORT is tcp, an empty unix:// the default socket, an empty tcp:// host localhost', () => {
    const home = homeWithContext(false);
    assert.deepStrictEqual(resolveEndpoint({ env: { DOCKER_HOST: 'build-host:2375' }, home }).options, { protocol: 'http', host: 'build-host', port: 2375 });
    assert.deepStrictEqual(resolveEndpoint({ env: { DOCKER_HOST: 'unix://' }, home }).options, { socketPath: '/var/run/docker.sock' });
    assert.deepStrictEqual(resolveEndpoint({ env: { DOCKER_HOST: 'tcp://:2375' }, home }).options, { protocol: 'http', host: 'localhost', port: 2375 });
  });

  it('refuses a named Docker context that does not exist, as the Docker CLI does, instead of building elsewhere', () => {
    const home = homeWithContext(false);
    assert.throws(() => resolveEndpoint({ env: { DOCKER_CONTEXT: 'remtoe' }, home }), { message: 'DOCKER_CONTEXT names the Docker context "remtoe", which does not exist or cannot be read (docker context ls lists the contexts).' });
    writeFileSync(join(home, '.docker/config.json'), JSON.stringify({ currentContext: 'gone' }));
    assert.throws(() => resolveEndpoint({ env: {}, home }), /config\.json names the Docker context "gone", which does not exist/);
  });

  it('says which certificate files are missing when DOCKER_TLS_VERIFY is set', () => {
    const certs = mkdtempSync(join(tmpdir(), 'multistage-certs-'));
    writeFileSync(join(certs, 'ca.pem'), 'ca\n');
    assert.throws(() => resolveEndpoint({ env: { DOCKER_HOST: 'tcp://build-host:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs } }), {
      message: `DOCKER_TLS_VERIFY is set, but ${certs} has no cert.pem, key.pem: set DOCKER_CERT_PATH to the folder with the Engine's client certificates.`,
    });
  });
});
