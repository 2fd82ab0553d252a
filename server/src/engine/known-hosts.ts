// The SSH host key check OpenSSH makes before a Docker CLI runs `docker system dial-stdio` on a
// remote host: the key the host presents must be listed for it in ~/.ssh/known_hosts (or the
// system's file). dockerode's SSH client would otherwise accept any key, and a machine in the
// middle would get the build context and every image. Written here because the npm parsers of
// known_hosts are unmaintained; the format is small (sshd(8), "SSH_KNOWN_HOSTS FILE FORMAT").
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface HostKeyCheck {
  /** Whether the key (the SSH wire form ssh2 passes) is known for the host; false for a revoked key. */
  readonly verify: (key: Buffer) => boolean;
  /** The known_hosts files read, for messages. */
  readonly files: readonly string[];
  /** The name looked up: `host`, or `[host]:port` off port 22. */
  readonly name: string;
}

export function knownHostsCheck(host: string, port: number, home: string): HostKeyCheck {
  const files = [join(home, '.ssh', 'known_hosts'), join(home, '.ssh', 'known_hosts2'), '/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'];
  const name = port === 22 ? host : `[${host}]:${port}`;
  return {
    files: [files[0]!, files[2]!],
    name,
    verify(key) {
      const entries = files.flatMap((file) => readEntries(file)).filter((entry) => hostMatches(entry.hosts, name));
      const presented = key.toString('base64');
      if (entries.some((entry) => entry.marker === 'revoked' && entry.key === presented)) return false;
      return entries.some((entry) => entry.marker === undefined && entry.key === presented);
    },
  };
}

interface Entry {
  readonly marker: 'revoked' | 'cert-authority' | undefined;
  readonly hosts: string;
  readonly key: string;
}

function readEntries(file: string): Entry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const entries: Entry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) continue;
    const marker = fields[0] === '@revoked' ? 'revoked' : fields[0] === '@cert-authority' ? 'cert-authority' : undefined;
    const [hosts, , key] = marker ? fields.slice(1) : fields;
    if (hosts && key) entries.push({ marker, hosts, key });
  }
  return entries;
}

/** A comma-separated list of names, `*`/`?` patterns, `!` negations and hashed names (`|1|salt|hash`). */
function hostMatches(hosts: string, name: string): boolean {
  let matched = false;
  for (const pattern of hosts.split(',')) {
    if (pattern.startsWith('|1|')) {
      const [, , salt, hash] = pattern.split('|');
      if (salt && hash && createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash) matched = true;
      continue;
    }
    const negated = pattern.startsWith('!');
    const glob = negated ? pattern.slice(1) : pattern;
    const regex = new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
    if (regex.test(name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}
