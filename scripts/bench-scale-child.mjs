// One measurement for `npm run bench`, in a fresh process so each input has a heap of its own:
// the analysis time of a generated input (median of five runs, each parsing every RUN anew) and
// the memory it takes (peak RSS during a first run, above the RSS before it). Prints one JSON line.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { FAMILIES, REALISTIC_30 } from './bench-inputs.mjs';

const require = createRequire(import.meta.url);
const core = require('../server/out/core.js');
const [family, sizeText] = process.argv.slice(2);
const size = Number(sizeText);

await core.initialize();
for (let i = 0; i < 30; i++) core.analyze(REALISTIC_30); // compile the hot paths first
const text = FAMILIES[family].make(size);
globalThis.gc?.();
const rssBefore = process.memoryUsage().rss;
// The first run measures memory (and compiles what this input needs); five more measure time.
core.analyze(text);
const memoryBytes = Math.max(0, process.resourceUsage().maxRSS * 1024 - rssBefore);
const times = [];
for (let run = 0; run < 5; run++) {
  core.clearParseCaches();
  const start = performance.now();
  core.analyze(text);
  times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
process.stdout.write(`${JSON.stringify({ family, size, ms: times[2], memoryBytes })}\n`);
