#!/usr/bin/env node
// `npm run bench:compare`: wall time of `dockerfile-multistage compare` against `docker build` of the
// same two Dockerfiles one after the other from the shell (the builds alone), in the same run:
// - cold: no build cache of the fixture (only meaningful on an Engine nobody else builds on: other
//   images that share the layers keep them);
// - warm: the same files again (the measurement of those image ids is cached);
// - after a source change: a new file in the context each run, so COPY and what follows rebuild and
//   the new images are measured (their unchanged layers' gzip sizes are known);
// - layers read again: warm, with --no-cache (every layer exported, gzipped and read).
// Each row also gives the part of compare's time spent measuring (from its progress lines).
// BENCH_MEMORY_IMAGE=IMAGE adds the time and peak memory of `inspect --no-cache IMAGE`.
// BENCH_MODES=warm,changed picks rows. Needs a Docker Engine and the docker CLI; asserts nothing.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const core = require('../server/out/core.js');
const root = new URL('..', import.meta.url).pathname;
const fixture = process.argv[2] ?? 'c-make';
const runs = Number(process.env.BENCH_RUNS ?? 3);
const modes = (process.env.BENCH_MODES ?? 'cold,warm,changed,reread').split(',');

await core.initialize();
// A copy of the fixture: "after a source change" adds files to it.
const context = mkdtempSync(join(tmpdir(), `bench-compare-${fixture}-`));
cpSync(join(root, 'test/fixtures/apps', fixture), context, { recursive: true });
const original = join(context, 'Dockerfile');
// The fixture's folder is its build context, as `compare` reads it (Cargo.toml names the binary).
const buildContext = {
  readFile: (path) => {
    try {
      return readFileSync(join(context, path), 'utf8');
    } catch {
      return undefined;
    }
  },
  list: () => readdirSync(context),
};
const result = core.rewrite(readFileSync(original, 'utf8'), { context: buildContext });
if (!result.ok) throw new Error(`no rewrite for ${fixture}: ${result.reason}`);
const rewritten = join(mkdtempSync(join(tmpdir(), 'bench-compare-')), 'Dockerfile.multistage');
writeFileSync(rewritten, result.text);

const TAGS = ['bench-compare:original', 'bench-compare:rewritten'];
const docker = (...args) => execFileSync('docker', args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DOCKER_BUILDKIT: '0' } }).toString();
// The measurement cache of this run only, so that "warm" means warm because this run measured first.
const cacheHome = mkdtempSync(join(tmpdir(), 'bench-compare-cache-'));

/**
 * Removes the benchmark's images and the compare cache tags of this file, with the parent layers
 * only they kept (docker rmi prunes those). Other people's images on a shared Engine stay.
 */
function dropCache() {
  // compare's cache tags for this file are <folder>-<file>-<sha256 of file and context>[-...] (see cacheTagPrefix).
  const hash = createHash('sha256').update(`${original}\0${context}`).digest('hex').slice(0, 10);
  const cacheTags = docker('images', '--format', '{{.Repository}}:{{.Tag}}', 'dockerfile-multistage-cache').split('\n').filter((tag) => tag.includes(`-${hash}-`));
  for (const tag of [...TAGS, ...cacheTags]) spawnSync('docker', ['rmi', tag], { stdio: 'ignore' });
}

function time(fn) {
  const start = performance.now();
  fn();
  return (performance.now() - start) / 1000;
}

const shellBuilds = () =>
  time(() => {
    docker('build', '-q', '-t', TAGS[0], '-f', original, context);
    docker('build', '-q', '-t', TAGS[1], '-f', rewritten, context);
  });
/**
 * One compare: its wall time, and the part of it spent measuring, read from the progress lines: from
 * measuring the single-stage image to starting the second build, and from measuring the multi-stage
 * image to the clean-up (which also waits for the single-stage image's reading to end).
 */
async function compareTimed(...flags) {
  const started = performance.now();
  const child = spawn(process.execPath, [join(root, 'server/out/cli.js'), 'compare', ...flags, '--format', 'json', original], { env: { ...process.env, XDG_CACHE_HOME: cacheHome } });
  const at = new Map();
  let stderr = '';
  child.stdout.resume();
  child.stderr.on('data', (chunk) => {
    const now = performance.now();
    stderr += chunk;
    for (const line of chunk.toString().split('\n')) if (line && !at.has(line)) at.set(line, now);
  });
  const [status] = await once(child, 'close');
  if (status !== 0) throw new Error(stderr);
  const seconds = (performance.now() - started) / 1000;
  const span = (from, to) => (at.has(from) && at.has(to) ? Math.max(0, at.get(to) - at.get(from)) / 1000 : 0);
  const measuring = span('Measuring the single-stage image', 'Building the multi-stage image') + span('Measuring the multi-stage image', 'Removing the temporary images and containers');
  return { seconds, measuring };
}
const compare = async (...flags) => (await compareTimed(...flags)).seconds;
let edits = 0;
const changeSource = () => writeFileSync(join(context, `bench-change-${edits++}.txt`), `${Date.now()}\n`);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const LABELS = { cold: 'cold', warm: 'warm', changed: 'after a source change', reread: 'warm, layers read again' };
const rows = [];
for (const mode of modes) {
  const shell = [];
  const ours = [];
  const measuring = [];
  if (mode !== 'cold') {
    shellBuilds();
    await compare(); // fill the build cache and the measurement cache once
  }
  for (let i = 0; i < runs; i++) {
    if (mode === 'cold') dropCache();
    if (mode === 'changed') changeSource();
    shell.push(shellBuilds());
    if (mode === 'cold') dropCache();
    if (mode === 'changed') changeSource();
    const timed = mode === 'reread' ? await compareTimed('--no-cache') : await compareTimed();
    ours.push(timed.seconds);
    measuring.push(timed.measuring);
  }
  rows.push({ mode: LABELS[mode] ?? mode, shell: median(shell), compare: median(ours), measuring: median(measuring) });
}
dropCache();
console.log(`Compare Image Sizes against two docker builds, fixture ${fixture}, ${runs} runs each, ${new Date().toISOString().slice(0, 10)}`);
console.log('| cache | docker build x2 (s) | compare (s) | ratio | of which measuring (s) | measuring / builds |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const row of rows) {
  console.log(`| ${row.mode} | ${row.shell.toFixed(1)} | ${row.compare.toFixed(1)} | ${(row.compare / row.shell).toFixed(2)} | ${row.measuring.toFixed(2)} | ${(row.measuring / row.shell).toFixed(2)} |`);
}

const image = process.env.BENCH_MEMORY_IMAGE;
if (image) {
  // Peak memory of reading a large image's layers (streamed: it should not grow with the image).
  const size = Number(docker('image', 'inspect', '--format', '{{.Size}}', image).trim());
  const started = performance.now();
  const out = spawnSync(process.execPath, ['-r', join(root, 'scripts/bench-peak-rss.cjs'), join(root, 'server/out/cli.js'), 'inspect', '--no-cache', '--format', 'json', image], { encoding: 'utf8' });
  const seconds = (performance.now() - started) / 1000;
  const peak = JSON.parse(out.stderr.trim().split('\n').pop()).peakRssKiB;
  console.log(`\ninspect --no-cache ${image} (${(size / 1e6).toFixed(0)} MB): ${seconds.toFixed(1)} s, peak RSS ${(peak / 1024).toFixed(0)} MB`);
}
