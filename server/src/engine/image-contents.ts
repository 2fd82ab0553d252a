// What is in an image's bytes, read from the image's own layers as the Engine exports them
// (GET /images/{name}/get, a docker-archive tar of layer tars), streamed: no container, and the
// archive is never held in memory or written to disk here. Docker and Podman both answer this call;
// they name and order the entries differently, so layers are recognised by their content (diff id).
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { extract } from 'tar-stream';
import { DPKG_STATUS_D, PACKAGE_DATABASE_PATHS, UNREADABLE_RPM_DATABASES, parseApkInstalled, parseDpkgStatus, parseRpmSqlite, type InstalledPackage, type PackageManager } from './packages';

/** One file-system entry of a layer tar. Directories are kept only to know which paths are folders. */
interface LayerEntry {
  readonly path: string;
  readonly size: number;
  readonly kind: 'file' | 'hardlink' | 'symlink' | 'directory' | 'other';
  readonly mode: number;
  readonly linkTarget?: string;
}

/** One layer tar, read once: its entries, its whiteouts, its package databases, and its sizes. */
export interface LayerScan {
  readonly diffId: string;
  /** The layer's name in the archive: Docker's v1 id (derived from the layer chain, so content-addressed too) or Podman's diff id. */
  readonly archiveKey: string;
  /** The layer tar's length: what the Engine stores and Podman reports as the layer's size. */
  readonly tarBytes: number;
  /** The layer tar gzipped at the default level 6, as `docker push` compresses it; undefined when not measured. */
  readonly compressedBytes: number | undefined;
  readonly entries: readonly LayerEntry[];
  /** Paths this layer deletes (`.wh.NAME`), and folders whose earlier content it hides (`.wh..wh..opq`). */
  readonly whiteouts: readonly string[];
  readonly opaque: readonly string[];
  /** Content of the package databases this layer writes, by path. */
  readonly databases: ReadonlyMap<string, Buffer>;
}

export interface ImageConfig {
  readonly config?: { readonly Env?: readonly string[] | null };
  readonly rootfs?: { readonly diff_ids?: readonly string[] };
  readonly history?: ReadonlyArray<{ readonly created_by?: string; readonly empty_layer?: boolean; readonly comment?: string }>;
}

export interface ArchiveScan {
  readonly config: ImageConfig;
  readonly configBytes: number;
  readonly layers: ReadonlyMap<string, LayerScan>;
}

/** Never keep more than this of one package database in memory (the largest real ones are about 30 MB). */
const MAX_DATABASE_BYTES = 128 * 1024 * 1024;

export interface ScanOptions {
  /** Gzip each layer to measure its compressed size; a layer whose size is known is not compressed again. */
  readonly compress: boolean;
  /** The compressed size measured before, by archive key (known before the layer is read) or diff id. */
  readonly knownCompressedBytes?: (key: string) => number | undefined;
  /** Called as bytes arrive, for progress. */
  readonly onBytes?: (bytes: number) => void;
}

/**
 * Reads a docker-archive stream (Docker's `<v1 id>/layer.tar` folders, or Podman's `<diff id>.tar`),
 * keeping per layer only what the figures need. Layers are processed as they stream by; the whole
 * archive is never buffered.
 */
export async function scanImageArchive(archive: Readable, options: ScanOptions): Promise<ArchiveScan> {
  const outer = extract();
  archive.on('error', (error) => outer.destroy(error));
  archive.pipe(outer);
  const layers = new Map<string, LayerScan>();
  let config: ImageConfig | undefined;
  let configBytes = 0;
  for await (const entry of outer) {
    const { name, type } = entry.header;
    if (type === 'file' && /(^|\/)layer\.tar$|^[0-9a-f]{64}\.tar$/.test(name)) {
      const scan = await scanLayer(entry as unknown as Readable, name.replace(/(\/layer)?\.tar$/, ''), options);
      layers.set(scan.diffId, scan);
    } else if (type === 'file' && /^[0-9a-f]{64}\.json$/.test(name)) {
      const text = await readAll(entry as AsyncIterable<Buffer>, 16 * 1024 * 1024);
      configBytes = text.length;
      config = JSON.parse(text.toString('utf8')) as ImageConfig;
    } else {
      entry.resume(); // manifest.json, repositories, VERSION, the v1 json files, links to layer tars
    }
  }
  if (!config) throw new Error('the exported image has no configuration');
  return { config, configBytes, layers };
}

