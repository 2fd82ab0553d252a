import type initSqlJs from 'sql.js';

// The OS package databases as they lie in an image's layers: dpkg's status file (and the
// status.d folder distroless images use), apk's installed database, rpm's SQLite database.
// Parsers take bytes and return data; a malformed database gives what could be read, never throws.

export type PackageManager = 'dpkg' | 'apk' | 'rpm';

export interface InstalledPackage {
  readonly name: string;
  readonly version: string;
  /** What the package database says the package occupies once installed, in bytes. */
  readonly sizeBytes: number;
}

/** The paths (inside the image, without the leading slash) whose content the reader keeps. */
export const PACKAGE_DATABASE_PATHS: Readonly<Record<string, PackageManager>> = {
  'var/lib/dpkg/status': 'dpkg',
  'lib/apk/db/installed': 'apk',
  'var/lib/rpm/rpmdb.sqlite': 'rpm',
  'usr/lib/sysimage/rpm/rpmdb.sqlite': 'rpm',
};
/** Distroless images list one package per file here instead of a status file. */
export const DPKG_STATUS_D = 'var/lib/dpkg/status.d/';
/** rpm databases this reader cannot open (Berkeley DB, ndb): their presence is reported, not read. */
export const UNREADABLE_RPM_DATABASES = ['var/lib/rpm/Packages', 'var/lib/rpm/Packages.db', 'usr/lib/sysimage/rpm/Packages.db'];

/**
 * dpkg's status file: paragraphs of `Field: value`. Only packages whose Status is "install ok
 * installed" count, as `dpkg-query -W -f='${db:Status-Abbrev}'` shows `ii`. Installed-Size is KiB.
 */
export function parseDpkgStatus(text: string): InstalledPackage[] {
  const packages: InstalledPackage[] = [];
  for (const paragraph of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    for (const line of paragraph.split('\n')) {
      const match = /^([A-Za-z][\w-]*):\s?(.*)$/.exec(line);
      if (match) fields.set(match[1]!.toLowerCase(), match[2]!.trim());
    }
    const name = fields.get('package');
    if (!name) continue;
    // Distroless status.d files carry no Status field: each file is an installed package.
    const status = fields.get('status');
    if (status !== undefined && !/^install ok installed$/.test(status)) continue;
    const kib = Number(fields.get('installed-size') ?? '0');
    packages.push({ name, version: fields.get('version') ?? '', sizeBytes: Number.isFinite(kib) ? kib * 1024 : 0 });
  }
  return packages;
}

/** apk's `installed` database: `P:` name, `V:` version, `I:` installed size in bytes, blank line between packages. */
export function parseApkInstalled(text: string): InstalledPackage[] {
  const packages: InstalledPackage[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    let name = '';
    let version = '';
    let size = 0;
    for (const line of block.split('\n')) {
      if (line.startsWith('P:')) name = line.slice(2).trim();
      else if (line.startsWith('V:')) version = line.slice(2).trim();
      else if (line.startsWith('I:')) size = Number(line.slice(2).trim()) || 0;
    }
    if (name) packages.push({ name, version, sizeBytes: size });
  }
  return packages;
}

// rpm header tags (rpmtag.h) and their types: what `rpm -q --qf '%{NAME} %{SIZE}'` reads.
const RPMTAG = { name: 1000, version: 1001, release: 1002, epoch: 1003, size: 1009, longsize: 5009 } as const;

/**
 * One rpm header blob, as rpmdb.sqlite stores it in `Packages.blob`: index count, data length,
 * then 16-byte index entries (tag, type, offset, count), then the data. Returns undefined when the
 * blob is not a header (gpg-pubkey entries are headers too, and count, as `rpm -qa` lists them).
 */
export function parseRpmHeader(blob: Uint8Array): InstalledPackage | undefined {
  if (blob.length < 8) return undefined;
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const entries = view.getUint32(0);
  const dataLength = view.getUint32(4);
  const dataStart = 8 + entries * 16;
  if (entries > 100_000 || dataStart + dataLength > blob.length) return undefined;
  const values = new Map<number, string | number>();
  for (let index = 0; index < entries; index++) {
    const at = 8 + index * 16;
    const tag = view.getUint32(at);
    const type = view.getUint32(at + 4);
    const offset = view.getUint32(at + 8);
    if (!Object.values(RPMTAG).includes(tag as never) || dataStart + offset >= blob.length) continue;
    const position = dataStart + offset;
    if (type === 6 || type === 9 || type === 8) {
      // STRING, I18NSTRING, STRING_ARRAY: NUL-terminated; the first string is enough here.
      const end = blob.indexOf(0, position);
      values.set(tag, Buffer.from(blob.subarray(position, end < 0 ? blob.length : end)).toString('utf8'));
    } else if (type === 4 && position + 4 <= blob.length) values.set(tag, view.getUint32(position));
    else if (type === 5 && position + 8 <= blob.length) values.set(tag, Number(view.getBigUint64(position)));
  }
  const name = values.get(RPMTAG.name);
  if (typeof name !== 'string') return undefined;
  const epoch = values.get(RPMTAG.epoch);
  const version = `${epoch !== undefined ? `${epoch}:` : ''}${values.get(RPMTAG.version) ?? ''}-${values.get(RPMTAG.release) ?? ''}`;
  const size = Number(values.get(RPMTAG.longsize) ?? values.get(RPMTAG.size) ?? 0);
  return { name, version, sizeBytes: size };
}

/** rpm's SQLite database (rpm 4.16+: Fedora 33+, RHEL 9, UBI 9), read with sql.js (SQLite in WebAssembly). */
export async function parseRpmSqlite(bytes: Uint8Array): Promise<InstalledPackage[]> {
  // Loaded only when an image has an rpm database. The build with the WebAssembly inlined needs no
  // file beside the bundle, so the CLI and the extension load it alike.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loadSqlJs = require('sql.js/dist/sql-wasm-inline.js') as typeof initSqlJs;
  const SQL = await loadSqlJs();
  const database = new SQL.Database(bytes);
  try {
    const result = database.exec('SELECT blob FROM Packages');
    const rows = result[0]?.values ?? [];
    return rows.flatMap(([blob]: readonly unknown[]) => {
      const header = blob instanceof Uint8Array ? parseRpmHeader(blob) : undefined;
      return header ? [header] : [];
    });
  } finally {
    database.close();
  }
}
