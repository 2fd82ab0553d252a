#!/usr/bin/env node
// `dockerfile-multistage`: the analysis core from the command line (see cli/main.ts).
import { initialize } from './core';
import { runCli, readFileOrStdin } from './cli/main';
import { version, repository } from '../../package.json';

void (async () => {
  await initialize();
  const result = runCli(process.argv.slice(2), { version, informationUri: repository.url, readFile: readFileOrStdin });
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.exitCode;
})();