async function readAll(stream: AsyncIterable<Buffer>, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    length += chunk.length;
    if (length <= limit) chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** One layer tar: hashed (its diff id), gzipped (its push size) and listed, all in one pass. */
async function scanLayer(stream: Readable, archiveKey: string, options: ScanOptions): Promise<LayerScan> {
  const hash = createHash('sha256');
  const inner = extract();
  const entries: LayerEntry[] = [];
  const whiteouts: string[] = [];
  const opaque: string[] = [];
  const databases = new Map<string, Buffer>();
  const listing = (async () => {
    for await (const entry of inner) {
      const header = entry.header;
      const path = normalize(header.name);
      const base = posix.basename(path);
      if (base.startsWith('.wh.')) {
        if (base === '.wh..wh..opq') opaque.push(posix.dirname(path) === '.' ? '' : posix.dirname(path));
        else whiteouts.push(posix.join(posix.dirname(path), base.slice(4)).replace(/^\.\//, ''));
        entry.resume();
        continue;
      }
      const kind = header.type === 'file' || header.type === 'contiguous-file' ? 'file' : header.type === 'link' ? 'hardlink' : header.type === 'symlink' ? 'symlink' : header.type === 'directory' ? 'directory' : 'other';
      const size = kind === 'file' ? (header.size ?? 0) : 0;
      if (path) entries.push({ path, size, kind, mode: header.mode ?? 0, ...(kind === 'symlink' || kind === 'hardlink' ? { linkTarget: header.linkname ?? '' } : {}) });
      if (kind === 'file' && (PACKAGE_DATABASE_PATHS[path] || path.startsWith(DPKG_STATUS_D)) && size <= MAX_DATABASE_BYTES) {
        databases.set(path, await readAll(entry as AsyncIterable<Buffer>, MAX_DATABASE_BYTES));
      } else {
        entry.resume();
      }
    }
  })();
  // Keep the listing's failure from going unhandled while the bytes are still being fed.
  listing.catch(() => undefined);
  let gzip: ReturnType<typeof createGzip> | undefined;
  let compressedBytes = 0;
  let gzipDone: Promise<unknown> | undefined;
  // Compressing is most of the cost: a layer measured before (the base image, the package install
  // an edit did not touch) is only listed.
  const known = options.knownCompressedBytes?.(archiveKey);
  if (options.compress && known === undefined) {
    gzip = createGzip({ level: 6 });
    gzip.on('data', (chunk: Buffer) => (compressedBytes += chunk.length));
    gzipDone = once(gzip, 'end');
  }
  let tarBytes = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      hash.update(chunk);
      tarBytes += chunk.length;
      options.onBytes?.(chunk.length);
      const waits: Array<Promise<unknown>> = [];
      if (gzip && !gzip.write(chunk)) waits.push(once(gzip, 'drain'));
      if (!inner.write(chunk)) waits.push(once(inner, 'drain'));
      if (waits.length > 0) await Promise.race([Promise.all(waits), listing.then(() => undefined)]);
    }
    (inner as unknown as { end(): void }).end();
    gzip?.end();
    await listing;
    await gzipDone;
  } catch (error) {
    inner.destroy();
    gzip?.destroy();
    throw error;
  }
  const diffId = `sha256:${hash.digest('hex')}`;
  return { diffId, archiveKey, tarBytes, compressedBytes: gzip ? compressedBytes : (known ?? options.knownCompressedBytes?.(diffId)), entries, whiteouts, opaque, databases };
}

/** `./usr/bin/gcc` and `usr/bin/gcc/` -> `usr/bin/gcc`; the root is ''. */
function normalize(name: string): string {
  return posix.normalize(`/${name}`).slice(1).replace(/\/$/, '');
}

// ---------------------------------------------------------------------------------------------
// The figures, computed from the layers in order.

export interface SizedPath {
  readonly path: string;
  readonly bytes: number;
}

export interface WastedPath extends SizedPath {
  /** How many earlier copies of this path were hidden. */
  readonly count: number;
  /** Layer indexes (0 = the bottom layer): the one that wrote the bytes, the one that deleted or replaced them. */
  readonly writtenIn: number;
  readonly removedIn: number;
}

export interface LayerContents {
  readonly diffId: string;
  readonly archiveKey: string;
  readonly tarBytes: number;
  readonly compressedBytes: number | null;
  /** Bytes of the files this layer writes. */
  readonly addedBytes: number;
  readonly fileCount: number;
  /** Bytes this layer wrote that a later layer deleted or replaced (still shipped, never seen). */
  readonly wastedBytes: number;
  /** Bytes of earlier layers this layer deleted or replaced (its removals do not shrink the image). */
  readonly hidesBytes: number;
  /** The folders this layer writes most into. */
  readonly topDirectories: readonly SizedPath[];
}

export interface PackageInfo extends InstalledPackage {
  /** The layer (index) that installed this version, when the database says. */
  readonly layer: number | null;
}

export interface ImageContents {
  /** Sum of the compressed layers (each distinct layer once) and the configuration: what a registry moves. */
  readonly compressedBytes: number | null;
  /** Bytes of all files in the final file system. */
  readonly contentBytes: number;
  /** Bytes of all files every layer wrote, including those later hidden. */
  readonly writtenBytes: number;
  /** Bytes written in one layer and deleted or replaced in a later one. */
  readonly wastedBytes: number;
  /** contentBytes / writtenBytes, like dive's efficiency score: 1 when nothing is wasted. */
  readonly efficiency: number;
  readonly layers: readonly LayerContents[];
  /** Largest folders of the final file system at depth 3 (or shallower where a file lies higher). */
  readonly topDirectories: readonly SizedPath[];
  /** Largest folders at depth 1 (`/usr`, `/var`...): the bar's segments. */
  readonly rootDirectories: readonly SizedPath[];
  readonly topFiles: ReadonlyArray<SizedPath & { readonly layer: number }>;
  readonly wasted: readonly WastedPath[];
  /** Wasted bytes by (written in, removed in) layer pair, largest first: which instruction wasted what. */
  readonly wasteByCause: ReadonlyArray<{ readonly writtenIn: number; readonly removedIn: number; readonly how: 'removed' | 'replaced'; readonly bytes: number; readonly samplePaths: readonly string[] }>;
  /** The OS packages, or null when no package database could be read (the reason in packagesNote). */
  readonly packages: { readonly manager: PackageManager; readonly list: readonly PackageInfo[] } | null;
  readonly packagesNote?: string;
  /** Build tools on the image's PATH (resolving symbolic links as a shell would). */
  readonly buildTools: readonly string[];
}

interface Present {
  size: number;
  layer: number;
  kind: LayerEntry['kind'];
  mode: number;
  linkTarget?: string;
}

const TOP = 15;

/** The bottom-to-top layer scans of an image, in its rootfs order (a layer may repeat). */
export function orderedLayers(scan: ArchiveScan): LayerScan[] {
  const diffIds = scan.config.rootfs?.diff_ids ?? [];
  return diffIds.map((diffId) => {
    const layer = scan.layers.get(diffId);
    if (!layer) throw new Error(`the exported image lacks its layer ${diffId.slice(0, 19)}`);
    return layer;
  });
}

/** The figures of one image from its layer scans: final tree, waste, packages, build tools. */
export async function computeContents(scan: ArchiveScan, buildToolPrograms: readonly string[]): Promise<ImageContents> {
  const layers = orderedLayers(scan);
  const files = new Map<string, Present>();
  const directories = new Set<string>();
  const wastedByPath = new Map<string, { bytes: number; count: number; writtenIn: number; removedIn: number }>();
  const wastedPerLayer = layers.map(() => 0);
  const hidesPerLayer = layers.map(() => 0);
  const causes = new Map<string, { writtenIn: number; removedIn: number; how: 'removed' | 'replaced'; bytes: number; samplePaths: string[] }>();
  let writtenBytes = 0;

  const hide = (path: string, node: Present, by: number, how: 'removed' | 'replaced') => {
    files.delete(path);
    if (node.size === 0) return;
    wastedPerLayer[node.layer]! += node.size;
    hidesPerLayer[by]! += node.size;
    const known = wastedByPath.get(path);
    if (known) {
      known.bytes += node.size;
      known.count += 1;
    } else wastedByPath.set(path, { bytes: node.size, count: 1, writtenIn: node.layer, removedIn: by });
    const key = `${node.layer}>${by}>${how}`;
    const cause = causes.get(key) ?? { writtenIn: node.layer, removedIn: by, how, bytes: 0, samplePaths: [] };
    cause.bytes += node.size;
    if (cause.samplePaths.length < 5) cause.samplePaths.push(`/${path}`);
    causes.set(key, cause);
  };
  const hideTree = (folder: string, by: number, how: 'removed' | 'replaced') => {
    const prefix = folder === '' ? '' : `${folder}/`;
    for (const [path, node] of files) if (path === folder || path.startsWith(prefix)) hide(path, node, by, how);
    for (const directory of directories) if (directory === folder || directory.startsWith(prefix)) directories.delete(directory);
  };

  const layerContents: LayerContents[] = [];
  for (const [index, layer] of layers.entries()) {
    for (const folder of layer.opaque) {
      // An opaque folder hides what lower layers put in it; the folder itself stays.
      const prefix = folder === '' ? '' : `${folder}/`;
      for (const [path, node] of files) if (node.layer < index && path.startsWith(prefix)) hide(path, node, index, 'removed');
    }
    for (const path of layer.whiteouts) {
      const node = files.get(path);
      if (node) hide(path, node, index, 'removed');
      if (directories.has(path) || !node) hideTree(path, index, 'removed');
    }
    let added = 0;
    let count = 0;
    const perDirectory = new Map<string, number>();
    for (const entry of layer.entries) {
      if (entry.kind === 'directory') {
        const replaced = files.get(entry.path);
        if (replaced) hide(entry.path, replaced, index, 'replaced');
        directories.add(entry.path);
        continue;
      }
      const previous = files.get(entry.path);
      if (previous) hide(entry.path, previous, index, 'replaced');
      else if (directories.has(entry.path)) hideTree(entry.path, index, 'replaced');
      files.set(entry.path, { size: entry.size, layer: index, kind: entry.kind, mode: entry.mode, ...(entry.linkTarget !== undefined ? { linkTarget: entry.linkTarget } : {}) });
      added += entry.size;
      count += 1;
      if (entry.size > 0) {
        const folder = folderAtDepth(entry.path, 3);
        perDirectory.set(folder, (perDirectory.get(folder) ?? 0) + entry.size);
      }
    }
    writtenBytes += added;
    layerContents.push({
      diffId: layer.diffId,
      archiveKey: layer.archiveKey,
      tarBytes: layer.tarBytes,
      compressedBytes: layer.compressedBytes ?? null,
      addedBytes: added,
      fileCount: count,
      wastedBytes: 0,
      hidesBytes: 0,
      topDirectories: largest(perDirectory, 5),
    });
  }

  let contentBytes = 0;
  const byDirectory = new Map<string, number>();
  const byRoot = new Map<string, number>();
  const topFiles: Array<SizedPath & { layer: number }> = [];
  for (const [path, node] of files) {
    if (node.size === 0) continue;
    contentBytes += node.size;
    const folder = folderAtDepth(path, 3);
    byDirectory.set(folder, (byDirectory.get(folder) ?? 0) + node.size);
    const root = folderAtDepth(path, 1);
    byRoot.set(root, (byRoot.get(root) ?? 0) + node.size);
    keepLargest(topFiles, { path: `/${path}`, bytes: node.size, layer: node.layer }, TOP);
  }
  const wastedBytes = wastedPerLayer.reduce((sum, bytes) => sum + bytes, 0);
  const distinct = new Map(layers.map((layer) => [layer.diffId, layer.compressedBytes]));
  const compressedKnown = [...distinct.values()].every((bytes) => bytes !== undefined);
  const packages = await readPackages(layers, files);
  return {
    compressedBytes: compressedKnown ? [...distinct.values()].reduce<number>((sum, bytes) => sum + bytes!, 0) + scan.configBytes : null,
    contentBytes,
    writtenBytes,
    wastedBytes,
    efficiency: writtenBytes > 0 ? Math.round((contentBytes / writtenBytes) * 10_000) / 10_000 : 1,
    layers: layerContents.map((layer, index) => ({ ...layer, wastedBytes: wastedPerLayer[index]!, hidesBytes: hidesPerLayer[index]! })),
    topDirectories: largest(byDirectory, TOP),
    rootDirectories: largest(byRoot, 12),
    topFiles: topFiles.sort((a, b) => b.bytes - a.bytes),
    wasted: [...wastedByPath]
      .sort((a, b) => b[1].bytes - a[1].bytes)
      .slice(0, TOP)
      .map(([path, waste]) => ({ path: `/${path}`, ...waste })),
    wasteByCause: [...causes.values()].sort((a, b) => b.bytes - a.bytes),
    ...packages,
    buildTools: buildToolsOnPath(files, directories, pathDirectories(scan.config), buildToolPrograms),
  };
}

/** `/usr/lib/gcc/x86_64-linux-gnu/12/cc1` at depth 3 -> `/usr/lib/gcc`; `/app/primes` -> `/app`; `/etc` -> `/`. */
function folderAtDepth(path: string, depth: number): string {
  const parts = path.split('/');
  parts.pop(); // the file's own name
  return `/${parts.slice(0, depth).join('/')}`;
}

function largest(sizes: ReadonlyMap<string, number>, count: number): SizedPath[] {
  return [...sizes]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([path, bytes]) => ({ path, bytes }));
}

