import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { compareImages } from '../../../server/src/engine/compare';
import { DockerEngine, EngineError } from '../../../server/src/engine/engine';
import { resolveEndpoint } from '../../../server/src/engine/endpoint';
import { reportMarkdown, type ComparisonReport } from '../../../server/src/engine/report';
import { LANGUAGE_ID, RewriteRequest, SETTINGS_SECTION, type RewriteParams, type RewriteResult } from '../../../server/src/protocol';
import { renderReportHtml } from './report-html';

/** What to compare: the user's Dockerfile and the text to build beside it. */
interface Comparison {
  readonly document: vscode.TextDocument;
  readonly versionAtRewrite: number;
  readonly otherText: string;
  /** True when the other text is the tool's rewrite (then "Apply the rewrite" makes sense). */
  readonly isRewrite: boolean;
  /** The other text as an untitled document, once a layer of it was opened (it is not on disk). */
  otherDocument?: vscode.TextDocument;
}

/** The command: returns the report (extension tests read it), or undefined when nothing was compared. */
export async function compareCommand(context: vscode.ExtensionContext, client: LanguageClient, log: vscode.OutputChannel, uri: vscode.Uri | undefined): Promise<ComparisonReport | undefined> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showErrorMessage('Compare Image Sizes builds the Dockerfile, which runs its commands: trust this workspace first.');
    return undefined;
  }
  const document = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
  if (!document || document.languageId !== LANGUAGE_ID) {
    void vscode.window.showErrorMessage('Open a Dockerfile to compare its image sizes.');
    return undefined;
  }
  const comparison = await whatToCompare(client, document);
  if (!comparison) return undefined;

  const settings = vscode.workspace.getConfiguration(SETTINGS_SECTION, document.uri);
  let engine: DockerEngine;
  try {
    engine = new DockerEngine(resolveEndpoint({ env: process.env, setting: settings.get<string>('docker.host') }));
  } catch (error) {
    void vscode.window.showErrorMessage((error as Error).message);
    return undefined;
  }
  const contextDir = buildContext(document, settings.get<string>('compare.context') ?? '');
  log.appendLine(`Comparing ${document.uri.fsPath} on ${engine.endpoint.url} (from ${engine.endpoint.source}), context ${contextDir}`);

  try {
    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Compare Image Sizes', cancellable: true },
      (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        // Closing the window mid-compare cancels it too, so that its clean-up starts at once.
        const cancelOnExit = { dispose: () => controller.abort() };
        context.subscriptions.push(cancelOnExit);
        return compareImages({
          engine,
          contextDir,
          original: { path: document.uri.fsPath, text: document.getText() },
          rewrittenText: comparison.otherText,
          smokeCommand: settings.get<string>('compare.smokeCommand') || undefined,
          keepImages: settings.get<boolean>('compare.keepImages') ?? false,
          // Figures of images measured before, by image id: a warm compare does not read the layers again.
          cacheDir: path.join(context.globalStorageUri.fsPath, 'measurements'),
          signal: controller.signal,
          onProgress: (step) => progress.report({ message: step.message }),
          onLog: (variant, line) => log.appendLine(`[${variant === 'original' ? 'single-stage' : 'multi-stage'}] ${line}`),
          onWarning: (message) => {
            log.appendLine(`Warning: ${message}`);
            void vscode.window.showWarningMessage(message);
          },
        }).finally(() => {
          const index = context.subscriptions.indexOf(cancelOnExit);
          if (index >= 0) context.subscriptions.splice(index, 1);
        });
      },
    );
    showReport(context, report, comparison);
    return report;
  } catch (error) {
    if (error instanceof EngineError && error.kind === 'cancelled') {
      log.appendLine('Cancelled; the temporary images and containers were removed.');
      void vscode.window.showInformationMessage('Compare Image Sizes was cancelled; nothing was left on the Engine.');
      return undefined;
    }
    const message = error instanceof Error ? error.message : String(error);
    log.appendLine(`Failed: ${message}`);
    console.error(`Compare Image Sizes failed: ${message}`); // the extension host log, for test runs
    void vscode.window.showErrorMessage(message, 'Show Log').then((choice) => choice && log.show());
    return undefined;
  }
}

