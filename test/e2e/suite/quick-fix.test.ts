import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { waitForDiagnostics, workspaceFile } from './helpers';

const GOLDEN = join(__dirname, '../../../fixtures/rewrite/seed/expected.Dockerfile');

describe('the split quick-fix in VS Code', () => {
  it('turns the seed Dockerfile into the golden multi-stage file through executeCodeActionProvider and applyEdit', async () => {
    const uri = workspaceFile('Dockerfile');
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const diagnostics = await waitForDiagnostics(uri, (list) => list.some((d) => document.getText(d.range) === 'gcc'));
    const gcc = diagnostics.find((d) => document.getText(d.range) === 'gcc')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, gcc.range, vscode.CodeActionKind.QuickFix.value);
    const split = actions.find((action) => action.title === 'Split into builder and runtime stages');
    assert.ok(split?.edit, `code actions offered: ${actions.map((a) => a.title).join(', ')}`);
    try {
      assert.equal(await vscode.workspace.applyEdit(split.edit), true);
      assert.equal(document.getText(), readFileSync(GOLDEN, 'utf8'));
    } finally {
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });
});
