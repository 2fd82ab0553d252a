import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '../..');

describe('the TextMate injection grammar', () => {
  it('marks stage names, stage references and multistage-ignore comments (vscode-tmgrammar-test on test/grammar)', () => {
    // The base grammar is VS Code's Dockerfile grammar as tm-grammars packages it; ours injects into it
    // through package.json's contributes.grammars, as VS Code does.
    const result = spawnSync(process.execPath, [join(root, 'node_modules/vscode-tmgrammar-test/dist/unit.js'), '-g', join(root, 'node_modules/tm-grammars/grammars/docker.json'), 'test/grammar/*.dockerfile'], {
      cwd: root,
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /stages\.dockerfile run successfuly/);
  });
});
