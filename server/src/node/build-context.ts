import { lstatSync, readFileSync, readdirSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { BuildContext } from '../core';

/** Manifests worth reading are small; anything larger is not what the rewrite looks for. */
const MAX_FILE_BYTES = 1 << 20;

/**
 * A build context folder as the rewrite reads it (Cargo.toml, package.json, *.csproj): files inside
 * the folder only, never through a link that leads out of it, and never large ones.
 */
export function folderBuildContext(folder: string): BuildContext {
  const root = resolve(folder);
  let realRoot: string | undefined;
  const inside = (path: string) => {
    const rel = relative(realRoot ?? (realRoot = realpathSync(root)), path);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  };
  return {
    readFile(path) {
      const file = resolve(root, path);
      if (!inside(realpathSync(file))) return undefined;
      const stats = lstatSync(realpathSync(file));
      if (!stats.isFile() || stats.size > MAX_FILE_BYTES) return undefined;
      return readFileSync(file, 'utf8');
    },
    list() {
      return readdirSync(root, { withFileTypes: true }).filter((entry) => entry.isFile() || entry.isSymbolicLink()).map((entry) => entry.name);
    },
  };
}
