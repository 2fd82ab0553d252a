#!/usr/bin/env node
// The language server process: `dockerfile-multistage-language-server --stdio` for any LSP client, or
// started over IPC by the VS Code extension.
import { setFlagsFromString } from 'node:v8';
import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { startLanguageServer } from './lsp/server';
import { version } from '../../package.json';

// Baseline-compiled WebAssembly parses RUN lines as fast here (measured) and saves about 25 MB of
// optimised code; it must be set before the grammar loads.
setFlagsFromString('--liftoff-only');

const TRANSPORTS = ['--stdio', '--node-ipc', '--socket', '--pipe', '--clientProcessId'];

if (process.argv.includes('--version')) {
  process.stdout.write(`${version}\n`);
} else if (!process.argv.slice(2).some((arg) => TRANSPORTS.some((transport) => arg.startsWith(transport)))) {
  process.stderr.write('usage: dockerfile-multistage-language-server --stdio   (or --node-ipc, --socket=PORT, --pipe=NAME)\n');
  process.exitCode = 2;
} else {
  startLanguageServer(createConnection(ProposedFeatures.all), version);
}
