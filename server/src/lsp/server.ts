import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DocumentDiagnosticReportKind,
  TextDocumentSyncKind,
  TextDocuments,
  type Connection,
  type Diagnostic,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { initialize } from '../core';
import { containsPosition } from '../core/text';
import { RewriteRequest, SETTINGS_SECTION, type RewriteParams, type RewriteResult as RewriteResponse } from '../protocol';
import { codeActions, type CodeActionSupport } from './code-actions';
import { AnalysisCache } from './analysis-cache';
import { toDiagnostic, toHover } from './convert';
import { SettingsStore, settingsKey } from './settings';

export const SERVER_NAME = 'dockerfile-multistage-language-server';

/** Wires the analysis core to an LSP connection: diagnostics (pulled or pushed), hover, settings. */
export function startLanguageServer(connection: Connection, version: string): void {
  const documents = new TextDocuments(TextDocument);
  const cache = new AnalysisCache({ onRuleError: (ruleId, error) => connection.console.error(`Rule ${ruleId} failed: ${describe(error)}`) });
  let clientPullsDiagnostics = false;
  let clientPullsConfiguration = false;
  let clientRefreshesDiagnostics = false;
  let registerConfigurationChange = false;
  let actionSupport: CodeActionSupport = { disabled: false, documentChanges: false };
  const settings = new SettingsStore(connection, () => clientPullsConfiguration);

  async function diagnosticsFor(document: TextDocument): Promise<{ items: Diagnostic[]; resultId: string }> {
    const documentSettings = await settings.forDocument(document.uri);
    const resultId = `${document.version}:${settingsKey(documentSettings)}`;
    try {
      const findings = cache.findings(document, documentSettings);
      return { items: findings.map((finding) => toDiagnostic(finding, document.uri)), resultId };
    } catch (error) {
      connection.console.error(`Could not analyse ${document.uri}: ${describe(error)}`);
      return { items: [], resultId };
    }
  }

  // Clients without pull diagnostics get them pushed; bursts of edits publish only the latest version.
  const pendingPublish = new Set<string>();
  let publishScheduled = false;
  function schedulePublish(uri: string): void {
    if (clientPullsDiagnostics) return;
    pendingPublish.add(uri);
    if (publishScheduled) return;
    publishScheduled = true;
    setImmediate(() => {
      publishScheduled = false;
      const uris = [...pendingPublish];
      pendingPublish.clear();
      for (const pendingUri of uris) void publish(pendingUri);
    });
  }
  async function publish(uri: string): Promise<void> {
    const document = documents.get(uri);
    if (!document) return;
    const { items } = await diagnosticsFor(document);
    if (documents.get(uri)?.version !== document.version) return; // a newer version is on its way
    await connection.sendDiagnostics({ uri, version: document.version, diagnostics: items });
  }

  connection.onInitialize(async (params): Promise<InitializeResult> => {
    await initialize();
    const capabilities = params.capabilities;
    clientPullsDiagnostics = capabilities.textDocument?.diagnostic !== undefined;
    clientPullsConfiguration = capabilities.workspace?.configuration === true;
    clientRefreshesDiagnostics = capabilities.workspace?.diagnostics?.refreshSupport === true;
    registerConfigurationChange = capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true;
    actionSupport = {
      disabled: capabilities.textDocument?.codeAction?.disabledSupport === true,
      documentChanges: capabilities.workspace?.workspaceEdit?.documentChanges === true,
    };
    const options = params.initializationOptions as { settings?: unknown } | undefined;
    settings.setFallback(options?.settings);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite], resolveProvider: false },
        ...(clientPullsDiagnostics ? { diagnosticProvider: { identifier: SETTINGS_SECTION, interFileDependencies: false, workspaceDiagnostics: false } } : {}),
      },
      serverInfo: { name: SERVER_NAME, version },
    };
  });

  connection.onInitialized(() => {
    if (registerConfigurationChange) void connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION });
  });

  connection.onDidChangeConfiguration((change) => {
    const pushed = (change.settings as Record<string, unknown> | null | undefined)?.[SETTINGS_SECTION];
    if (pushed !== undefined) settings.setFallback(pushed);
    settings.clear();
    if (clientPullsDiagnostics) {
      if (clientRefreshesDiagnostics) void connection.languages.diagnostics.refresh();
    } else {
      for (const document of documents.all()) schedulePublish(document.uri);
    }
  });

  connection.languages.diagnostics.on(async (params) => {
    const document = documents.get(params.textDocument.uri);
    if (!document) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    const { items, resultId } = await diagnosticsFor(document);
    if (params.previousResultId === resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId };
    return { kind: DocumentDiagnosticReportKind.Full, resultId, items };
  });

  connection.onHover(async (params) => {
    const document = documents.get(params.textDocument.uri);
    if (!document) return null;
    try {
      const findings = cache.findings(document, await settings.forDocument(document.uri));
      return toHover(findings.filter((finding) => containsPosition(finding.range, params.position)));
    } catch (error) {
      connection.console.error(`Hover failed for ${document.uri}: ${describe(error)}`);
      return null;
    }
  });

  connection.onCodeAction(async (params) => {
    const document = documents.get(params.textDocument.uri);
    if (!document) return [];
    try {
      const documentSettings = await settings.forDocument(document.uri);
      const singleStage = cache.model(document).stages.length === 1;
      return codeActions(params, document, singleStage, () => cache.rewrite(document, documentSettings), actionSupport);
    } catch (error) {
      connection.console.error(`Code actions failed for ${document.uri}: ${describe(error)}`);
      return [];
    }
  });

  connection.onRequest(RewriteRequest.method, async (params: RewriteParams): Promise<RewriteResponse> => {
    const document = documents.get(params.uri);
    if (!document) return { ok: false, reason: 'the document is not open in the editor' };
    const result = cache.rewrite(document, await settings.forDocument(document.uri));
    if (!result.ok) return { ok: false, reason: `Not rewritten: ${result.reason}` };
    const summary = `builder stage "${result.summary.builderStage}", runtime on ${result.summary.runtimeBase}`;
    return { ok: true, text: result.text, version: document.version, summary };
  });

  documents.onDidChangeContent((event) => schedulePublish(event.document.uri));
  documents.onDidClose((event) => {
    cache.delete(event.document.uri);
    settings.forget(event.document.uri);
    if (!clientPullsDiagnostics) void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
  });

  documents.listen(connection);
  connection.listen();
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
