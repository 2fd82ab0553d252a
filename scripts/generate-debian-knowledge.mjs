#!/usr/bin/env node
// Regenerates server/src/core/knowledge/debian-packages.generated.json.
//
// Why: the analyser tells users how much a build-only apt package (gcc, libpq-dev,
// default-jdk-headless, ...) adds to a slim image and what must be installed in the
// runtime stage instead. Those numbers must come from Debian's own metadata, not from
// guesses, so this script derives them from the Packages records on this machine.
//
// Reads:
//   - Debian package records: by default the Packages indexes that `apt-get update` downloaded
//     (found with `apt-get indextargets`, decompressed with apt-helper), or a plain Debian
//     Packages file given with --packages-file PATH (for reproducibility). Not `apt-cache
//     dumpavail`: it prints the locally installed version when that is newer, so a machine
//     with e.g. NodeSource's nodejs would leak a non-Debian record into the data.
//   - server/src/core/families/apt.data.json, `buildOnly`: which packages are build-only.
//
// Run:
//   node scripts/generate-debian-knowledge.mjs
//   node scripts/generate-debian-knowledge.mjs --packages-file Packages --distribution bookworm
//   Other flags: --architecture ARCH, --output PATH. Needs `apt-get update` to have run once.
//
// Model: the base set approximates debian:<dist>-slim as debootstrap's minbase does
// (every `Priority: required` package, plus apt, plus their dependency closure). For each
// build-only package P: ownKiB is its Installed-Size; sizeKiB sums Installed-Size over P and
// its Depends/Pre-Depends closure outside the base set (what `apt-get install
// --no-install-recommends P` adds; version constraints are ignored, an alternative takes its
// first real package or provider unless the base set already satisfies it); runtime lists
// the same-source non-build-only packages a multi-stage rewrite must keep in the runtime
// stage; dependsOn (metapackages only) lists what removing P without --auto-remove leaves.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CATALOGUE = join(ROOT, 'server/src/core/families/apt.data.json');
const DEFAULT_OUTPUT = join(ROOT, 'server/src/core/knowledge/debian-packages.generated.json');
const APT_HELPER = '/usr/lib/apt/apt-helper';
// A package whose own files are under this share of what it pulls in is a metapackage.
const METAPACKAGE_SHARE = 0.05;

function fail(message) {
  console.error(`generate-debian-knowledge: ${message}`);
  process.exit(1);
}

function parseArgs(argv) {
  const options = { output: DEFAULT_OUTPUT };
  const flags = { '--packages-file': 'packagesFile', '--distribution': 'distribution', '--architecture': 'architecture', '--output': 'output' };
  for (let i = 0; i < argv.length; i += 1) {
    const key = flags[argv[i]];
    if (!key || argv[i + 1] === undefined) fail(`usage: [--packages-file PATH] [--distribution NAME] [--architecture ARCH] [--output PATH] (bad argument ${argv[i]})`);
    options[key] = argv[(i += 1)];
  }
  return options;
}

// ---- Reading the metadata -------------------------------------------------------------

function run(command, args) {
  return execFileSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
}

// The apt lists of this machine's configured archives: [{ file, codename, architecture }].
function aptPackagesIndexes() {
  let listing = '';
  try {
    listing = run('apt-get', ['indextargets', '--format', '$(FILENAME) $(CODENAME) $(ARCHITECTURE)', 'Identifier: Packages']);
  } catch (error) {
    fail(`could not run apt-get indextargets (${error.message}); pass --packages-file PATH instead`);
  }
  return listing.split('\n').filter(Boolean).map((line) => {
    const [file, codename, architecture] = line.split(' ');
    return { file, codename, architecture };
  });
}

// Returns { text, source, distribution?, architecture? } from --packages-file or the apt lists.
function readPackages(options) {
  if (options.packagesFile) {
    return { text: readFileSync(options.packagesFile, 'utf8'), source: `Packages file ${basename(options.packagesFile)}` };
  }
  const indexes = aptPackagesIndexes().filter((index) => existsSync(index.file));
  const text = indexes.map((index) => run(APT_HELPER, ['cat-file', index.file])).join('\n\n');
  if (!text.trim()) fail('no apt package lists found: run `apt-get update` first (as root), then re-run.');
  const codenames = [...new Set(indexes.map((index) => index.codename.replace(/-.*$/, '')))]; // bookworm-security -> bookworm
  const archs = [...new Set(indexes.map((index) => index.architecture))];
  return {
    text,
    source: `the apt lists of ${[...new Set(indexes.map((index) => index.codename))].sort().join(', ')}`,
    distribution: codenames.length === 1 ? codenames[0] : undefined,
    architecture: archs.length === 1 ? archs[0] : undefined,
  };
}

