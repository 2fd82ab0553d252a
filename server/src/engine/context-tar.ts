import { existsSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import ignore from '@balena/dockerignore';
import { pack } from 'tar-fs';
import type { Pack } from 'tar-stream';

export interface ContextOptions {
  /** Dockerfiles to add to the context (the editor's text, the rewrite), excluded from COPY . by .dockerignore. */
  readonly extraDockerfiles?: ReadonlyArray<{ readonly name: string; readonly text: string }>;
}

/**
 * The build context as a tar stream, as `docker build` sends it: files .dockerignore excludes are
 * left out, and symbolic links are sent as links, never followed (so nothing outside the context
 * is read).
 */
export function contextTar(directory: string, options: ContextOptions = {}): Readable {
  const dockerignorePath = join(directory, '.dockerignore');
  const rules = ignore().add(existsSync(dockerignorePath) ? readFileSync(dockerignorePath, 'utf8').split(/\r?\n/) : []);
  const extras = options.extraDockerfiles ?? [];
  const extra = extras.length > 0;
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
          // The daemon applies .dockerignore to COPY too: list the extra Dockerfiles there so COPY . does not take them.
          const original = existsSync(dockerignorePath) ? readFileSync(dockerignorePath, 'utf8').replace(/\n?$/, '\n') : '';
          tar.entry({ name: '.dockerignore', mode: 0o644 }, `${original}${extras.map((file) => file.name).join('\n')}\n`);
          for (const file of extras) tar.entry({ name: file.name, mode: 0o644 }, file.text);
          tar.finalize();
        }
      : undefined,
  }) as unknown as Readable; // tar-stream's Pack is a streamx Readable, which dockerode accepts
}