function keepLargest<T extends { bytes: number }>(list: T[], item: T, count: number): void {
  if (list.length < count) {
    list.push(item);
    return;
  }
  let smallest = 0;
  for (let index = 1; index < list.length; index++) if (list[index]!.bytes < list[smallest]!.bytes) smallest = index;
  if (item.bytes > list[smallest]!.bytes) list[smallest] = item;
}

function pathDirectories(config: ImageConfig): string[] {
  const path = (config.config?.Env ?? []).find((variable) => variable.startsWith('PATH='))?.slice(5) ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  return path.split(':').filter((directory) => directory.startsWith('/'));
}

/** What `command -v NAME` finds: a PATH entry that resolves (through links) to an executable file. */
function buildToolsOnPath(files: ReadonlyMap<string, Present>, directories: ReadonlySet<string>, path: readonly string[], programs: readonly string[]): string[] {
  const resolve = (start: string): Present | undefined => {
    let parts = start.split('/').filter(Boolean);
    for (let hops = 0, index = 0; index < parts.length; index++) {
      const prefix = parts.slice(0, index + 1).join('/');
      const node = files.get(prefix);
      if (!node) {
        if (directories.has(prefix)) continue;
        return undefined;
      }
      if (node.kind === 'symlink') {
        if (++hops > 40) return undefined;
        const target = node.linkTarget ?? '';
        const base = target.startsWith('/') ? [] : parts.slice(0, index);
        parts = posix.normalize(`/${[...base, target].join('/')}`).split('/').filter(Boolean).concat(parts.slice(index + 1));
        index = -1;
        continue;
      }
      if (index === parts.length - 1) return node;
      return undefined; // a file in the middle of a path
    }
    return undefined;
  };
  return programs.filter((program) =>
    path.some((directory) => {
      const node = resolve(`${directory}/${program}`);
      return node !== undefined && (node.kind === 'file' || node.kind === 'hardlink') && (node.mode & 0o111) !== 0;
    }),
  );
}

