import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { DockerOptions } from 'dockerode';
import { knownHostsCheck } from './known-hosts';

/** Where the Docker Engine is, and how the user told us (for error messages they can act on). */
export interface EngineEndpoint {
  /** The address as a URL: unix:///var/run/docker.sock, tcp://host:2376, ssh://user@host. */
  readonly url: string;
  /** Which setting chose it: "DOCKER_HOST", "Docker context \"remote\"", "multistage.docker.host", "the default". */
  readonly source: string;
  readonly options: DockerOptions;
  /** For ssh://: the host name as known_hosts lists it, and the login, for messages. */
  readonly ssh?: { readonly knownHostsName: string; readonly knownHostsFiles: readonly string[]; readonly login: string };
}

export interface EndpointInputs {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The multistage.docker.host setting, if set. */
  readonly setting?: string;
  readonly home?: string;
  readonly platform?: NodeJS.Platform;
}

/**
 * The Engine to talk to, in this order (documented in the README): DOCKER_HOST (with
 * DOCKER_TLS_VERIFY and DOCKER_CERT_PATH for tcp), the current Docker context (DOCKER_CONTEXT or
 * ~/.docker/config.json), the multistage.docker.host setting, then the platform's default socket.
 */
export function resolveEndpoint(inputs: EndpointInputs): EngineEndpoint {
  const { env } = inputs;
  const home = inputs.home ?? homedir();
  if (env.DOCKER_HOST) {
    return fromUrl(env.DOCKER_HOST, 'DOCKER_HOST', { verify: isTrue(env.DOCKER_TLS_VERIFY), certPath: env.DOCKER_CERT_PATH ?? join(home, '.docker') }, { env, home });
  }
  const context = currentContext(env, home);
  if (context) return context;
  if (inputs.setting?.trim()) return fromUrl(inputs.setting.trim(), 'the multistage.docker.host setting', { verify: false, certPath: undefined }, { env, home });
  const windows = (inputs.platform ?? process.platform) === 'win32';
  return fromUrl(windows ? 'npipe:////./pipe/docker_engine' : 'unix:///var/run/docker.sock', 'the default', { verify: false, certPath: undefined }, { env, home });
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

const ADDRESS_FORMS = 'unix:///path/to/docker.sock, tcp://HOST:PORT (TLS with DOCKER_TLS_VERIFY=1), ssh://[USER@]HOST[:PORT] or npipe:////./pipe/NAME';

/** The address as dockerode options; a value that is not an address is refused in a sentence naming where it came from. */
function fromUrl(url: string, source: string, tls: { verify: boolean; certPath: string | undefined }, user: { env: Readonly<Record<string, string | undefined>>; home: string }): EngineEndpoint {
  const refuse = (why = 'which is not a Docker Engine address') => new Error(`${source} is "${url}", ${why}. Use ${ADDRESS_FORMS}.`);
  // An empty unix:// path is the default socket, as for the Docker CLI.
  if (url.startsWith('unix://')) return { url, source, options: { socketPath: url.slice('unix://'.length) || '/var/run/docker.sock' } };
  if (url.startsWith('npipe://')) return { url, source, options: { socketPath: url.slice('npipe://'.length).replace(/\//g, '\\') } };
  // The Docker CLI reads HOST:PORT without a scheme as tcp://HOST:PORT, and no host as localhost.
  const address = (!url.includes('://') && /^[\w.-]+:\d+$/.test(url) ? `tcp://${url}` : url).replace(/^(tcp|https?):\/\/(?=:|\/|$)/, '$1://localhost');
  let parsed: URL;
  try {
    parsed = new URL(address);
  } catch {
    throw refuse();
  }
  if (parsed.protocol === 'tcp:' || parsed.protocol === 'http:' || parsed.protocol === 'https:') {
    const https = tls.verify || parsed.protocol === 'https:' || parsed.port === '2376';
    const files = ['ca.pem', 'cert.pem', 'key.pem'] as const;
    const missing = tls.certPath ? files.filter((file) => !existsSync(join(tls.certPath!, file))) : [...files];
    if (tls.verify && missing.length > 0) {
      throw new Error(`${source === 'DOCKER_HOST' ? 'DOCKER_TLS_VERIFY is set' : `${source} uses TLS`}, but ${tls.certPath ?? 'DOCKER_CERT_PATH'} has no ${missing.join(', ')}: set DOCKER_CERT_PATH to the folder with the Engine's client certificates.`);
    }
    const certificates =
      https && tls.certPath && missing.length === 0
        ? { ca: readFileSync(join(tls.certPath, 'ca.pem')), cert: readFileSync(join(tls.certPath, 'cert.pem')), key: readFileSync(join(tls.certPath, 'key.pem')) }
        : {};
    return { url, source, options: { protocol: https ? 'https' : 'http', host: parsed.hostname || 'localhost', port: Number(parsed.port || (https ? 2376 : 2375)), ...certificates } };
  }
  if (parsed.protocol === 'ssh:') {
    if (!parsed.hostname) throw refuse('which names no host');
    const port = Number(parsed.port || 22);
    const username = decodeURIComponent(parsed.username) || undefined;
    // As OpenSSH does for the Docker CLI: the host must present the key known_hosts lists for it.
    const hostKeys = knownHostsCheck(parsed.hostname, port, user.home);
    return {
      url,
      source,
      options: { protocol: 'ssh', host: parsed.hostname, port, username, sshOptions: { agent: user.env.SSH_AUTH_SOCK, hostVerifier: hostKeys.verify } },
      ssh: { knownHostsName: hostKeys.name, knownHostsFiles: hostKeys.files, login: `${username ? `${username}@` : ''}${parsed.hostname}${port === 22 ? '' : ` -p ${port}`}` },
    };
  }
  throw refuse();
}

/** The current Docker context's endpoint, unless it is the default one; a context that is named but missing is an error, as for the Docker CLI. */
function currentContext(env: Readonly<Record<string, string | undefined>>, home: string): EngineEndpoint | undefined {
  const configDir = env.DOCKER_CONFIG ?? join(home, '.docker');
  let name = env.DOCKER_CONTEXT;
  let namedBy = 'DOCKER_CONTEXT';
  if (!name) {
    try {
      name = (JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8')) as { currentContext?: string }).currentContext;
      namedBy = join(configDir, 'config.json');
    } catch {
      return undefined;
    }
  }
  if (!name || name === 'default') return undefined;
  const id = createHash('sha256').update(name).digest('hex');
  let meta: { Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } } };
  try {
    meta = JSON.parse(readFileSync(join(configDir, 'contexts', 'meta', id, 'meta.json'), 'utf8')) as typeof meta;
  } catch {
    throw new Error(`${namedBy} names the Docker context "${name}", which does not exist or cannot be read (docker context ls lists the contexts).`);
  }
  const host = meta.Endpoints?.docker?.Host;
  if (!host) return undefined;
  const tlsDir = join(configDir, 'contexts', 'tls', id, 'docker');
  return fromUrl(host, `the Docker context "${name}"`, { verify: existsSync(join(tlsDir, 'ca.pem')) && !meta.Endpoints?.docker?.SkipTLSVerify, certPath: tlsDir }, { env, home });
}
