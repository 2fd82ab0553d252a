#!/usr/bin/env node
// `dockerfile-multistage`: the analysis core from the command line (see cli/main.ts).
import { setFlagsFromString } from 'node:v8';
import { initialize } from './core';
import { EXIT, runCli, readFileOrStdin } from './cli/main';
import { version, repository } from '../../package.json';

// Node waits at exit for V8's background optimisation of the shell grammar's WebAssembly (about
// 0.7 s); a one-shot command is done long before that pays off, so compile it once, baseline only.
setFlagsFromString('--liftoff-only');

/**
 * Ctrl+C, SIGTERM (CI cancellation, `timeout`, `docker stop`) and SIGHUP (a closed terminal) cancel a
 * compare or inspect, which then removes what it made and exits 130; a second signal stops at once.
 * check and fix keep the default, immediate, exit.
 */
function cancelOnSignals(): AbortSignal {
  const controller = new AbortController();
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      process.stderr.write(`\ndockerfile-multistage: ${signal} again: stopping without cleaning up.\n`);
      process.exit(EXIT.cancelled);
    }
    process.stderr.write(`\ndockerfile-multistage: ${signal}: cancelling and removing what this comparison made (send it again to stop at once).\n`);
    controller.abort();
  };
  for (const signal of signals) process.on(signal, onSignal);
  return controller.signal;
}

void (async () => {
  const argv = process.argv.slice(2);
  try {
    const signal = argv[0] === 'compare' || argv[0] === 'inspect' ? cancelOnSignals() : undefined;
    // The shell grammar loads only for commands that analyse (not --help, --version or a typo).
    if (['check', 'fix', 'compare', 'inspect'].includes(argv[0] ?? '')) await initialize();
    const clearLine = () => process.stderr.isTTY && process.stderr.write('\r\x1b[K');
    const progress = process.stderr.isTTY ? (line: string) => process.stderr.write(`\r\x1b[K${line}`) : (line: string) => process.stderr.write(`${line}\n`);
    const warn = (line: string) => {
      clearLine();
      process.stderr.write(`${line}\n`);
    };
    const result = await runCli(argv, { version, informationUri: repository.url, readFile: readFileOrStdin, progress, warn, signal });
    clearLine();
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    process.exitCode = result.exitCode;
  } catch (error) {
    // Never a stack trace: whatever escaped is one line and exit 2.
    process.stderr.write(`dockerfile-multistage: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = EXIT.usage;
  }
})();
