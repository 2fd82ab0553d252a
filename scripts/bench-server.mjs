#!/usr/bin/env node
// `npm run bench` (second half): how fast the language server turns an edit into diagnostics and
// how much memory it holds, for every way an editor starts it, against the VS Code client's start
// measured in the same run. Prints medians, p95 and RSS as a table; asserts nothing.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir, totalmem } from 'node:os';
import { delimiter, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { generate } from './bench-inputs.mjs';

const require = createRequire(import.meta.url);
const {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter, IPCMessageReader, IPCMessageWriter, InitializeRequest,
  InitializedNotification, DidOpenTextDocumentNotification, DidChangeTextDocumentNotification, PublishDiagnosticsNotification,
  DocumentDiagnosticRequest, ShutdownRequest, ExitNotification,
} = require('vscode-languageserver-protocol/node');

const SERVER = fileURLToPath(new URL('../server/out/server.js', import.meta.url));
const EDITS = Number(process.env.BENCH_EDITS ?? 1000);
// How long after the last edit the memory a server holds is read again (a pause in typing).
const IDLE_MS = 5000;

// How the VS Code client starts the server (SERVER_NODE_OPTIONS and SERVER_ENVIRONMENT in
// client/src/language-client.ts; its bundle needs vscode, so the values are repeated here).
const VSCODE_NODE_OPTIONS = ['--max-semi-space-size=1', '--max-old-space-size=96'];
const VSCODE_ENVIRONMENT = { MALLOC_ARENA_MAX: '2' };

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** The server's resident and peak memory in MB, from /proc (Linux). */
function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** A folder with the bin on PATH, linked as `npm install -g` links it. */
function installedBin() {
  const folder = mkdtempSync(join(tmpdir(), 'multistage-bench-bin-'));
  symlinkSync(SERVER, join(folder, 'dockerfile-multistage-language-server'));
  return folder;
}

const binFolder = installedBin();
process.on('exit', () => rmSync(binFolder, { recursive: true, force: true }));

/** The ways editors start the server. The first is the baseline. */
const STARTS = [
  {
    name: 'VS Code client (IPC, Node flags)',
    command: [process.execPath, ...VSCODE_NODE_OPTIONS, SERVER, '--node-ipc'],
    env: { ...process.env, ...VSCODE_ENVIRONMENT },
    ipc: true,
  },
  { name: '`node server.js --stdio`', command: [process.execPath, SERVER, '--stdio'], env: process.env },
  {
    name: 'the bin (`--stdio`)',
    command: ['dockerfile-multistage-language-server', '--stdio'],
    env: { ...process.env, PATH: `${binFolder}${delimiter}${process.env.PATH ?? ''}` },
  },
];

/** One server process started as `start`, with the 500-line document open. */
async function startServer(start, { pull }) {
  const [command, ...args] = start.command;
  const server = spawn(command, args, { stdio: start.ipc ? ['pipe', 'pipe', 'pipe', 'ipc'] : 'pipe', env: start.env });
  let stderr = '';
  server.stderr.on('data', (chunk) => (stderr += chunk));
  // A server that dies fails the benchmark at once instead of leaving it waiting.
  let stopping = false;
  const died = new Promise((_, reject) =>
    server.once('exit', (code, signal) => stopping || reject(new Error(`${start.name} exited (${signal ?? code}) during the benchmark: ${stderr.trim()}`))),
  );
  died.catch(() => undefined);
  const connection = start.ipc
    ? createProtocolConnection(new IPCMessageReader(server), new IPCMessageWriter(server))
    : createProtocolConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
  const waiting = new Map();
  connection.onNotification(PublishDiagnosticsNotification.type, (params) => waiting.get(params.version)?.(params));
  connection.listen();
  const capabilities = { textDocument: { publishDiagnostics: { versionSupport: true }, ...(pull ? { diagnostic: {} } : {}) } };
  await Promise.race([connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities }), died]);
  await connection.sendNotification(InitializedNotification.type, {});
  const uri = 'file:///bench/Dockerfile';
  const diagnosticsFor = (version) =>
    pull ? connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } }) : new Promise((resolve) => waiting.set(version, resolve));
  const arrived = diagnosticsFor(1);
  await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'dockerfile', version: 1, text: DOCUMENT } });
  await Promise.race([arrived, died]);
  return {
    start,
    latencies: [],
    /** Sends one change and waits for the diagnostics of that version; resolves with the milliseconds. */
    async change(version, change) {
      const started = performance.now();
      let arrived;
      if (!pull) arrived = diagnosticsFor(version);
      await connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [change] });
      if (pull) arrived = diagnosticsFor(version);
      await Promise.race([arrived, died]);
      waiting.delete(version);
      return performance.now() - started;
    },
    memory: () => memoryOf(server.pid),
    async stop() {
      stopping = true;
      const exited = new Promise((resolve) => server.once('exit', resolve));
      await connection.sendRequest(ShutdownRequest.type);
      await connection.sendNotification(ExitNotification.type);
      await exited;
      connection.dispose();
      if (stderr.trim()) console.error(`${start.name}: ${stderr.trim()}`);
    },
  };
}

