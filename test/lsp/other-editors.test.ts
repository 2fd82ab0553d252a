import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { LspTestClient, SERVER_SCRIPT } from '../helpers/lsp-client';

const README = readFileSync(join(__dirname, '../../README.md'), 'utf8');
const SEED = readFileSync(join(__dirname, '../fixtures/seed/Dockerfile'), 'utf8');

/** A PATH with the server's bin, as `npm install -g dockerfile-multistage` links it. */
function installedPath(): NodeJS.ProcessEnv {
  const bin = mkdtempSync(join(tmpdir(), 'multistage-bin-'));
  symlinkSync(SERVER_SCRIPT, join(bin, 'dockerfile-multistage-language-server'));
  return { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` };
}

/** The command lines the README's editor configurations use. */
function neovimCommand(): string[] {
  const lua = /```lua\n([\s\S]*?)```/.exec(README)?.[1] ?? '';
  const cmd = /cmd = \{([^}]*)\}/.exec(lua)?.[1];
  assert.ok(cmd, 'the README shows a Neovim vim.lsp.config with cmd');
  return [...cmd.matchAll(/'([^']*)'/g)].map((match) => match[1]!);
}

function helixCommand(): string[] {
  const toml = /```toml\n([\s\S]*?)```/.exec(README)?.[1] ?? '';
  const command = /command = "([^"]+)"/.exec(toml)?.[1];
  const args = /args = \[([^\]]*)\]/.exec(toml)?.[1];
  assert.ok(command && args !== undefined, 'the README shows a Helix languages.toml entry');
  return [command, ...[...args.matchAll(/"([^"]*)"/g)].map((match) => match[1]!)];
}

describe('the language server as other editors start it', () => {
  for (const [editor, command] of [
    ['Neovim (vim.lsp.config)', neovimCommand],
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

  it('prints its usage and exits 2 without a transport, instead of hanging', async () => {
    const { spawnSync } = await import('node:child_process');
    const result = spawnSync('dockerfile-multistage-language-server', [], { env: installedPath(), encoding: 'utf8', timeout: 10_000 });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /usage: dockerfile-multistage-language-server --stdio/);
  });
});
