#!/usr/bin/env node
// `npm run bench` (the analysis part): how fast the analysis is against dockerfile-utils' validate()
// (the validator inside VS Code's Docker tooling) on the same inputs in the same process, how its
// cost grows when an input doubles, and what `check` costs on very large files. Prints medians and
// ratios measured in this run; asserts nothing. The language server is measured by bench-server.mjs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BUILDKIT, FAMILIES, REALISTIC_30, generate } from './bench-inputs.mjs';

const require = createRequire(import.meta.url);
const { validate } = require('dockerfile-utils');
const core = require('../server/out/core.js');
const root = new URL('..', import.meta.url).pathname;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Median wall times of several functions over the same inputs, interleaved call by call so that a
 * noisy neighbour slows all of them alike. `prepare` runs untimed before a function's call.
 */
function measureInterleaved(contenders, runs) {
  const times = contenders.map(() => []);
  for (let i = -20; i < runs; i++) {
    contenders.forEach(({ fn, prepare }, index) => {
      prepare?.(i);
      const start = performance.now();
      fn(i);
      const elapsed = performance.now() - start;
      if (i >= 0) times[index].push(elapsed);
    });
  }
  return times.map(median);
}

/** The same file with one character changed in a RUN, as a keystroke in the editor changes it. */
function edited(text, i) {
  const at = text.indexOf('RUN ') + 4;
  return `${text.slice(0, at)}${'x'.repeat(((i % 3) + 3) % 3)}${text.slice(at)}`;
}

function analysisTable() {
  const inputs = [
    ['realistic 30-line', REALISTIC_30],
    ["BuildKit's Dockerfile (511 lines)", BUILDKIT],
    ["BuildKit's Dockerfile twice (1,022 lines)", BUILDKIT.repeat(2)],
    ['generated 2,000-line', generate(2000)],
  ];
  console.log('\nanalyze() against dockerfile-utils validate(), same inputs, same process (median ms)');
  console.log('| input | RUN lines | validate() | analyze() cold | ratio | analyze() editing | ratio |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const [name, text] of inputs) {
    const runs = text.length > 50_000 ? 150 : text.length > 10_000 ? 300 : 2000;
    const runLines = (text.match(/^RUN /gm) ?? []).length;
    const [validateMs, coldMs, editingMs] = measureInterleaved(
      [
        { fn: (i) => validate(edited(text, i)) },
        { fn: (i) => core.analyze(edited(text, i)), prepare: () => core.clearParseCaches() },
        { fn: (i) => core.analyze(edited(text, i)) },
      ],
      runs,
    );
    console.log(`| ${name} | ${runLines} | ${validateMs.toFixed(2)} | ${coldMs.toFixed(2)} | ${(coldMs / validateMs).toFixed(2)} | ${editingMs.toFixed(2)} | ${(editingMs / validateMs).toFixed(2)} |`);
  }
  console.log('cold: every RUN parsed anew (a file just opened); editing: one RUN changed since the last analysis (a keystroke).');
}

/** One child process per measurement (a heap of its own); sizes alternate, three rounds, medians. */
function scalingTable() {
  console.log('\nCost of doubling an input: analyze(), each size in a fresh process (median of three rounds of five runs)');
  console.log('| input grows in | size | ms | ratio | memory MB | ratio |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const [family, { what, sizes }] of Object.entries(FAMILIES)) {
    const results = sizes.map(() => ({ ms: [], memory: [] }));
    for (let round = 0; round < 3; round++) {
      sizes.forEach((size, index) => {
        const child = spawnSync(process.execPath, ['--expose-gc', join(root, 'scripts/bench-scale-child.mjs'), family, String(size)], { encoding: 'utf8' });
        if (child.status !== 0) throw new Error(`${family} ${size}: ${child.stderr}`);
        const { ms, memoryBytes } = JSON.parse(child.stdout);
        results[index].ms.push(ms);
        results[index].memory.push(memoryBytes / 1e6);
      });
    }
    const [small, large] = results.map((result) => ({ ms: median(result.ms), memory: median(result.memory) }));
    console.log(`| ${what} | ${sizes[0].toLocaleString('en')} | ${small.ms.toFixed(1)} | | ${small.memory.toFixed(1)} | |`);
    console.log(`| ${what} | ${sizes[1].toLocaleString('en')} | ${large.ms.toFixed(1)} | ${(large.ms / small.ms).toFixed(2)} | ${large.memory.toFixed(1)} | ${(large.memory / small.memory).toFixed(2)} |`);
  }
  console.log('ratio: the doubled input against the first size (target: at most 2.2 for time and memory).');
}

/** `dockerfile-multistage check` as a user runs it: a new process, wall time and peak RSS. */
function largeFilesTable() {
  const folder = mkdtempSync(join(tmpdir(), 'multistage-bench-'));
  try {
    const files = [
      ['10,000 lines (a multi-service file)', generate(10000)],
      ['4,000 ENV lines', FAMILIES.env.make(4000)],
    ];
    console.log('\n`dockerfile-multistage check FILE` in a new process (median of five; production bundle)');
    console.log('| file | wall ms | peak RSS MB |');
    console.log('|---|---:|---:|');
    for (const [name, text] of files) {
      const path = join(folder, 'Dockerfile');
      writeFileSync(path, text);
      const walls = [];
      const peaks = [];
      for (let run = 0; run < 5; run++) {
        const start = performance.now();
        const child = spawnSync(process.execPath, ['-r', join(root, 'scripts/bench-peak-rss.cjs'), join(root, 'server/out/cli.js'), 'check', path], { encoding: 'utf8' });
        walls.push(performance.now() - start);
        if (child.status !== 0 && child.status !== 1) throw new Error(`check failed: ${child.stderr}`);
        peaks.push(JSON.parse(child.stderr.trim().split('\n').pop()).peakRssKiB / 1024);
      }
      console.log(`| ${name} | ${median(walls).toFixed(0)} | ${median(peaks).toFixed(0)} |`);
    }
    const envText = FAMILIES.env.make(4000);
    const [envMs] = measureInterleaved([{ fn: () => core.analyze(envText), prepare: () => core.clearParseCaches() }], 20);
    console.log(`\nanalyze() of the 4,000-ENV-line file in a warm process: ${envMs.toFixed(1)} ms (target: under 100 ms).`);
    console.log('Targets for the 10,000-line file: under 1 s and 150 MB.');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

await core.initialize();
console.log(`Benchmark ${new Date().toISOString().slice(0, 10)} on ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
analysisTable();
scalingTable();
largeFilesTable();