// The 500-line multi-service file of scripts/bench.mjs's analysis table.
const DOCUMENT = generate(500);

/**
 * Every way of starting, side by side: EDITS one-character edits, each sent to every server in turn
 * (so a noisy neighbour slows all of them alike), each waiting for its diagnostics.
 */
async function editToDiagnostics({ sync, pull }) {
  const servers = [];
  for (const start of STARTS) servers.push(await startServer(start, { pull }));
  const lines = DOCUMENT.split('\n');
  const target = lines.findIndex((line) => line.includes('libsqlite3-dev'));
  const column = lines[target].indexOf('libsqlite3-dev') + 'libsqlite3-dev'.length;
  const offset = lines.slice(0, target).reduce((sum, line) => sum + line.length + 1, 0) + column;
  let text = DOCUMENT;
  for (let version = 2; version <= EDITS + 1; version++) {
    // Type or delete one character inside a package name, as a user does.
    const typing = version % 2 === 0;
    text = typing ? `${text.slice(0, offset)}x${text.slice(offset)}` : `${text.slice(0, offset)}${text.slice(offset + 1)}`;
    const range = { start: { line: target, character: column }, end: { line: target, character: typing ? column : column + 1 } };
    const change = sync === 'full' ? { text } : { range, text: typing ? 'x' : '' };
    for (const server of servers) server.latencies.push(await server.change(version, change));
  }
  // Every server's memory at the same moment: right after the last edit, then after a pause in typing.
  const afterEdits = servers.map((server) => server.memory());
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
  const afterPause = servers.map((server) => server.memory());
  for (const server of servers) await server.stop();
  return servers.map((server, index) => ({
    name: server.start.name,
    p50: percentile(server.latencies, 50),
    p95: percentile(server.latencies, 95),
    rss: afterEdits[index].rss,
    peak: afterPause[index].peak,
    held: afterPause[index].rss,
  }));
}

const SCENARIOS = [
  { label: 'published, incremental sync', sync: 'incremental', pull: false },
  { label: 'published, full-document sync', sync: 'full', pull: false },
  { label: 'pulled (as VS Code), incremental sync', sync: 'incremental', pull: true },
];

console.log(`Language server benchmark ${new Date().toISOString().slice(0, 10)} on ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
console.log(`\nEdit-to-diagnostics over the real server process (production bundle, 500-line file, ${EDITS} one-character edits one after another)`);
console.log(`| started as | diagnostics | p50 ms | p95 ms | p95 / baseline | RSS after the last edit | RSS ${IDLE_MS / 1000} s later | peak RSS |`);
console.log('|---|---|---:|---:|---:|---:|---:|---:|');
for (const scenario of SCENARIOS) {
  const results = await editToDiagnostics(scenario);
  const baseline = results[0];
  for (const result of results) {
    console.log(
      `| ${result.name} | ${scenario.label} | ${result.p50.toFixed(2)} | ${result.p95.toFixed(2)} | ${(result.p95 / baseline.p95).toFixed(2)} | ${result.rss.toFixed(0)} MB | ${result.held.toFixed(0)} MB | ${result.peak.toFixed(0)} MB |`,
    );
  }
}
console.log("baseline: the VS Code client's start (`MALLOC_ARENA_MAX=2 node --max-semi-space-size=1 --max-old-space-size=96 server.js --node-ipc`), its edits interleaved with the others.");
