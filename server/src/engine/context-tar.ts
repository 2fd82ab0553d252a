import { existsSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import ignore from '@balena/dockerignore';
import { pack } from 'tar-fs';
import type { Pack } from 'tar-stream';

export interface ContextOptions {
  /** An extra Dockerfile to add to the context (the rewrite), excluded from COPY . by .dockerignore. */
  readonly extraDockerfile?: { readonly name: string; readonly text: string };
}

/**
 * The build context as a tar stream, as `docker build` sends it: files .dockerignore excludes are
 * left out, and symbolic links are sent as links, never followed (so nothing outside the context
 * is read).
 */
export function contextTar(directory: string, options: ContextOptions = {}): Readable {
  const dockerignorePath = join(directory, '.dockerignore');
  const rules = ignore().add(existsSync(dockerignorePath) ? readFileSync(dockerignorePath, 'utf8').split(/\r?\n/) : []);
  const extra = options.extraDockerfile;
  const alwaysSent = new Set(['.dockerignore', 'Dockerfile']);
  return pack(directory, {
    dereference: false,
    ignore: (name: string) => {
      const path = relative(directory, name).split(sep).join('/');
      if (path === '.dockerignore' && extra) return true; // sent below, with the extra Dockerfile added
      if (path === '' || alwaysSent.has(path)) return false;
      return rules.ignores(path);
    },
    finalize: !extra,
    finish: extra
      ? (tar: Pack) => {
          // The daemon applies .dockerignore to COPY too: list the extra Dockerfile there so COPY . does not take it.
          const dockerignore = `${existsSync(dockerignorePath) ? readFileSync(dockerignorePath, 'utf8').replace(/\n?$/, '\n') : ''}${extra.name}\n`;
          tar.entry({ name: '.dockerignore', mode: 0o644 }, dockerignore);
          tar.entry({ name: extra.name, mode: 0o644 }, extra.text);
          tar.finalize();
        }
      : undefined,
  }) as unknown as Readable; // tar-stream's Pack is a streamx Readable, which dockerode accepts
}
