import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** The names `check DIR` takes for Dockerfiles, as Docker, Podman and the extension's language mapping name them. */
export const DOCKERFILE_PATTERNS = ['Dockerfile', 'Dockerfile.*', '*.Dockerfile', '*.dockerfile', 'Containerfile', 'Containerfile.*', '*.Containerfile', '*.containerfile'] as const;

export function isDockerfileName(name: string): boolean {
  // Dockerfile.dockerignore and friends are BuildKit's per-Dockerfile ignore files, not Dockerfiles.
  if (/\.dockerignore$/i.test(name)) return false;
  return /^(Dockerfile|Containerfile)(\..+)?$/.test(name) || /.\.(Dockerfile|dockerfile|Containerfile|containerfile)$/.test(name);
}

/** Folders never searched: Git's own, and dependencies (which are not the project's Dockerfiles). */
const SKIPPED_FOLDERS = new Set(['.git', 'node_modules']);

/** One .gitignore: its folder and its rules, matched against paths relative to that folder. */
interface GitignoreLevel {
  readonly folder: string;
  readonly rules: Ignore;
}

/**
 * The Dockerfiles under a folder, sorted, as paths joined to `root` as given. What .gitignore files
 * ignore is skipped, nested ones included and, inside a Git work tree, those of the folders above
 * `root` too (unless they ignore `root` itself: a folder named on the command line is searched).
 * Symbolic links are not followed: a linked Dockerfile is checked where it lives.
 */
export function findDockerfiles(root: string): string[] {
  const found: string[] = [];
  const walk = (folder: string, levels: readonly GitignoreLevel[]) => {
    const own = gitignoreAt(folder);
    const active = own ? [...levels, own] : levels;
    const entries = readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name) && !isIgnored(active, path, true)) walk(path, active);
      } else if (entry.isFile() && isDockerfileName(entry.name) && !isIgnored(active, path, false)) {
        found.push(path);
      }
    }
  };
  const above = gitignoresAbove(resolve(root));
  walk(root, isIgnored(above, resolve(root), true) ? [] : above);
  return found;
}

/** Git's precedence: the last matching rule of the deepest .gitignore decides, and `!` re-includes. */
function isIgnored(levels: readonly GitignoreLevel[], path: string, isFolder: boolean): boolean {
  let ignored = false;
  for (const level of levels) {
    const relativePath = relative(level.folder, resolve(path)).split(sep).join('/');
    if (!relativePath || relativePath.startsWith('..')) continue;
    const result = level.rules.test(isFolder ? `${relativePath}/` : relativePath);
    if (result.ignored) ignored = true;
    else if (result.unignored) ignored = false;
  }
  return ignored;
}

function gitignoreAt(folder: string): GitignoreLevel | undefined {
  const file = join(folder, '.gitignore');
  try {
    if (!lstatSync(file).isFile()) return undefined;
    return { folder: resolve(folder), rules: ignore().add(readFileSync(file, 'utf8')) };
  } catch {
    return undefined;
  }
}

/** The .gitignore files of the folders above `folder` up to its Git work tree's top, outermost first. */
function gitignoresAbove(folder: string): GitignoreLevel[] {
  if (existsSync(join(folder, '.git'))) return [];
  const folders: string[] = [];
  for (let current = dirname(folder); ; current = dirname(current)) {
    folders.unshift(current);
    if (existsSync(join(current, '.git')) || dirname(current) === current) break;
  }
  if (!existsSync(join(folders[0]!, '.git'))) return []; // not inside a work tree
  return folders.map(gitignoreAt).filter((level): level is GitignoreLevel => level !== undefined);
}
