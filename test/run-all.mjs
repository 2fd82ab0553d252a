#!/usr/bin/env node
// `npm test`: builds the bundles the tests start, then runs every suite against real parts:
// unit (core), lsp (the server process over stdio), docker (a real Engine), e2e (a real VS Code).
// A suite that needs Docker or VS Code skips with a printed reason when they are missing, and
// fails instead when CI=true.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const run = (command, args, env = process.env) => spawnSync(command, args, { cwd: root, stdio: 'inherit', env }).status ?? 1;

if (run(process.execPath, ['esbuild.mjs']) !== 0) process.exit(1);

const mochaSuites = ['test/unit/**/*.test.ts', 'test/cli/**/*.test.ts', 'test/lsp/**/*.test.ts', 'test/docker/**/*.test.ts'];
const only = process.argv.slice(2);
const mochaStatus = run(process.execPath, [join(root, 'node_modules/mocha/bin/mocha.js'), '--config', 'test/.mocharc.json', ...(only.length ? only : mochaSuites)]);
if (only.length) process.exit(mochaStatus);

// A real VS Code for the extension-host tests: the one CI names, or the offline code-server this
// machine kind provides beside the project (../shared), installed at its default place.
const env = { ...process.env };
if (!env.VSCODE_TEST_EXECUTABLE) {
  const shim = join(root, '../shared/tools/vscode-offline/code-server-vscode.js');
  const codeServer = join(homedir(), '.cache/code-server-offline/node_modules/.bin/code-server');
  if (existsSync(shim) && existsSync(codeServer)) {
    env.VSCODE_TEST_EXECUTABLE = shim;
    env.CODE_SERVER_BIN ??= codeServer;
    console.log(`Extension-host tests run in the offline code-server (${codeServer}).`);
  }
}
const e2eStatus = run(process.execPath, [join(root, 'test/out/e2e/run.js')], env);

// Last, the packaged VSIX in code-server driven through headless Chromium (it rebuilds the
// bundles for production, so it runs after the suites above).
const uiStatus = run(process.execPath, [join(root, 'node_modules/mocha/bin/mocha.js'), '--config', 'test/.mocharc.json', 'test/ui/**/*.test.ts'], env);
process.exit(mochaStatus || e2eStatus || uiStatus);
