import * as vscode from 'vscode';

/** Resolves when the document's diagnostics from this extension satisfy `ready`; never sleeps. */
export function waitForDiagnostics(uri: vscode.Uri, ready: (diagnostics: readonly vscode.Diagnostic[]) => boolean, timeoutMs = 30_000): Promise<vscode.Diagnostic[]> {
  const ours = () => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'multistage');
  return new Promise((resolve, reject) => {
    if (ready(ours())) return resolve(ours());
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`diagnostics for ${uri.toString()} did not arrive within ${timeoutMs} ms (have ${ours().length})`));
    }, timeoutMs);
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (!event.uris.some((changed) => changed.toString() === uri.toString())) return;
      if (!ready(ours())) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(ours());
    });
  });
}

export function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the extension-host tests need the e2e workspace folder open');
  return vscode.Uri.joinPath(folder.uri, name);
}

/** Code, 1-based line and the covered text of each diagnostic. */
export function summarize(document: vscode.TextDocument, diagnostics: readonly vscode.Diagnostic[]): Array<[string, number, string]> {
  return diagnostics.map((d) => [typeof d.code === 'object' ? String(d.code.value) : String(d.code), d.range.start.line + 1, document.getText(d.range)]);
}
