// Runs the extension-host suite in a real VS Code with @vscode/test-electron. VSCODE_TEST_EXECUTABLE
// names the VS Code to use (CI: code-server in headless Chromium, see .ci/run); unset, test-electron
// downloads VS Code. Where no VS Code can be had, the suite is skipped with the reason, except in CI.
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const root = resolve(__dirname, '../../..');
  const executable = process.env.VSCODE_TEST_EXECUTABLE || undefined;
  // A fresh workspace each run, so the tests' edits never touch the repository: the template
  // (Containerfile, app.dockerfile, settings) and the seed example as its Dockerfile.
  const workspace = mkdtempSync(join(tmpdir(), 'multistage-e2e-'));
  cpSync(join(root, 'test/fixtures/e2e-workspace'), workspace, { recursive: true });
  cpSync(join(root, 'test/fixtures/seed/Dockerfile'), join(workspace, 'Dockerfile'));
  try {
    const exitCode = await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: root,
      extensionTestsPath: join(__dirname, 'suite', 'index.js'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
      extensionTestsEnv: { MULTISTAGE_E2E: '1' },
    });
    process.exitCode = exitCode;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const noVsCode = !executable && /download|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|getaddrinfo|socket hang up|network/i.test(reason);
    if (noVsCode && process.env.CI !== 'true') {
      console.log(`Extension-host tests SKIPPED: no VS Code is available (${reason.split('\n')[0]}). Set VSCODE_TEST_EXECUTABLE (see ../shared/tools/vscode-offline/README.md).`);
      return;
    }
    console.error(`Extension-host tests FAILED: ${reason}`);
    process.exitCode = 1;
  }
}

void main();
