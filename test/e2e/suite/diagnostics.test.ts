import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { summarize, waitForDiagnostics, workspaceFile } from './helpers';

// The workspace's Dockerfile is the seed example (test/e2e/run.ts copies it in).
const EXPECTED = join(__dirname, '../../../fixtures/seed/expected-diagnostics.json');

describe('diagnostics in VS Code', () => {
  it('activates on a Dockerfile and shows the findings at the right ranges', async () => {
    const uri = workspaceFile('Dockerfile');
    const document = await vscode.workspace.openTextDocument(uri);
    assert.equal(document.languageId, 'dockerfile');
    await vscode.window.showTextDocument(document);
    const diagnostics = await waitForDiagnostics(uri, (list) => list.length > 0);
    const sorted = [...diagnostics].sort((a, b) => a.range.start.compareTo(b.range.start));
    assert.deepStrictEqual(summarize(document, sorted), JSON.parse(readFileSync(EXPECTED, 'utf8')));
    const gcc = sorted.find((d) => document.getText(d.range) === 'gcc')!;
    assert.equal(gcc.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(String((gcc.code as { target: vscode.Uri }).target), /docs\/rules\/build-tools-in-runtime\.md$/);
  });

  it('updates the diagnostics as the document is edited', async () => {
    const uri = workspaceFile('Dockerfile');
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const gccLine = editor.document.lineAt(7);
    assert.equal(gccLine.text.trim(), 'gcc \\');
    await editor.edit((edit) => edit.delete(gccLine.rangeIncludingLineBreak));
    try {
      // Until the server answers for the new version, the old diagnostics stay at their old lines.
      const buildTools = (list: readonly vscode.Diagnostic[]) =>
        list.filter((d) => (d.code as { value: string } | undefined)?.value === 'build-tools-in-runtime').map((d) => editor.document.getText(d.range)).sort();
      const updated = await waitForDiagnostics(uri, (list) => JSON.stringify(buildTools(list)) === JSON.stringify(['build-essential', 'g++', 'make']));
      assert.deepStrictEqual(buildTools(updated), ['build-essential', 'g++', 'make']);
    } finally {
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });

  it('associates Containerfile and *.dockerfile with the dockerfile language', async () => {
    for (const name of ['Containerfile', 'app.dockerfile']) {
      const document = await vscode.workspace.openTextDocument(workspaceFile(name));
      assert.equal(document.languageId, 'dockerfile', name);
    }
  });
});
