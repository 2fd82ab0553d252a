#!/usr/bin/env node
// Validates test/corpus/manifest.json against the folders beside it and prints
// the number of files in each category next to the minimum the corpus aims for.
// Usage: node test/corpus/check-manifest.mjs   (exit code 1 on any error)
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const manifest = JSON.parse(readFileSync(join(here, 'manifest.json'), 'utf8'));

const LICENCES = new Set(['MIT', 'Apache-2.0', 'BSD-2-Clause', 'BSD-3-Clause', 'ISC', '0BSD', 'Unlicense', 'CC0-1.0', 'MIT-0']);
const ECOSYSTEMS = new Set(['python', 'node', 'go', 'rust', 'java', 'ruby', 'php', 'dotnet', 'c-cpp', 'generic']);
const FAMILIES = new Set(['apt', 'apk', 'rpm', 'none']);
const DISTRIBUTIONS = new Set(['debian', 'ubuntu', 'alpine', 'ubi', 'fedora', 'centos', 'rocky', 'alma', 'other']);
const EXPECTED = new Set(['rewrite', 'refuse', 'clean']);
const CONTEXT_NAMES = new Set(['Cargo.toml', 'package.json', 'go.mod', 'pom.xml', 'build.gradle', 'build.gradle.kts',
  'Gemfile', 'composer.json', 'pyproject.toml', 'requirements.txt', 'setup.py']);
const RHEL = new Set(['ubi', 'fedora', 'centos', 'rocky', 'alma']);

const errors = [];
const warnings = [];
const err = (id, msg) => errors.push(`${id}: ${msg}`);
const warn = (id, msg) => warnings.push(`${id}: ${msg}`);

