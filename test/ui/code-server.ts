import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

/** The code-server binary: CODE_SERVER_BIN (CI) or the offline install's default place. */
export function codeServerBinary(): string | undefined {
  const candidates = [process.env.CODE_SERVER_BIN, join(homedir(), '.cache/code-server-offline/node_modules/.bin/code-server')];
  return candidates.find((candidate): candidate is string => candidate !== undefined && existsSync(candidate));
}

export interface RunningCodeServer {
  readonly url: string;
  readonly root: string;
  stop(): void;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

function waitForHttp(url: string, deadline: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const attempt = () =>
      get(url, (response) => {
        response.resume();
        resolve();
      }).on('error', () => (Date.now() > deadline ? reject(new Error(`${url} did not answer`)) : setTimeout(attempt, 250)));
    attempt();
  });
}

/**
 * A real VS Code (code-server) with the packaged VSIX installed from scratch, as a user installs
 * it, serving `workspace` on loopback.
 */
export async function startCodeServer(binary: string, vsix: string, workspace: string): Promise<RunningCodeServer> {
  const root = mkdtempSync(join(tmpdir(), 'multistage-ui-'));
  const env = { ...process.env, XDG_CONFIG_HOME: join(root, 'xdg-config'), XDG_DATA_HOME: join(root, 'xdg-data'), XDG_CACHE_HOME: join(root, 'xdg-cache') };
  const userData = join(root, 'user');
  const extensions = join(root, 'extensions');
  mkdirSync(join(userData, 'User'), { recursive: true });
  writeFileSync(
    join(userData, 'User', 'settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'security.workspace.trust.enabled': false,
      'git.enabled': false,
      'git.openRepositoryInParentFolders': 'never',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'update.mode': 'none',
      'editor.minimap.enabled': false,
      'window.commandCenter': false,
      'workbench.colorTheme': 'Default Light Modern',
    }),
  );
  const common = ['--user-data-dir', userData, '--extensions-dir', extensions, '--config', join(root, 'config.yaml')];
  const install = spawnSync(binary, [...common, '--install-extension', vsix], { env, encoding: 'utf8' });
  if (install.status !== 0) throw new Error(`code-server --install-extension failed: ${install.stderr || install.stdout}`);
  const port = await freePort();
  const child: ChildProcess = spawn(binary, [...common, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override'], {
    env,
    stdio: 'ignore',
    detached: true,
  });
  await waitForHttp(`http://127.0.0.1:${port}/healthz`, Date.now() + 60_000);
  return {
    url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`,
    root,
    stop: () => {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
    },
  };
}

/** A fresh workspace: the seed Dockerfile and the C application, copied so the test can edit and save. */
export function makeWorkspace(fixtures: string): string {
  const workspace = mkdtempSync(join(tmpdir(), 'multistage-ui-workspace-'));
  cpSync(join(fixtures, 'seed', 'Dockerfile'), join(workspace, 'Dockerfile'));
  cpSync(join(fixtures, 'apps', 'c-make'), join(workspace, 'c-make'), { recursive: true });
  return workspace;
}