/** The package database of the final file system, with the layer that installed each package. */
async function readPackages(layers: readonly LayerScan[], files: ReadonlyMap<string, Present>): Promise<Pick<ImageContents, 'packages' | 'packagesNote'>> {
  const versions = (path: string) => layers.flatMap((layer, index) => (layer.databases.has(path) ? [{ index, bytes: layer.databases.get(path)! }] : []));
  const dpkg = versions('var/lib/dpkg/status');
  if (dpkg.length > 0 && files.has('var/lib/dpkg/status')) return { packages: { manager: 'dpkg', list: withLayers(dpkg.map((version) => ({ index: version.index, list: parseDpkgStatus(version.bytes.toString('utf8')) }))) } };
  const statusD = [...files.entries()].filter(([path]) => path.startsWith(DPKG_STATUS_D));
  if (statusD.length > 0) {
    const list = statusD.flatMap(([path, node]) => parseDpkgStatus(layers[node.layer]!.databases.get(path)?.toString('utf8') ?? '').map((pkg) => ({ ...pkg, layer: node.layer })));
    return { packages: { manager: 'dpkg', list: list.sort((a, b) => a.name.localeCompare(b.name)) } };
  }
  const apk = versions('lib/apk/db/installed');
  if (apk.length > 0 && files.has('lib/apk/db/installed')) return { packages: { manager: 'apk', list: withLayers(apk.map((version) => ({ index: version.index, list: parseApkInstalled(version.bytes.toString('utf8')) }))) } };
  for (const path of Object.keys(PACKAGE_DATABASE_PATHS).filter((candidate) => PACKAGE_DATABASE_PATHS[candidate] === 'rpm')) {
    const rpm = versions(path);
    if (rpm.length === 0 || !files.has(path)) continue;
    try {
      const parsed = await Promise.all(rpm.map(async (version) => ({ index: version.index, list: await parseRpmSqlite(version.bytes) })));
      return { packages: { manager: 'rpm', list: withLayers(parsed) } };
    } catch (error) {
      return { packages: null, packagesNote: `the rpm database /${path} could not be read: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
  const unreadable = UNREADABLE_RPM_DATABASES.find((path) => files.has(path));
  if (unreadable) return { packages: null, packagesNote: `the rpm database /${unreadable} is Berkeley DB or ndb, which this reader does not open (rpm 4.16+ SQLite databases are read)` };
  return { packages: null, packagesNote: 'no dpkg, apk or rpm database in the image' };
}

/** The top database's packages, each with the lowest layer from which it stayed at this version. */
function withLayers(versions: ReadonlyArray<{ index: number; list: readonly InstalledPackage[] }>): PackageInfo[] {
  let since = new Map<string, { version: string; layer: number }>();
  for (const { index, list } of versions) {
    const next = new Map<string, { version: string; layer: number }>();
    for (const pkg of list) {
      const before = since.get(pkg.name);
      next.set(pkg.name, before && before.version === pkg.version ? before : { version: pkg.version, layer: index });
    }
    since = next;
  }
  const top = versions[versions.length - 1]!.list;
  return top.map((pkg) => ({ ...pkg, layer: since.get(pkg.name)?.layer ?? null })).sort((a, b) => a.name.localeCompare(b.name));
}
