#!/usr/bin/env node
// `npm run bench`: how fast the analysis is, measured against dockerfile-utils' validate() (the
// validator inside VS Code's Docker tooling) on the same inputs in the same process, and how fast
// the language server turns an edit into diagnostics. Prints medians and ratios; asserts nothing.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

const require = createRequire(import.meta.url);
const { validate } = require('dockerfile-utils');
const core = require('../server/out/core.js');
const {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter, InitializeRequest, InitializedNotification,
  DidOpenTextDocumentNotification, DidChangeTextDocumentNotification, PublishDiagnosticsNotification, DocumentDiagnosticRequest,
  ShutdownRequest, ExitNotification,
} = require('vscode-languageserver-protocol/node');

const REALISTIC_30 = `# syntax=docker/dockerfile:1
ARG PYTHON_VERSION=3.12
FROM python:\${PYTHON_VERSION}-slim
ENV PYTHONDONTWRITEBYTECODE=1 \\
    PYTHONUNBUFFERED=1 \\
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
# Build tools for wheels without binaries, and the runtime libraries
RUN apt-get update && apt-get install -y \\
    build-essential \\
    gcc \\
    libpq-dev \\
    libgomp1 \\
    curl \\
 && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
RUN python -m compileall -q /app \\
 && useradd --create-home --uid 10001 app \\
 && chown -R app:app /app
USER app
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s \\
  CMD curl -fsS http://localhost:8000/health || exit 1
LABEL org.opencontainers.image.source="https://example.com/app"
STOPSIGNAL SIGTERM
ENTRYPOINT ["gunicorn"]
CMD ["--bind", "0.0.0.0:8000", "app.wsgi:application"]
`;

/** A builder and a runtime stage per block; names vary so no two RUN lines are the same text. */
function block(i) {
  return `# service ${i}
FROM golang:1.22-bookworm AS build-${i}
ARG SERVICE=svc${i}
WORKDIR /src/\${SERVICE}
RUN apt-get update && apt-get install -y --no-install-recommends \\
    git \\
    libsqlite3-dev \\
    pkg-config \\
 && rm -rf /var/lib/apt/lists/*
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=1 go build -trimpath -ldflags "-s -w -X main.v=${i}" -o /out/svc${i} ./cmd/svc${i}

FROM debian:bookworm-slim AS run-${i}
RUN apt-get update && apt-get install -y --no-install-recommends \\
    ca-certificates libsqlite3-0 tzdata \\
 && rm -rf /var/lib/apt/lists/* \\
 && useradd --system --uid ${10000 + i} svc${i}
COPY --from=build-${i} /out/svc${i} /usr/local/bin/svc${i}
USER svc${i}
EXPOSE ${8000 + i}
ENTRYPOINT ["/usr/local/bin/svc${i}"]
`;
}