// Splits a Packages file into records of { Field: value }; continuation lines are appended
// to the previous field so that a folded Depends still parses.
function parseRecords(text) {
  const records = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const record = {};
    let last = null;
    for (const line of stanza.split('\n')) {
      if (/^\s/.test(line)) {
        if (last) record[last] += ` ${line.trim()}`;
        continue;
      }
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      last = line.slice(0, colon);
      record[last] = line.slice(colon + 1).trim();
    }
    if (record.Package && record.Version) records.push(record);
  }
  return records;
}

// ---- Debian version comparison (dpkg's algorithm, lib/dpkg/version.c) -----------------

function charOrder(c) {
  if (c === undefined || /[0-9]/.test(c)) return 0;
  if (c === '~') return -1; // ~ sorts before everything, even the end of the string
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256; // other symbols sort after letters
}

function compareFragments(a, b) {
  let i = 0;
  let j = 0;
  const digit = (s, k) => k < s.length && s[k] >= '0' && s[k] <= '9';
  while (i < a.length || j < b.length) {
    // Non-digit prefix, compared character by character with charOrder.
    while ((i < a.length && !digit(a, i)) || (j < b.length && !digit(b, j))) {
      const diff = charOrder(a[i]) - charOrder(b[j]);
      if (diff) return diff;
      i += 1;
      j += 1;
    }
    // Digit run, compared numerically without overflow: skip zeros, then longer wins.
    while (a[i] === '0') i += 1;
    while (b[j] === '0') j += 1;
    let firstDiff = 0;
    while (digit(a, i) && digit(b, j)) {
      if (!firstDiff) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i += 1;
      j += 1;
    }
    if (digit(a, i)) return 1;
    if (digit(b, j)) return -1;
    if (firstDiff) return firstDiff;
  }
  return 0;
}

function splitVersion(version) {
  const colon = version.indexOf(':');
  const epoch = colon >= 0 ? Number(version.slice(0, colon)) : 0;
  const rest = colon >= 0 ? version.slice(colon + 1) : version;
  const dash = rest.lastIndexOf('-');
  return dash >= 0 ? [epoch, rest.slice(0, dash), rest.slice(dash + 1)] : [epoch, rest, ''];
}

export function compareDebianVersions(a, b) {
  const [epochA, upstreamA, revisionA] = splitVersion(a);
  const [epochB, upstreamB, revisionB] = splitVersion(b);
  return Math.sign(epochA - epochB || compareFragments(upstreamA, upstreamB) || compareFragments(revisionA, revisionB));
}

// ---- The package database -------------------------------------------------------------