// ---------- a small Dockerfile reader (enough for the categories below) ----------
function instructions(text) {
  const out = [];
  let cur = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+$/, '');
    if (cur === null) {
      if (/^\s*(#|$)/.test(line)) continue;
      cur = line.trim();
    } else {
      if (/^\s*#/.test(line)) continue; // comment inside a continuation
      cur += ' ' + line.trim();
    }
    if (cur.endsWith('\\')) { cur = cur.slice(0, -1); continue; }
    const m = /^(\w+)\s*(.*)$/s.exec(cur);
    if (m) out.push({ op: m[1].toUpperCase(), args: m[2] });
    cur = null;
  }
  if (cur) { const m = /^(\w+)\s*(.*)$/s.exec(cur); if (m) out.push({ op: m[1].toUpperCase(), args: m[2] }); }
  return out;
}

function stages(text) {
  const list = [];
  const preArgs = {};
  for (const ins of instructions(text)) {
    if (ins.op === 'FROM') {
      const words = ins.args.split(/\s+/).filter((w) => !w.startsWith('--'));
      const image = words[0] ?? '';
      const asIdx = words.findIndex((w) => w.toLowerCase() === 'as');
      list.push({ image, name: asIdx >= 0 ? words[asIdx + 1]?.toLowerCase() : undefined, body: [] });
    } else if (list.length) {
      list[list.length - 1].body.push(ins);
    } else if (ins.op === 'ARG') {
      const [k, v] = ins.args.split('=');
      if (v !== undefined) preArgs[k.trim()] = v.trim().replace(/^"|"$/g, '');
    }
  }
  return { list, preArgs };
}

// The final stage and every stage it is built FROM (by name or index). A FROM whose stage name
// depends on an unset ARG (FROM build-${TARGETARCH}) follows every stage that could match.
function runtimeChain(text) {
  const { list, preArgs } = stages(text);
  const chain = [];
  const todo = list.length ? [list[list.length - 1]] : [];
  const seen = new Set();
  while (todo.length) {
    const s = todo.shift();
    if (seen.has(s)) continue;
    seen.add(s);
    chain.push(s);
    const ref = s.image.replace(/\$\{?(\w+)\}?/g, (_, k) => preArgs[k] ?? `$${k}`).toLowerCase();
    if (/^\d+$/.test(ref) && list[Number(ref)]) { todo.push(list[Number(ref)]); continue; }
    if (ref.includes('$')) {
      const re = new RegExp(`^${ref.split(/\$\w+/).map((x) => x.replace(/[.*+?^{}()|[\]\\]/g, '\\$&')).join('.+')}$`);
      todo.push(...list.filter((t) => t !== s && t.name && re.test(t.name)));
    } else {
      const t = list.find((x) => x.name === ref);
      if (t) todo.push(t);
    }
  }
  return { chain, preArgs };
}

function hasCommand(chain) {
  return chain.some((s) => s.body.some((i) => i.op === 'CMD' || i.op === 'ENTRYPOINT'));
}

function cargoRunWithoutBin(chain) {
  return chain.some((s) => s.body.some((i) => (i.op === 'CMD' || i.op === 'ENTRYPOINT')
    && /\bcargo\b/.test(i.args) && /\brun\b/.test(i.args) && !/--bin\b/.test(i.args)));
}

// A package or --virtual group added by apk add in one RUN and removed by apk del in a later RUN.
function lateApkDel(chain) {
  const runs = chain.flatMap((s) => s.body.filter((i) => i.op === 'RUN').map((i) => i.args));
  const segments = (r) => r.split(/&&|;|\|\|/).map((x) => x.trim());
  const names = (seg, verb) => {
    const m = new RegExp(`apk\\s+${verb}\\s+(.*)$`).exec(seg);
    if (!m) return [];
    const words = m[1].split(/\s+/);
    const out = [];
    for (let i = 0; i < words.length; i++) {
      if (words[i] === '--virtual' || words[i] === '-t') { out.push(words[++i]); continue; }
      if (words[i].startsWith('--virtual=')) { out.push(words[i].slice(10)); continue; }
      if (!words[i].startsWith('-')) out.push(words[i].split(/[=<>~]/)[0]);
    }
    return out;
  };
  return runs.some((r, i) => {
    const added = segments(r).flatMap((seg) => names(seg, 'add'));
    const deletedHere = new Set(segments(r).flatMap((seg) => names(seg, 'del')));
    return added.some((p) => !deletedHere.has(p)
      && runs.slice(i + 1).some((later) => segments(later).flatMap((seg) => names(seg, 'del')).includes(p)));
  });
}

const isRegistryPrefixed = (image) => /^[^/]+\.[^/]+\//.test(image) || /^[^/]+:\d+\//.test(image) || image.startsWith('rustlang/');

// ---------- per-entry checks ----------
const ids = new Set();
const rows = [];
for (const f of manifest.files ?? []) {
  const id = f.id ?? '(missing id)';
  if (ids.has(id)) err(id, 'duplicate id');
  ids.add(id);
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(id)) err(id, 'id must be lowercase words joined by -');
  for (const k of ['repository', 'path', 'commit', 'licence', 'handWritten', 'contextFiles', 'ecosystems', 'family', 'distribution', 'label']) {
    if (!(k in f)) err(id, `missing field ${k}`);
  }
  if (!/^[^/\s]+\/[^/\s]+$/.test(f.repository ?? '')) err(id, `repository must be owner/name: ${f.repository}`);
  if (!/^[0-9a-f]{40}$/.test(f.commit ?? '')) err(id, `commit is not 40 hex: ${f.commit}`);
  if (!LICENCES.has(f.licence)) err(id, `licence not in the allowed list: ${f.licence}`);
  if (typeof f.handWritten !== 'boolean') err(id, 'handWritten must be a boolean');
  if (f.handWritten && !f.imitates) err(id, 'a hand-written file must name the original it imitates (imitates)');
  if (!f.handWritten && !f.licenceSource) err(id, 'licenceSource (where the licence was read) is missing');
  if (!Array.isArray(f.ecosystems) || !f.ecosystems.length || f.ecosystems.some((e) => !ECOSYSTEMS.has(e))) err(id, `bad ecosystems ${f.ecosystems}`);
  if (!FAMILIES.has(f.family)) err(id, `bad family ${f.family}`);
  if (!DISTRIBUTIONS.has(f.distribution)) err(id, `bad distribution ${f.distribution}`);

  const dir = join(here, id);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) { err(id, 'folder missing'); continue; }
  const dockerfilePath = join(dir, 'Dockerfile');
  if (!existsSync(dockerfilePath)) { err(id, 'Dockerfile missing'); continue; }
  const present = readdirSync(dir).filter((n) => n !== 'Dockerfile').sort();
  const listed = [...(f.contextFiles ?? [])].sort();
  if (JSON.stringify(present) !== JSON.stringify(listed)) err(id, `contextFiles ${JSON.stringify(listed)} != files present ${JSON.stringify(present)}`);
  for (const n of listed) {
    if (!(CONTEXT_NAMES.has(n) || n.endsWith('.csproj'))) err(id, `unexpected context file ${n}`);
    if (existsSync(join(dir, n)) && statSync(join(dir, n)).size >= 20000) err(id, `context file ${n} is 20 KB or more`);
  }

  const L = f.label ?? {};
  for (const k of ['flagged', 'buildTools', 'runtimeKeeps', 'toolchainBase', 'expected', 'reason']) {
    if (!(k in L)) err(id, `label.${k} missing`);
  }
  if (typeof L.flagged !== 'boolean') err(id, 'label.flagged must be a boolean');
  if (!EXPECTED.has(L.expected)) err(id, `label.expected must be rewrite|refuse|clean, not ${L.expected}`);
  if (!L.reason || typeof L.reason !== 'string') err(id, 'label.reason must be a non-empty string');
  if (L.expected === 'clean' && L.flagged) err(id, 'expected clean but flagged');
  if (L.expected === 'rewrite' && !L.flagged) err(id, 'expected rewrite but not flagged');
  if (!L.flagged && (L.buildTools?.length || L.toolchainBase)) err(id, 'not flagged but lists build tools or a toolchain base');
  if (L.flagged && !L.buildTools?.length && !L.toolchainBase) err(id, 'flagged without build tools or toolchain base');

  const text = readFileSync(dockerfilePath, 'utf8');
  const words = new Set(text.split(/[\s\\"'=,;&|()[\]]+/).filter(Boolean));
  for (const p of [...(L.buildTools ?? []), ...(L.runtimeKeeps ?? []), ...(L.ambiguous ?? [])]) {
    if (!words.has(p)) err(id, `package "${p}" is not spelled like that in the Dockerfile`);
  }
  const { chain, preArgs } = runtimeChain(text);
  const resolve = (img) => img.replace(/\$\{?(\w+)\}?/g, (_, k) => preArgs[k] ?? `$${k}`);
  if (L.toolchainBase) {
    const froms = chain.map((s) => s.image);
    if (!froms.includes(L.toolchainBase) && !froms.map(resolve).includes(L.toolchainBase)) {
      err(id, `toolchainBase ${L.toolchainBase} is not the FROM of the runtime stages (${froms.join(', ')})`);
    }
  }
  const runtimeRuns = chain.flatMap((s) => s.body.filter((i) => i.op === 'RUN').map((i) => i.args)).join('\n');
  const family = /\bapk\s+(--\S+\s+)*add\b/.test(runtimeRuns) ? 'apk'
    : /\b(apt-get|apt)\s+(-\S+\s+)*(install|purge|remove)\b/.test(runtimeRuns) ? 'apt'
      : /\b(dnf|yum|microdnf)\s/.test(runtimeRuns) ? 'rpm' : 'none';
  if (family !== f.family) warn(id, `runtime stages install with ${family} but family says ${f.family}`);
  const tags = new Set(f.tags ?? []);
  const noCmd = !hasCommand(chain);
  if (noCmd !== tags.has('no-cmd')) warn(id, `computed no-cmd=${noCmd} but tag says ${tags.has('no-cmd')}`);
  if (tags.has('git-fetch') && !(L.buildTools ?? []).some((p) => /^(git|git-core|curl|wget)$/.test(p))) {
    err(id, 'tag git-fetch but no git/curl/wget among buildTools');
  }
  if (tags.has('cmd-from-base') && !noCmd) err(id, 'tag cmd-from-base but the Dockerfile has its own CMD/ENTRYPOINT');
  const cargo = cargoRunWithoutBin(chain);
  if (cargo !== tags.has('cargo-run')) warn(id, `computed cargo-run=${cargo} but tag says ${tags.has('cargo-run')}`);
  rows.push({ f, L, tags, noCmd, cargo, lateApk: lateApkDel(chain) });
}

for (const name of readdirSync(here)) {
  if (statSync(join(here, name)).isDirectory() && !ids.has(name)) err(name, 'folder not listed in manifest.json');
}

// ---------- category counts ----------
const apps = rows.filter((r) => r.L.expected !== 'refuse');
const eco = (e) => rows.filter((r) => r.f.ecosystems.includes(e)).length;
const categories = [
  ['total files', rows.length, 120],
  ['python', eco('python'), 15],
  ['node', eco('node'), 15],
  ['node native addons (python3/make/g++ or build-base, tag native-addon)', rows.filter((r) => r.tags.has('native-addon')).length, 5],
  ['  of which flagged', rows.filter((r) => r.tags.has('native-addon') && r.L.flagged).length, 0],
  ['go', eco('go'), 10],
  ['rust', eco('rust'), 8],
  ['java', eco('java'), 8],
  ['ruby', eco('ruby'), 8],
  ['php', eco('php'), 8],
  ['php with docker-php-ext-install/pecl', rows.filter((r) => r.f.ecosystems.includes('php')
    && /docker-php-ext-install|pecl install|install-php-extensions/.test(readFileSync(join(here, r.f.id, 'Dockerfile'), 'utf8'))).length, 0],
  ['dotnet', eco('dotnet'), 5],
  ['c-cpp', eco('c-cpp'), 8],
  ['generic (other languages)', eco('generic'), 0],
  ['multi-ecosystem applications (2+ ecosystems, not refuse)', apps.filter((r) => r.f.ecosystems.length > 1).length, 4],
  ['family apk (Alpine)', rows.filter((r) => r.f.family === 'apk').length, 15],
  ['  apk --virtual groups (tag virtual-group)', rows.filter((r) => r.tags.has('virtual-group')).length, 0],
  ['  apk del in a later layer (computed)', rows.filter((r) => r.lateApk).length, 1],
  ['RHEL family (ubi/fedora/centos/rocky/alma)', rows.filter((r) => RHEL.has(r.f.distribution)).length, 8],
  ['  of which dnf/yum/microdnf installs (family rpm)', rows.filter((r) => RHEL.has(r.f.distribution) && r.f.family === 'rpm').length, 0],
  ['other rpm (Amazon Linux)', rows.filter((r) => !RHEL.has(r.f.distribution) && r.f.family === 'rpm').length, 0],
  ['Ubuntu', rows.filter((r) => r.f.distribution === 'ubuntu').length, 8],
  ['  of which apt installs', rows.filter((r) => r.f.distribution === 'ubuntu' && r.f.family === 'apt').length, 0],
  ['Debian', rows.filter((r) => r.f.distribution === 'debian').length, 0],
  ['application images without CMD/ENTRYPOINT (computed, not refuse)', apps.filter((r) => r.noCmd).length, 10],
  ['  command given by compose/docker run', apps.filter((r) => r.noCmd && !r.tags.has('cmd-from-base')).length, 0],
  ['  command inherited from the base image (tag cmd-from-base)', apps.filter((r) => r.noCmd && r.tags.has('cmd-from-base')).length, 0],
  ['git/curl/wget installed only to fetch sources (tag git-fetch)', rows.filter((r) => r.tags.has('git-fetch')).length, 5],
  ['debuggers (gdb/valgrind) in a release image (not refuse)', apps.filter((r) => (r.L.buildTools ?? []).some((p) => /^(gdb|valgrind)$/.test(p))).length, 2],
  ['toolchain base behind a registry prefix or mirror', rows.filter((r) => r.L.toolchainBase && isRegistryPrefixed(r.L.toolchainBase)).length, 5],
  ['  of which application images (expected rewrite)', rows.filter((r) => r.L.toolchainBase && isRegistryPrefixed(r.L.toolchainBase) && r.L.expected === 'rewrite').length, 0],
  ['cargo run without --bin as CMD/ENTRYPOINT (computed)', rows.filter((r) => r.cargo).length, 2],
  ['already good (expected clean)', rows.filter((r) => r.L.expected === 'clean').length, 12],
  ['build/CI/dev environments (expected refuse)', rows.filter((r) => r.L.expected === 'refuse').length, 10],
  ['expected rewrite', rows.filter((r) => r.L.expected === 'rewrite').length, 0],
  ['flagged', rows.filter((r) => r.L.flagged).length, 0],
  ['hand-written', rows.filter((r) => r.f.handWritten).length, 0],
];
const handShare = rows.filter((r) => r.f.handWritten).length / Math.max(rows.length, 1);
if (handShare >= 0.25) errors.push(`hand-written files are ${(handShare * 100).toFixed(1)}% of the corpus (must stay under 25%)`);

const width = Math.max(...categories.map((c) => c[0].length));
console.log(`${'category'.padEnd(width)}  count  minimum`);
let short = 0;
for (const [name, count, min] of categories) {
  const mark = count < min ? '  << below minimum' : '';
  if (count < min) short++;
  console.log(`${name.padEnd(width)}  ${String(count).padStart(5)}  ${min ? String(min).padStart(7) : '      -'}${mark}`);
}
const licences = {};
for (const r of rows) licences[r.f.licence] = (licences[r.f.licence] ?? 0) + 1;
console.log('\nlicences:', Object.entries(licences).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', '));
const repos = {};
for (const r of rows) repos[r.f.repository] = (repos[r.f.repository] ?? 0) + 1;
console.log(`repositories: ${Object.keys(repos).length} (largest: ${Object.entries(repos).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, v]) => `${k} ${v}`).join(', ')})`);

for (const w of warnings) console.log(`warning: ${w}`);
if (errors.length) {
  for (const e of errors) console.error(`error: ${e}`);
  console.error(`\n${errors.length} error(s)`);
  process.exit(1);
}
console.log(`\nmanifest OK: ${rows.length} files${short ? `, ${short} categor${short === 1 ? 'y' : 'ies'} below minimum` : ''}`);