function generate(lines) {
  let text = '';
  for (let i = 0; text.split('\n').length < lines; i++) text += `${block(i)}\n`;
  return text.split('\n').slice(0, lines).join('\n') + '\n';
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
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

/** The same file with one RUN line changed, as a keystroke in the editor changes it. */
function edited(text, i) {
  return text.replace('libsqlite3-dev', `libsqlite3-dev${'x'.repeat(((i % 7) + 7) % 7)}`);
}

function analysisTable() {
  const inputs = [
    ['realistic 30-line', REALISTIC_30],
    ['generated 500-line', generate(500)],
    ['generated 2,000-line', generate(2000)],
  ];
  const rows = [];
  for (const [name, text] of inputs) {
    const runs = text.length > 50_000 ? 150 : text.length > 10_000 ? 400 : 2000;
    const runLines = (text.match(/^RUN /gm) ?? []).length;
    const [validateMs, coldMs, editingMs] = measureInterleaved(
      [
        { fn: (i) => validate(edited(text, i)) },
        { fn: (i) => core.analyze(edited(text, i)), prepare: () => core.clearShellCache() },
        { fn: (i) => core.analyze(edited(text, i)) },
      ],
      runs,
    );
    rows.push({ name, lines: text.split('\n').length - 1, runLines, validateMs, coldMs, editingMs });
  }
  console.log('\nanalyze() against dockerfile-utils validate(), same inputs, same process (median ms)');
  console.log('| input | RUN lines | validate() | analyze() cold | ratio | analyze() editing | ratio |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.name} | ${r.runLines} | ${r.validateMs.toFixed(2)} | ${r.coldMs.toFixed(2)} | ${(r.coldMs / r.validateMs).toFixed(2)} | ${r.editingMs.toFixed(2)} | ${(r.editingMs / r.validateMs).toFixed(2)} |`);
  }
  console.log('cold: every RUN parsed anew (first open); editing: one RUN changed since the last analysis (a keystroke).');
}

// The Node options the VS Code client starts the server with (SERVER_NODE_OPTIONS in client/src/extension.ts).
const SERVER_NODE_OPTIONS = (process.env.BENCH_SERVER_NODE_OPTIONS ?? '--max-semi-space-size=1 --max-old-space-size=96').split(' ').filter(Boolean);

async function serverLatency(pull) {
  const server = spawn(process.execPath, [...SERVER_NODE_OPTIONS, new URL('../server/out/server.js', import.meta.url).pathname, '--stdio'], {
    stdio: 'pipe',
    env: { ...process.env, MALLOC_ARENA_MAX: '2' }, // SERVER_ENVIRONMENT in client/src/language-client.ts
  });
  const connection = createProtocolConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
  const waiting = new Map();
  connection.onNotification(PublishDiagnosticsNotification.type, (params) => waiting.get(params.version)?.(params));
  connection.listen();
  const capabilities = { textDocument: { publishDiagnostics: { versionSupport: true }, ...(pull ? { diagnostic: {} } : {}) } };
  await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities });
  await connection.sendNotification(InitializedNotification.type, {});
  const uri = 'file:///bench/Dockerfile';
  const text = generate(500);
  const lines = text.split('\n');
  const target = lines.findIndex((line) => line.includes('libsqlite3-dev'));
  const diagnosticsFor = (version) =>
    pull
      ? connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } })
      : new Promise((resolve) => waiting.set(version, resolve));
  let arrived = diagnosticsFor(1);
  await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'dockerfile', version: 1, text } });
  await arrived;
  const latencies = [];
  for (let version = 2; version <= 1001; version++) {
    // Type or delete one character inside a package name, as a user does.
    const column = lines[target].indexOf('libsqlite3-dev') + 'libsqlite3-dev'.length;
    const typing = version % 2 === 0;
    const range = typing ? { start: { line: target, character: column }, end: { line: target, character: column } } : { start: { line: target, character: column }, end: { line: target, character: column + 1 } };
    const start = performance.now();
    if (!pull) arrived = diagnosticsFor(version);
    await connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ range, text: typing ? 'x' : '' }] });
    if (pull) arrived = diagnosticsFor(version);
    await arrived;
    latencies.push(performance.now() - start);
  }
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))[1]) / 1024;
  await connection.sendRequest(ShutdownRequest.type);
  await connection.sendNotification(ExitNotification.type);
  connection.dispose();
  server.kill();
  return { p50: percentile(latencies, 50), p95: percentile(latencies, 95), rss };
}

await core.initialize();
console.log(`Benchmark ${new Date().toISOString().slice(0, 10)} on ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
analysisTable();
console.log(`\nEdit-to-diagnostics over the real server process (500-line file, 1,000 one-character edits; MALLOC_ARENA_MAX=2 node ${SERVER_NODE_OPTIONS.join(' ')})`);
console.log('| client | p50 ms | p95 ms | server RSS after 1,000 edits |');
console.log('|---|---:|---:|---:|');
for (const pull of [true, false]) {
  const { p50, p95, rss } = await serverLatency(pull);
  console.log(`| ${pull ? 'pull diagnostics (VS Code)' : 'published diagnostics (other editors)'} | ${p50.toFixed(2)} | ${p95.toFixed(2)} | ${rss.toFixed(0)} MB |`);
}