// "a (>= 1), b:any | c" -> [["a"], ["b", "c"]]: version constraints and arch qualifiers go.
function parseRelations(field) {
  if (!field) return [];
  return field.split(',').map((group) => group.split('|').map((alt) => alt.trim().split(/[\s(:[<]/)[0]).filter(Boolean)).filter((alts) => alts.length);
}

const PRIORITY_RANK = { required: 0, important: 1, standard: 2, optional: 3, extra: 4 };

// Keeps the highest version of each package (bookworm, -updates and -security overlap)
// and indexes virtual packages by provider. Providers are ordered roughly as apt prefers
// them, by Priority, then by name so that the output does not depend on the input's order.
function buildDatabase(records) {
  const packages = new Map();
  for (const record of records) {
    const current = packages.get(record.Package);
    if (!current || compareDebianVersions(record.Version, current.Version) > 0) packages.set(record.Package, record);
  }
  const providers = new Map();
  for (const record of packages.values()) {
    for (const [name] of parseRelations(record.Provides)) {
      if (!providers.has(name)) providers.set(name, []);
      providers.get(name).push(record.Package);
    }
  }
  const rank = (name) => PRIORITY_RANK[packages.get(name).Priority] ?? 5;
  for (const list of providers.values()) list.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
  const db = {
    packages,
    providers,
    installedSize: (name) => Number(packages.get(name)['Installed-Size'] ?? 0),
    sourceOf: (name) => (packages.get(name).Source ?? name).replace(/\s*\(.*\)$/, ''),
    // First alternative that is a real package, or the first provider of a virtual one.
    pick(alternatives) {
      for (const name of alternatives) {
        if (packages.has(name)) return name;
        if (providers.has(name)) return providers.get(name)[0];
      }
      return null;
    },
  };
  db.directDepends = (name) => parseRelations(packages.get(name).Depends).map(db.pick).filter(Boolean);
  db.dependencyGroups = (name) => {
    const record = packages.get(name);
    return [...parseRelations(record['Pre-Depends']), ...parseRelations(record.Depends)];
  };
  return db;
}

// ---- Base set and sizes ---------------------------------------------------------------

// debootstrap --variant=minbase installs Priority: required plus apt, with dependencies.
// Like debootstrap (and apt), a dependency that a package already chosen satisfies adds
// nothing, e.g. base-files' "awk" is mawk (required), not gawk, its first provider.
// debootstrap merges /usr itself and installs usr-is-merged, so init-system-helpers'
// "usrmerge | usr-is-merged" does not pull usrmerge and perl into the image.
function computeBaseSet(db) {
  const seeds = [...db.packages.values()].filter((r) => r.Priority === 'required').map((r) => r.Package);
  for (const extra of ['apt', 'usr-is-merged']) if (db.packages.has(extra)) seeds.push(extra);
  const base = new Set(seeds);
  const queue = [...seeds];
  while (queue.length) {
    for (const group of db.dependencyGroups(queue.shift())) {
      if (satisfiedBy(base, db, group)) continue;
      const dep = db.pick(group);
      if (dep) {
        base.add(dep);
        queue.push(dep);
      }
    }
  }
  return base;
}

// apt installs nothing for a dependency that an installed package already satisfies,
// even when it is not the first alternative (e.g. "foo | awk" with mawk in the base).
function satisfiedBy(base, db, group) {
  return group.some((name) => base.has(name) || (db.providers.get(name) ?? []).some((p) => base.has(p)));
}

// Installed-Size of P plus its Depends/Pre-Depends closure, leaving out the base set.
function installSizeKiB(db, base, name) {
  const added = new Set();
  const queue = [name];
  while (queue.length) {
    const current = queue.pop();
    if (added.has(current) || base.has(current)) continue;
    added.add(current);
    for (const group of db.dependencyGroups(current)) {
      if (satisfiedBy(base, db, group)) continue;
      const dep = db.pick(group);
      if (dep) queue.push(dep);
    }
  }
  let total = 0;
  for (const pkg of added) total += db.installedSize(pkg);
  return total;
}

// ---- Runtime counterparts -------------------------------------------------------------

function loadBuildOnlyTest() {
  const { buildOnly: apt } = JSON.parse(readFileSync(CATALOGUE, 'utf8'));
  const names = new Set(apt.packages);
  const patterns = apt.patterns.map((p) => new RegExp(p));
  return (name) => names.has(name) || patterns.some((re) => re.test(name));
}

// Debian files headers, build tools and documentation under these sections (libc-dev-bin,
// libmariadb-dev-compat, cmake-data, golang-doc, ...): none is needed to run a program, so
// while looking for runtime counterparts they count as build-only too.
const BUILD_SIDE_SECTION = /(^|\/)(devel|libdevel|doc)$/;

function buildSideTest(db, isBuildOnly) {
  return (name) => isBuildOnly(name) || BUILD_SIDE_SECTION.test(db.packages.get(name).Section ?? '');
}

// Walks `from`'s direct Depends within `from`'s source package: a runtime sibling is a
// counterpart (libpq-dev -> libpq5); a build-side sibling is walked the same way
// (libjpeg-dev -> libjpeg62-turbo-dev -> libjpeg62-turbo).
function collectSameSource(db, isBuildSide, from, found, visited = new Set([from])) {
  const source = db.sourceOf(from);
  for (const dep of db.directDepends(from)) {
    if (visited.has(dep) || db.sourceOf(dep) !== source) continue;
    visited.add(dep);
    if (isBuildSide(dep)) collectSameSource(db, isBuildSide, dep, found, visited);
    else found.add(dep);
  }
}

// When P's own source yields nothing, a -dev P may point at another source's -dev package
// (default-libmysqlclient-dev -> libmariadb-dev-compat -> libmariadb-dev -> libmariadb3), so
// walk from each build-side dependency. Not for tools: from gcc that pass would reach gcc-12's
// own libraries (libcc1-0, libasan8, ...), which the programs it builds do not need.
function runtimeCounterparts(db, base, isBuildSide, name) {
  const found = new Set();
  collectSameSource(db, isBuildSide, name, found);
  if (found.size === 0 && name.endsWith('-dev')) {
    for (const dep of db.directDepends(name)) {
      if (isBuildSide(dep)) collectSameSource(db, isBuildSide, dep, found);
    }
  }
  return [...found].filter((pkg) => !base.has(pkg)).sort();
}

// ---- Output -----------------------------------------------------------------------------

function detectDistribution(options, input) {
  const distribution = options.distribution ?? input.distribution;
  if (!distribution) fail('cannot tell the distribution of these records; pass --distribution NAME');
  return distribution;
}

function detectArchitecture(options, input, db) {
  if (options.architecture ?? input.architecture) return options.architecture ?? input.architecture;
  const archs = new Set([...db.packages.values()].map((r) => r.Architecture).filter((a) => a && a !== 'all'));
  if (archs.size !== 1) fail(`records span architectures ${[...archs].join(', ') || 'none'}; pass --architecture ARCH`);
  return [...archs][0];
}

function render(meta, entries) {
  const lines = entries.map(([name, entry]) => `    ${JSON.stringify(name)}: ${JSON.stringify(entry)}`);
  return [
    '{',
    `  "$comment": ${JSON.stringify(meta.comment)},`,
    `  "distribution": ${JSON.stringify(meta.distribution)},`,
    `  "architecture": ${JSON.stringify(meta.architecture)},`,
    `  "baseSet": ${JSON.stringify(meta.baseSet)},`,
    '  "packages": {',
    lines.join(',\n'),
    '  }',
    '}',
    '',
  ].join('\n');
}

// Debian's packaged Rust crates, Go modules, Haskell and JavaScript libraries are build inputs
// nobody installs with apt in a Dockerfile; leaving them out keeps the table a tenth the size.
const LANGUAGE_LIBRARY = /^(librust-|golang-.+-dev$|libghc-|libjs-|elpa-|r-cran-|libocaml-|ocaml-)/;
// Only headers (-dev) and toolchains with a runtime flavour (JDK -> JRE, venv -> python3) have
// runtime counterparts; a compiler's own support libraries (gcc-12 -> libasan8) are not.
const HAS_RUNTIME_FLAVOUR = /(-dev|-jdk|-jdk-headless|-venv)$/;

function main() {
  const options = parseArgs(process.argv.slice(2));
  const input = readPackages(options);
  const db = buildDatabase(parseRecords(input.text));
  const distribution = detectDistribution(options, input);
  const architecture = detectArchitecture(options, input, db);
  const base = computeBaseSet(db);
  const isBuildOnly = loadBuildOnlyTest();
  const isBuildSide = buildSideTest(db, isBuildOnly);

  const targets = [...db.packages.keys()].filter((name) => isBuildOnly(name) && !LANGUAGE_LIBRARY.test(name)).sort();
  const entries = targets.map((name) => {
    const ownKiB = db.installedSize(name);
    const sizeKiB = installSizeKiB(db, base, name);
    const runtime = HAS_RUNTIME_FLAVOUR.test(name) ? runtimeCounterparts(db, base, isBuildSide, name) : [];
    const entry = { ownKiB, sizeKiB, runtime };
    if (!name.endsWith('-dev') && ownKiB < METAPACKAGE_SHARE * sizeKiB) {
      entry.dependsOn = [...new Set(db.directDepends(name))].filter((dep) => !base.has(dep)).sort();
    }
    return [name, entry];
  });

  const comment = `Generated by scripts/generate-debian-knowledge.mjs from ${input.source} (${db.packages.size} packages, ${distribution}/${architecture}); do not edit by hand.`;
  const json = render({ comment, distribution, architecture, baseSet: { description: 'Priority: required + apt (debootstrap minbase, merged /usr)', count: base.size } }, entries);
  writeFileSync(options.output, json);
  console.log(`generate-debian-knowledge: ${entries.length} packages, base set ${base.size}, ${(Buffer.byteLength(json) / 1024).toFixed(0)} KiB -> ${options.output}`);
}

// Runs only as a script, so tests can import compareDebianVersions.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
