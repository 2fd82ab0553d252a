#!/usr/bin/env node
// The language server process: `dockerfile-multistage-language-server --stdio` for any LSP client, or
// started over IPC by the VS Code extension.
import { setFlagsFromString } from 'node:v8';
import { collectWhenIdle, heapConfigured, limitHeapGrowth } from './lsp/memory';
import { startLanguageServer } from './lsp/server';
import { createServerConnection, transportFrom } from './lsp/transport';
import { version } from '../../package.json';

// Baseline-compiled WebAssembly parses RUN lines as fast here (measured) and saves about 25 MB of
// optimised code; it must be set before the grammar loads.
setFlagsFromString('--liftoff-only');
// No optimising compiler for JavaScript either: an edit re-analyses one stage, which the interpreter
// and the baseline compiler do in 1-2 ms, while TurboFan's code and its compile threads' memory cost
// 8-15 MB of a long-running server (measured: 1,000 edits of a 500-line file, 85 -> 75 MB RSS).
setFlagsFromString('--no-opt');

const transport = transportFrom(process.argv.slice(2));

if (process.argv.includes('--version')) {
  process.stdout.write(`${version}\n`);
} else if (!transport) {
  process.stderr.write('usage: dockerfile-multistage-language-server --stdio   (or --node-ipc, --socket=PORT, --pipe=NAME)\n');
  process.exitCode = 2;
} else {
  // Started without the VS Code client's heap options (other editors, the bin): the same shape, set here.
  if (!heapConfigured(process.execArgv, process.env.NODE_OPTIONS)) limitHeapGrowth();
  startLanguageServer(createServerConnection(transport), version, { afterAnalysis: collectWhenIdle() });
}