/** The tool's rewrite from the language server, or another Dockerfile the user picks when there is none. */
async function whatToCompare(client: LanguageClient, document: vscode.TextDocument): Promise<Comparison | undefined> {
  const params: RewriteParams = { uri: document.uri.toString() };
  const result = await client.sendRequest<RewriteResult>(RewriteRequest.method, params);
  if (result.ok) return { document, versionAtRewrite: result.version, otherText: result.text, isRewrite: true };
  const pick = 'Compare with Another Dockerfile...';
  const choice = await vscode.window.showInformationMessage(`${result.reason}. There is no multi-stage rewrite to compare with.`, pick);
  if (choice !== pick) return undefined;
  const [other] =
    (await vscode.window.showOpenDialog({ canSelectMany: false, defaultUri: vscode.Uri.file(path.dirname(document.uri.fsPath)), openLabel: 'Compare', title: 'The Dockerfile to compare with' })) ?? [];
  if (!other) return undefined;
  return { document, versionAtRewrite: document.version, otherText: await readFile(other.fsPath, 'utf8'), isRewrite: false };
}

/** multistage.compare.context: empty for the Dockerfile's folder, else absolute or relative to the workspace folder. */
function buildContext(document: vscode.TextDocument, setting: string): string {
  if (!setting.trim()) return path.dirname(document.uri.fsPath);
  if (path.isAbsolute(setting)) return setting;
  const folder = vscode.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath ?? path.dirname(document.uri.fsPath);
  return path.resolve(folder, setting);
}

function showReport(context: vscode.ExtensionContext, report: ComparisonReport, comparison: Comparison): void {
  const panel = vscode.window.createWebviewPanel('multistage.report', `Image sizes: ${path.basename(comparison.document.uri.fsPath)}`, vscode.ViewColumn.Beside, {
    enableScripts: true,
    localResourceRoots: [],
  });
  const render = () => {
    const canApply = comparison.isRewrite && comparison.document.version === comparison.versionAtRewrite && !comparison.document.isClosed;
    panel.webview.html = renderReportHtml(report, { nonce: randomBytes(16).toString('base64'), cspSource: panel.webview.cspSource, canApply });
  };
  render();
  panel.webview.onDidReceiveMessage(
    async (message: { command?: string; variant?: string; line?: number }) => {
      if (message.command === 'open') {
        await openLine(comparison, message.variant === 'rewritten' ? 'rewritten' : 'original', Number(message.line));
        return;
      }
      if (message.command === 'apply') await applyRewrite(comparison);
      else if (message.command === 'markdown') {
        await vscode.env.clipboard.writeText(reportMarkdown(report));
        void vscode.window.showInformationMessage('The comparison is on the clipboard as Markdown.');
      } else if (message.command === 'json') await saveJson(report, comparison.document);
      render();
    },
    undefined,
    context.subscriptions,
  );
}

/**
 * Opens a layer's line: in the user's Dockerfile, or in the rewrite, which is not on disk and opens
 * as an untitled Dockerfile (kept while open, so every click lands in the same one; saving it is the
 * user's choice).
 */
async function openLine(comparison: Comparison, variant: 'original' | 'rewritten', line: number): Promise<void> {
  if (!Number.isInteger(line) || line < 1) return;
  let document = comparison.document;
  if (variant === 'rewritten') {
    if (!comparison.otherDocument || comparison.otherDocument.isClosed) {
      comparison.otherDocument = await vscode.workspace.openTextDocument({ language: LANGUAGE_ID, content: comparison.otherText });
    }
    document = comparison.otherDocument;
  } else if (document.isClosed) {
    document = await vscode.workspace.openTextDocument(document.uri);
  }
  const position = new vscode.Position(Math.min(line - 1, document.lineCount - 1), 0);
  await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(position, position), preserveFocus: false });
}

async function applyRewrite(comparison: Comparison): Promise<void> {
  const { document } = comparison;
  if (!comparison.isRewrite) return;
  if (document.version !== comparison.versionAtRewrite) {
    void vscode.window.showWarningMessage('The Dockerfile changed since the comparison; run Compare Image Sizes again to apply a current rewrite.');
    return;
  }
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), comparison.otherText);
  await vscode.workspace.applyEdit(edit);
}

async function saveJson(report: ComparisonReport, document: vscode.TextDocument): Promise<void> {
  const target = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.file(path.join(path.dirname(document.uri.fsPath), 'image-sizes.json')),
    filters: { JSON: ['json'] },
    title: 'Save the comparison as JSON',
  });
  if (!target) return;
  await vscode.workspace.fs.writeFile(target, Buffer.from(`${JSON.stringify(report, null, 2)}\n`, 'utf8'));
}
