#!/usr/bin/env node
// `npm run bench:compare`: wall time of `dockerfile-multistage compare` against `docker build` of the
// same two Dockerfiles one after the other from the shell, in the same run, cold (no build cache)
// and warm. Needs a Docker Engine and the docker CLI; prints medians and the ratio, asserts nothing.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const core = require('../server/out/core.js');
const root = new URL('..', import.meta.url).pathname;
const fixture = process.argv[2] ?? 'c-make';
const context = join(root, 'test/fixtures/apps', fixture);
const runs = Number(process.env.BENCH_RUNS ?? 3);

await core.initialize();
const original = join(context, 'Dockerfile');
const result = core.rewrite(readFileSync(original, 'utf8'));
if (!result.ok) throw new Error(`no rewrite for ${fixture}: ${result.reason}`);
const rewritten = join(mkdtempSync(join(tmpdir(), 'bench-compare-')), 'Dockerfile.multistage');
writeFileSync(rewritten, result.text);

const TAGS = ['bench-compare:original', 'bench-compare:rewritten'];
const docker = (...args) => execFileSync('docker', args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DOCKER_BUILDKIT: '0' } }).toString();

/** Removes the benchmark's images with their parent layers: the next build starts without cache. */
function dropCache() {
  for (const tag of TAGS) spawnSync('docker', ['rmi', '-f', tag], { stdio: 'ignore' });
  spawnSync('docker', ['image', 'prune', '-f'], { stdio: 'ignore' });
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
const compare = () =>
  time(() => {
    const out = spawnSync(process.execPath, [join(root, 'server/out/cli.js'), 'compare', '--format', 'json', original], { encoding: 'utf8' });
    if (out.status !== 0) throw new Error(out.stderr);
  });

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const rows = [];
for (const mode of ['cold', 'warm']) {
  const shell = [];
  const ours = [];
  if (mode === 'warm') shellBuilds(); // fill the cache once
  for (let i = 0; i < runs; i++) {
    if (mode === 'cold') dropCache();
    shell.push(shellBuilds());
    if (mode === 'cold') dropCache();
    ours.push(compare());
  }
  rows.push({ mode, shell: median(shell), compare: median(ours) });
}
dropCache();
console.log(`Compare Image Sizes against two docker builds, fixture ${fixture}, ${runs} runs each, ${new Date().toISOString().slice(0, 10)}`);
console.log('| cache | docker build x2 (s) | compare (s) | ratio |');
console.log('|---|---:|---:|---:|');
for (const row of rows) console.log(`| ${row.mode} | ${row.shell.toFixed(1)} | ${row.compare.toFixed(1)} | ${(row.compare / row.shell).toFixed(2)} |`);
