import { closeSync, constants, fstatSync, lstatSync, openSync, promises as fs, readFileSync, realpathSync, type Stats } from 'node:fs';
import { join, posix, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import dockerignore from '@balena/dockerignore';
import { pack, type Header, type Pack } from 'tar-stream';
import { EngineError } from './errors';

type Headers = Partial<Header> & Pick<Header, 'name'>;

export interface ContextOptions {
  /**
   * The Dockerfile being built, relative to the context: sent even when .dockerignore lists it,
   * as the Docker CLI does (`docker build -f`). Compare builds generated Dockerfiles instead.
   */
  readonly dockerfile?: string;
  /** Generated Dockerfiles to add at the context's root (the editor's text, the rewrite). */
  readonly extraDockerfiles?: ReadonlyArray<{ readonly name: string; readonly text: string | Uint8Array }>;
  /**
   * Names listed in the .dockerignore that is sent, so that the daemon drops the Dockerfile it
   * builds from the context (it does so only for a listed Dockerfile). Default: the extra
   * Dockerfiles' names. Listing the same names in every build keeps `COPY .` identical, and cached.
   */
  readonly hiddenNames?: readonly string[];
  /** Something the user should know about the context (a .dockerignore that could not be read). */
  readonly onWarning?: (message: string) => void;
}

/** The build context folder must exist and be a folder; errors name the folder (exit 2 in the CLI). */
export function checkContextDirectory(directory: string): void {
  let stats: Stats;
  try {
    stats = lstatSync(directory);
    if (stats.isSymbolicLink()) stats = lstatSync(realpathSync(directory));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new EngineError(`The build context ${directory} does not exist.`, 'context');
    throw new EngineError(`Cannot read the build context ${directory}: ${describeFsError(error)}.`, 'context');
  }
  if (!stats.isDirectory()) throw new EngineError(`The build context ${directory} is a file: the context must be a directory.`, 'context');
}

/**
 * A file named inside the context (the Dockerfile to compare) must not be a link out of it: compare
 * reads nothing outside the context. A file given outside the context, as `docker build -f` allows,
 * is the user's explicit choice and is not checked.
 */
export function checkFileInContext(directory: string, path: string): void {
  const root = resolve(directory);
  const file = resolve(path);
  if (!file.startsWith(root + sep)) return;
  let target: string;
  let realRoot: string;
  try {
    target = realpathSync(file);
    realRoot = realpathSync(root);
  } catch {
    return; // missing: reading it says so
  }
  if (!target.startsWith(realRoot + sep)) {
    throw new EngineError(`${path} is a symbolic link to ${target}, outside the build context ${directory}; compare reads nothing outside the context. Compare the file itself, or copy it into the context.`, 'context');
  }
}

/**
 * The build context as a tar stream, entry for entry what the Docker CLI sends for
 * `docker build -f DOCKERFILE DIRECTORY` with the classic builder: .dockerignore patterns as Docker
 * matches them (case-sensitive, `!` exceptions re-including files inside excluded folders),
 * symbolic links sent as links, FIFOs and devices as such, hard links as links, owner root.
 * Nothing is read through a symbolic link, and nothing outside the context is read at all.
 */
export function contextTar(directory: string, options: ContextOptions = {}): Readable {
  const tar = pack();
  writeContext(tar, directory, options).then(
    () => tar.finalize(),
    (error: unknown) => tar.destroy(error instanceof EngineError ? error : new EngineError(`Could not send the build context ${directory}: ${describeFsError(error)}.`, 'context')),
  );
  return tar as unknown as Readable; // tar-stream's Pack is a streamx Readable, which dockerode accepts
}

async function writeContext(tar: Pack, directory: string, options: ContextOptions): Promise<void> {
  const ignoreFile = readDockerignore(directory, options.onWarning);
  const extras = options.extraDockerfiles ?? [];
  const hidden = options.hiddenNames ?? extras.map((file) => file.name);
  const matcher = buildMatcher(ignoreFile.patterns, options.dockerfile);
  const exceptions = matcher.patterns.filter((pattern) => pattern.startsWith('!')).map((pattern) => pattern.slice(1));
  const seenInodes = new Map<string, string>();
  const extraNames = new Set(extras.map((file) => file.name));

  // The Docker CLI walks with Go's filepath.Walk: lexical order, the root itself not sent.
  const walk = async (relativeDir: string): Promise<void> => {
    const names = (await fs.readdir(relativeDir ? join(directory, relativeDir) : directory)).sort();
    for (const name of names) {
      if (isDestroyed(tar)) return;
      const path = relativeDir ? `${relativeDir}/${name}` : name;
      if (!relativeDir && extraNames.has(name)) continue; // replaced by the generated file of that name
      let stats: Stats;
      try {
        stats = await fs.lstat(join(directory, path));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        options.onWarning?.(`${path} was left out of the build context: it disappeared while the context was sent, or its name is not valid UTF-8.`);
        continue;
      }
      if (matcher.ignores(path)) {
        // Docker still walks an excluded folder when an exception pattern starts with it (!dir/file),
        // without sending the folder's own entry.
        if (stats.isDirectory() && exceptions.some((pattern) => `${pattern}/`.startsWith(`${path}/`))) await walk(path);
        continue;
      }
      if (path === '.dockerignore' && hidden.length > 0 && ignoreFile.kind === 'file') {
        await addEntry(tar, header(path, stats), withHiddenNames(ignoreFile.bytes!, hidden));
        continue;
      }
      await addPath(tar, directory, path, stats, seenInodes, options.onWarning);
      if (stats.isDirectory()) await walk(path);
    }
  };
  await walk('');

  if (hidden.length > 0 && ignoreFile.kind === 'none') {
    // Listing .dockerignore itself makes the daemon drop it too, as the Docker CLI's own generated one does.
    await addEntry(tar, { name: '.dockerignore', mode: 0o644, mtime: new Date(), type: 'file' }, Buffer.from(['.dockerignore', ...hidden, ''].join('\n')));
  }
  // A .dockerignore that is a symbolic link is sent as the link, as `docker build` sends it: then
  // nothing can be added to it, and the generated Dockerfiles stay visible to COPY . (a few bytes).
  for (const file of extras) {
    await addEntry(tar, { name: file.name, mode: 0o644, mtime: new Date(), type: 'file' }, typeof file.text === 'string' ? Buffer.from(file.text, 'utf8') : Buffer.from(file.text));
  }
}

interface DockerignoreFile {
  /** What .dockerignore is in the context: a regular file, a symbolic link (sent as such) or absent. */
  readonly kind: 'file' | 'link' | 'none';
  readonly patterns: readonly string[];
  /** The regular file's own bytes, to send with the hidden names appended. */
  readonly bytes?: Buffer;
}

/**
 * Reads .dockerignore without following a symbolic link out of the context. A link to a file
 * inside the context is read there (the Docker CLI and the daemon read the same file); a link out
 * of it is not read: the Docker CLI would read the host file's lines as patterns, this never reads
 * outside the context, so it says that those patterns are not applied.
 */
export function readDockerignore(directory: string, onWarning?: (message: string) => void): DockerignoreFile {
  const path = join(directory, '.dockerignore');
  let stats: Stats;
  try {
    stats = lstatSync(path);
  } catch {
    return { kind: 'none', patterns: [] };
  }
  if (stats.isSymbolicLink()) {
    let target: string;
    try {
      target = realpathSync(path);
    } catch {
      return { kind: 'link', patterns: [] }; // a dangling link: Docker reads no patterns either
    }
    const root = realpathSync(directory);
    if (!target.startsWith(root + sep)) {
      onWarning?.(
        `.dockerignore in ${directory} is a symbolic link to ${target}, outside the build context: it is sent as a link, as docker build sends it, but its patterns are not read (nothing outside the context is), so the files it would leave out are sent.`,
      );
      return { kind: 'link', patterns: [] };
    }
    return { kind: 'link', patterns: parseDockerignore(readRegularFile(target, '.dockerignore')) };
  }
  if (stats.isDirectory()) throw new EngineError(`.dockerignore in ${directory} is a folder, not a file; docker build cannot read it either.`, 'context');
  const bytes = readRegularFile(path, '.dockerignore');
  return { kind: 'file', patterns: parseDockerignore(bytes), bytes };
}

/** Reads a file that must not be a link (O_NOFOLLOW) nor block (O_NONBLOCK on a FIFO swapped in). */
function readRegularFile(path: string, what: string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    throw new EngineError(`Cannot read ${what} (${path}): ${describeFsError(error)}.`, 'context');
  }
  try {
    if (!fstatSync(fd).isFile()) throw new EngineError(`${what} (${path}) is not a regular file.`, 'context');
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The patterns of a .dockerignore, read as the Docker CLI reads them (moby/patternmatcher ignorefile.ReadAll). */
export function parseDockerignore(bytes: Buffer): string[] {
  const patterns: string[] = [];
  const lines = bytes.toString('utf8').replace(/^\uFEFF/, '').split('\n');
  for (const [index, rawLine] of lines.entries()) {
    const line = rawLine.replace(/\r$/, '');
    if (line.startsWith('#')) continue;
    let pattern = line.trim();
    if (pattern === '') continue;
    const invert = pattern.startsWith('!');
    if (invert) pattern = pattern.slice(1).trim();
    if (invert && pattern === '') throw new EngineError(`.dockerignore line ${index + 1}: "!" alone is not a pattern; docker build refuses it too.`, 'context');
    pattern = goClean(pattern);
    if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1);
    patterns.push(invert ? `!${pattern}` : pattern);
  }
  return patterns;
}

/** Go's path.Clean for the slash-separated patterns. */
function goClean(path: string): string {
  const cleaned = posix.normalize(path);
  return cleaned.length > 1 && cleaned.endsWith('/') ? cleaned.slice(0, -1) : cleaned;
}

/** The matcher, with the exceptions the Docker CLI adds for .dockerignore and the Dockerfile being built. */
function buildMatcher(patterns: readonly string[], dockerfile: string | undefined): { ignores(path: string): boolean; patterns: string[] } {
  const all = [...patterns];
  const match = (path: string) => dockerignore({ ignorecase: false }).add(all).ignores(path);
  if (match('.dockerignore')) all.push('!.dockerignore');
  const file = dockerfile === undefined ? undefined : goClean(dockerfile.split(sep).join('/'));
  if (file && file !== '.' && !file.startsWith('../') && match(file)) all.push(`!${file}`);
  const matcher = dockerignore({ ignorecase: false }).add(all); // Docker matches names case-sensitively on Linux
  return { ignores: (path) => matcher.ignores(path), patterns: all };
}

function withHiddenNames(bytes: Buffer, names: readonly string[]): Buffer {
  const separator = bytes.length === 0 || bytes[bytes.length - 1] === 0x0a ? '' : '\n';
  return Buffer.concat([bytes, Buffer.from(`${separator}${names.join('\n')}\n`)]);
}

/** A tar header as the Docker CLI writes it: the permission bits, owner root, whole seconds. */
function header(name: string, stats: Stats): Headers {
  return { name, mode: stats.mode & 0o7777, uid: 0, gid: 0, mtime: new Date(Math.floor(stats.mtimeMs / 1000) * 1000), type: 'file', size: 0 };
}

async function addPath(tar: Pack, directory: string, path: string, stats: Stats, seenInodes: Map<string, string>, onWarning: ((message: string) => void) | undefined): Promise<void> {
  const entry = header(path, stats);
  if (!stats.isDirectory() && stats.nlink > 1) {
    // A second name for an inode already sent goes as a hard link, as Docker's archive does.
    const key = `${stats.dev}:${stats.ino}`;
    const first = seenInodes.get(key);
    if (first !== undefined) return addEntry(tar, { ...entry, type: 'link', linkname: first });
    seenInodes.set(key, path);
  }
  if (stats.isDirectory()) return addEntry(tar, { ...entry, type: 'directory' });
  if (stats.isSymbolicLink()) return addEntry(tar, { ...entry, type: 'symlink', linkname: await fs.readlink(join(directory, path)) });
  if (stats.isFIFO()) return addEntry(tar, { ...entry, type: 'fifo' });
  if (stats.isCharacterDevice() || stats.isBlockDevice()) {
    const { major, minor } = deviceNumbers(stats.rdev);
    return addEntry(tar, { ...entry, type: stats.isCharacterDevice() ? 'character-device' : 'block-device', devmajor: major, devminor: minor });
  }
  if (stats.isSocket()) {
    onWarning?.(`${path} is a socket, which a tar cannot hold: it is not in the build context (docker build leaves it out too).`);
    return;
  }
  await addFile(tar, join(directory, path), { ...entry, size: stats.size }, stats);
}

/** Streams a regular file's bytes, opened without following a link that replaced it since lstat. */
async function addFile(tar: Pack, fullPath: string, entry: Headers, stats: Stats): Promise<void> {
  const file = await fs.open(fullPath, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const opened = await file.stat();
    if (!opened.isFile() || opened.ino !== stats.ino || opened.dev !== stats.dev) throw new EngineError(`${fullPath} changed while the build context was sent; try again.`, 'context');
    const size = entry.size ?? 0;
    await new Promise<void>((resolve, reject) => {
      const sink = tar.entry(entry, (error) => (error ? reject(error) : resolve()));
      void (async () => {
        const chunk = Buffer.alloc(Math.min(size, 1 << 20));
        let sent = 0;
        while (sent < size) {
          const { bytesRead } = await file.read(chunk, 0, Math.min(chunk.length, size - sent), sent);
          if (bytesRead === 0) throw new EngineError(`${fullPath} changed while the build context was sent; try again.`, 'context');
          sent += bytesRead;
          if (!sink.write(Buffer.from(chunk.subarray(0, bytesRead)))) await new Promise<void>((drained) => sink.once('drain', () => drained()));
        }
        sink.end(null);
      })().catch((error: unknown) => {
        sink.destroy(error as Error);
        reject(error);
      });
    });
  } finally {
    await file.close();
  }
}

function addEntry(tar: Pack, entry: Headers, body?: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    if (isDestroyed(tar)) return resolve();
    const callback = (error?: Error | null) => (error ? reject(error) : resolve());
    if (body) tar.entry({ ...entry, size: body.length }, body, callback);
    else tar.entry(entry, callback);
  });
}

function isDestroyed(tar: Pack): boolean {
  return (tar as unknown as { destroying: boolean }).destroying;
}

/** Linux's dev_t encoding (glibc's gnu_dev_major/minor). */
function deviceNumbers(rdev: number): { major: number; minor: number } {
  const high = Math.floor(rdev / 2 ** 32);
  const low = rdev >>> 0;
  return { major: ((low >>> 8) & 0xfff) | ((high & 0xfffff000) >>> 0), minor: (low & 0xff) | ((low >>> 12) & 0xfff00) };
}

/** "no such file or directory" rather than ENOENT: the sentence a user can act on. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'ELOOP':
      return 'it is a symbolic link';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
