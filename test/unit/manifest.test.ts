import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '../..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('the extension manifest', () => {
  it('targets VS Code 1.100 with matching API types and activates on Dockerfiles', () => {
    assert.equal(manifest.name, 'dockerfile-multistage');
    assert.equal(manifest.displayName, 'Dockerfile Multi-Stage');
    assert.equal(manifest.engines.vscode, '^1.100.0');
    assert.equal(manifest.devDependencies['@types/vscode'], '1.100.0', 'newer API types would let code use what 1.100 lacks');
    assert.deepStrictEqual(manifest.activationEvents, ['onLanguage:dockerfile']);
    assert.deepStrictEqual(manifest.contributes.languages, [{ id: 'dockerfile', filenames: ['Containerfile'], filenamePatterns: ['*.containerfile', '*.dockerfile', 'Containerfile.*'] }]);
  });

  it('disables Compare Image Sizes in untrusted workspaces, where building would run untrusted commands', () => {
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.deepStrictEqual(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations, ['multistage.docker.host', 'multistage.compare.context', 'multistage.compare.smokeCommand']);
    const [command] = manifest.contributes.commands;
    assert.deepStrictEqual([command.command, command.enablement], ['multistage.compareImageSizes', 'isWorkspaceTrusted']);
    for (const menu of ['commandPalette', 'editor/title', 'editor/context', 'explorer/context']) {
      assert.ok(manifest.contributes.menus[menu].some((entry: { command: string }) => entry.command === 'multistage.compareImageSizes'), menu);
    }
  });

  it('ships, through the .vscodeignore allow-list, every file the manifest starts', () => {
    const allowed = readFileSync(join(root, '.vscodeignore'), 'utf8').split('\n').filter((line) => line.startsWith('!')).map((line) => line.slice(1));
    for (const file of ['client/out/extension.js', 'client/out/language-client.js', 'client/out/compare.js', 'server/out/server.js', 'server/out/*.wasm', 'syntaxes/*.json']) {
      assert.ok(allowed.includes(file), `${file} is not in the VSIX`);
    }
    assert.equal(manifest.main, './client/out/extension.js');
    assert.equal(manifest.contributes.grammars[0].path, './syntaxes/dockerfile-multistage.injection.tmLanguage.json');
  });
});
