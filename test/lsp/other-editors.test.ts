import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { DiagnosticSeverity, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { LspTestClient, SERVER_SCRIPT, type ClientOptions } from '../helpers/lsp-client';

const README = readFileSync(join(__dirname, '../../README.md'), 'utf8');
const OTHER_EDITORS = README.slice(README.indexOf('## Other editors'), README.indexOf('\n## ', README.indexOf('## Other editors') + 1));
const SEED = readFileSync(join(__dirname, '../fixtures/seed/Dockerfile'), 'utf8');

/** A PATH with the server's bin, as `npm install -g dockerfile-multistage` links it. */
function installedPath(): NodeJS.ProcessEnv {
  const bin = mkdtempSync(join(tmpdir(), 'multistage-bin-'));
  symlinkSync(SERVER_SCRIPT, join(bin, 'dockerfile-multistage-language-server'));
  return { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` };
}

/** The fenced code blocks of one language in the README's "Other editors" section. */
function blocks(language: string): string[] {
  return [...OTHER_EDITORS.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((match) => match[1]!);
}

/** The command line of every Neovim configuration in the README (0.11, 0.8 to 0.10, 0.7 with lspconfig). */
function neovimCommands(): string[][] {
  const commands = blocks('lua').map((lua) => {
    const cmd = /cmd = \{([^}]*)\}/.exec(lua)?.[1];
    assert.ok(cmd, `a cmd in:\n${lua}`);
    return [...cmd.matchAll(/'([^']*)'/g)].map((match) => match[1]!);
  });
  assert.equal(commands.length, 3, 'the README shows Neovim 0.11, 0.8 to 0.10 and 0.7');
  return commands;
}

function emacsCommand(): string[] {
  const program = /\. \(("[^)]*")\)/.exec(blocks('elisp')[0] ?? '')?.[1];
  assert.ok(program, 'the README shows an eglot-server-programs entry');
  return [...program.matchAll(/"([^"]*)"/g)].map((match) => match[1]!);
}

function helixCommand(): string[] {
  const toml = blocks('toml')[0] ?? '';
  const command = /command = "([^"]+)"/.exec(toml)?.[1];
  const args = /args = \[([^\]]*)\]/.exec(toml)?.[1];
  assert.ok(command && args !== undefined, 'the README shows a Helix languages.toml entry');
  return [command, ...[...args.matchAll(/"([^"]*)"/g)].map((match) => match[1]!)];
}

describe('the language server as other editors start it', () => {
  for (const [editor, command] of [
    ['Neovim (vim.lsp.config, vim.lsp.start, lspconfig)', () => neovimCommands()[0]!],
    ['Emacs (eglot-server-programs)', emacsCommand],
    ['Helix (languages.toml)', helixCommand],
  ] as const) {
    it(`${editor}: starts from the README's command line and publishes diagnostics`, async () => {
      const cmd = command();
      assert.deepStrictEqual(cmd, ['dockerfile-multistage-language-server', '--stdio']);
      const { client, initialize } = await LspTestClient.start({ pullDiagnostics: false, command: cmd, env: installedPath() });
      try {
        assert.equal(initialize.serverInfo?.name, 'dockerfile-multistage-language-server');
        await client.open('file:///project/Dockerfile', SEED);
        const published = await client.nextPublished('file:///project/Dockerfile', (p) => p.diagnostics.length > 0);
        assert.ok(published.diagnostics.some((d) => d.code === 'build-tools-in-runtime'));
      } finally {
        assert.equal(await client.stop(), 0);
      }
    });
  }

  it('every Neovim configuration in the README starts the same command', () => {
    const [first, ...others] = neovimCommands();
    for (const other of others) assert.deepStrictEqual(other, first);
  });

  it('prints its usage and exits 2 without a transport, instead of hanging', async () => {
    const { spawnSync } = await import('node:child_process');
    const result = spawnSync('dockerfile-multistage-language-server', [], { env: installedPath(), encoding: 'utf8', timeout: 10_000 });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /usage: dockerfile-multistage-language-server --stdio/);
  });
});

