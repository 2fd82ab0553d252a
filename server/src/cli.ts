#!/usr/bin/env node
// `dockerfile-multistage`: the analysis core from the command line (see cli/main.ts).
import { setFlagsFromString } from 'node:v8';
import { initialize } from './core';
import { runCli, readFileOrStdin } from './cli/main';
import { version, repository } from '../../package.json';

// Node waits at exit for V8's background optimisation of the shell grammar's WebAssembly (about
// 0.7 s); a one-shot command is done long before that pays off, so compile it once, baseline only.
setFlagsFromString('--liftoff-only');

void (async () => {
  await initialize();
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort()); // Ctrl+C cancels a compare and still cleans up
  const progress = process.stderr.isTTY ? (line: string) => process.stderr.write(`\r\x1b[K${line}`) : (line: string) => process.stderr.write(`${line}\n`);
  const result = await runCli(process.argv.slice(2), { version, informationUri: repository.url, readFile: readFileOrStdin, progress, signal: controller.signal });
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.exitCode;
})();