// The settings every path below passes, and what they do to the seed's findings.
const SETTINGS = { rules: { 'install-recommends': 'off', 'build-tools-in-runtime': 'error' }, extraBuildTools: ['curl'] };
function applied(published: PublishDiagnosticsParams): boolean {
  const tools = published.diagnostics.filter((d) => d.code === 'build-tools-in-runtime');
  return (
    !published.diagnostics.some((d) => d.code === 'install-recommends') &&
    tools.length > 0 &&
    tools.every((d) => d.severity === DiagnosticSeverity.Error) &&
    tools.some((d) => (d.data as { subject?: string }).subject === 'curl')
  );
}

interface SettingsPath {
  readonly name: string;
  readonly client: Omit<ClientOptions, 'pullDiagnostics'>;
  /** What the editor pushes with didChangeConfiguration once the server is initialized, if anything. */
  readonly pushedAfterStart?: unknown;
}

/** How each editor in the README passes the settings, as the protocol sees it. */
const SETTINGS_PATHS: readonly SettingsPath[] = [
  {
    // Neovim 0.7 to 0.11: `settings` answers workspace/configuration by section, and is pushed at start.
    name: 'Neovim `settings`',
    client: { settings: SETTINGS },
    pushedAfterStart: { multistage: SETTINGS },
  },
  {
    // Neovim `init_options`; with no `settings` it answers workspace/configuration with null.
    name: 'Neovim `init_options = { settings = ... }`',
    client: { settings: null, initializationOptions: { settings: SETTINGS } },
  },
  {
    // eglot answers workspace/configuration from eglot-workspace-configuration and pushes it on connect.
    name: 'eglot `eglot-workspace-configuration`',
    client: { settings: SETTINGS, hoverContentFormat: ['plaintext'] },
    pushedAfterStart: { multistage: SETTINGS },
  },
  {
    // eglot's :initializationOptions, with an empty eglot-workspace-configuration (null answers, `{}` pushed).
    name: 'eglot `:initializationOptions (:settings ...)`',
    client: { settings: null, initializationOptions: { settings: SETTINGS }, hoverContentFormat: ['plaintext'] },
    pushedAfterStart: {},
  },
  {
    // Helix sends `config` as the initialization options, answers workspace/configuration from it and pushes it.
    name: 'Helix `config = { multistage = ... }`',
    client: { settings: SETTINGS, initializationOptions: { multistage: SETTINGS } },
    pushedAfterStart: { multistage: SETTINGS },
  },
  {
    name: 'Helix `config`, answered by initialization options alone',
    client: { initializationOptions: { multistage: SETTINGS } },
  },
  {
    // A client without workspace/configuration that only pushes.
    name: 'workspace/didChangeConfiguration only',
    client: {},
    pushedAfterStart: { multistage: SETTINGS },
  },
];

describe('the language server reads the settings every way the README says editors pass them', () => {
  for (const path of SETTINGS_PATHS) {
    it(`${path.name}: the findings follow the settings`, async () => {
      const { client } = await LspTestClient.start({ pullDiagnostics: false, ...path.client });
      try {
        const uri = 'file:///settings-paths/Dockerfile';
        if (path.pushedAfterStart !== undefined) await client.notifyConfiguration(path.pushedAfterStart);
        await client.open(uri, SEED);
        const first = await client.nextPublished(uri);
        assert.ok(applied(first), `the first diagnostics follow the settings: ${JSON.stringify(first.diagnostics.map((d) => [d.code, d.severity]))}`);
      } finally {
        assert.equal(await client.stop(), 0);
      }
    });
  }

  it('a settings push after the document is open republishes it with the new settings', async () => {
    const { client } = await LspTestClient.start({ pullDiagnostics: false });
    try {
      const uri = 'file:///settings-paths/later/Dockerfile';
      await client.open(uri, SEED);
      assert.ok(!applied(await client.nextPublished(uri)));
      await client.notifyConfiguration({ multistage: SETTINGS });
      await client.nextPublished(uri, applied);
    } finally {
      assert.equal(await client.stop(), 0);
    }
  });
});
