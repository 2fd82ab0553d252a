import {
  CodeActionKind,
  DiagnosticRefreshRequest,
  DidChangeConfigurationNotification,
  DocumentDiagnosticReportKind,
  MarkupKind,
  TextDocumentSyncKind,
  TextDocuments,
  type Connection,
  type Diagnostic,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { initialize } from '../core';
import { containsPosition } from '../core/text';
import { RewriteRequest, SETTINGS_SECTION, type MultistageSettings, type RewriteParams, type RewriteResult as RewriteResponse } from '../protocol';
import { AnalysisCache, type VersionAnalysis } from './analysis-cache';
import { codeActions, type CodeActionSupport } from './code-actions';
import { hoverFormat, toDiagnostic, toHover } from './convert';
import { SettingsStore, settingsKey } from './settings';
import { SERVER_NAME } from './transport';

export { SERVER_NAME };

export interface ServerHooks {
  /** Called after each analysis of a new version (the process entry schedules an idle-time collection). */
  readonly afterAnalysis?: () => void;
}

/** Wires the analysis core to an LSP connection: diagnostics (pulled or pushed), hover, code actions, settings. */
export function startLanguageServer(connection: Connection, version: string, hooks: ServerHooks = {}): void {
  const documents = new TextDocuments(TextDocument);
  const log = (message: string) => connection.console.error(message);
  // A failing rule is a bug to see, not "no findings": logged once per rule and error, and the
  // other rules' findings are still served.
  const reportedFailures = new Set<string>();
  const cache = new AnalysisCache({
    onRuleError: (ruleId, error) => {
      const key = `${ruleId}\n${error instanceof Error ? error.message : String(error)}`;
      if (reportedFailures.has(key)) return;
      reportedFailures.add(key);
      log(`Rule ${ruleId} failed (its findings are missing until it is fixed; logged once): ${describe(error)}`);
    },
  });
  let clientPullsDiagnostics = false;
  let clientPullsConfiguration = false;
  let clientRefreshesDiagnostics = false;
  let registerConfigurationChange = false;
  let hoverKind: MarkupKind = MarkupKind.Markdown;
  let actionSupport: CodeActionSupport = { literals: true, disabled: false, documentChanges: false };
  const settings = new SettingsStore(connection, () => clientPullsConfiguration, log);
  // The settings each document's diagnostics were last computed with, to tell a real settings change.
  const diagnosedWith = new Map<string, string>();

  function diagnosticsOf(analysis: VersionAnalysis, documentSettings: MultistageSettings): Diagnostic[] {
    diagnosedWith.set(analysis.uri, settingsKey(documentSettings));
    try {
      return analysis.findings(documentSettings).map((finding) => toDiagnostic(finding, analysis.uri));
    } catch (error) {
      log(`Could not analyse ${analysis.uri}: ${describe(error)}`);
      return [];
    } finally {
      hooks.afterAnalysis?.();
    }
  }

  /** The document's settings, then its analysis as it is once they are known (a change may arrive meanwhile). */
  async function current(uri: string): Promise<{ analysis: VersionAnalysis; settings: MultistageSettings } | undefined> {
    if (!documents.get(uri)) return undefined;
    const documentSettings = await settings.forDocument(uri);
    const document = documents.get(uri);
    return document && { analysis: cache.get(document), settings: documentSettings };
  }

  // Clients without pull diagnostics get them pushed; bursts of edits publish only the latest version.
  const pendingPublish = new Set<string>();
  const lastPublished = new Map<string, string>();
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
      // An unexpected failure is logged: a rejected promise left alone would end the process.
      for (const pendingUri of uris) publish(pendingUri).catch((error: unknown) => log(`Could not publish diagnostics for ${pendingUri}: ${describe(error)}`));
    });
  }
  async function publish(uri: string): Promise<void> {
    const now = await current(uri);
    if (!now) return;
    const { analysis, settings: documentSettings } = now;
    // The same version with the same settings was already published (a settings change that changed nothing).
    const stamp = `${analysis.version}:${settingsKey(documentSettings)}`;
    if (lastPublished.get(uri) === stamp) return;
    lastPublished.set(uri, stamp);
    await connection.sendDiagnostics({ uri, version: analysis.version, diagnostics: diagnosticsOf(analysis, documentSettings) }).catch(() => undefined);
  }

  connection.onInitialize(async (params): Promise<InitializeResult> => {
    await initialize();
    const capabilities = params.capabilities;
    clientPullsDiagnostics = capabilities.textDocument?.diagnostic !== undefined;
    clientPullsConfiguration = capabilities.workspace?.configuration === true;
    clientRefreshesDiagnostics = capabilities.workspace?.diagnostics?.refreshSupport === true;
    registerConfigurationChange = capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true;
    hoverKind = hoverFormat(capabilities.textDocument?.hover?.contentFormat);
    const codeAction = capabilities.textDocument?.codeAction;
    actionSupport = {
      literals: codeAction?.codeActionLiteralSupport !== undefined,
      disabled: codeAction?.disabledSupport === true,
      documentChanges: capabilities.workspace?.workspaceEdit?.documentChanges === true,
    };
    settings.setInitializationOptions(params.initializationOptions);
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
    if (registerConfigurationChange) {
      connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION }).catch((error: unknown) => log(`Could not register for configuration changes: ${describe(error)}`));
    }
  });

  async function configurationChanged(pushed: unknown): Promise<void> {
    settings.configurationChanged(pushed);
    if (!clientPullsDiagnostics) {
      // publish() skips a document whose effective settings did not change.
      for (const document of documents.all()) schedulePublish(document.uri);
      return;
    }
    if (!clientRefreshesDiagnostics) return;
    let changed = false;
    for (const document of documents.all()) {
      const before = diagnosedWith.get(document.uri);
      if (before !== undefined && before !== settingsKey(await settings.forDocument(document.uri))) changed = true;
    }
    if (changed) await connection.sendRequest(DiagnosticRefreshRequest.type);
  }
  connection.onDidChangeConfiguration((change) => {
    configurationChanged(change.settings).catch((error: unknown) => log(`Could not apply the new settings: ${describe(error)}`));
  });

  connection.languages.diagnostics.on(async (params) => {
    const now = await current(params.textDocument.uri);
    if (!now) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    const resultId = `${now.analysis.version}:${settingsKey(now.settings)}`;
    if (params.previousResultId === resultId) {
      diagnosedWith.set(now.analysis.uri, settingsKey(now.settings));
      return { kind: DocumentDiagnosticReportKind.Unchanged, resultId };
    }
    return { kind: DocumentDiagnosticReportKind.Full, resultId, items: diagnosticsOf(now.analysis, now.settings) };
  });

  connection.onHover(async (params) => {
    const now = await current(params.textDocument.uri);
    if (!now) return null;
    try {
      const findings = now.analysis.findings(now.settings);
      return toHover(findings.filter((finding) => containsPosition(finding.range, params.position)), hoverKind);
    } catch (error) {
      log(`Hover failed for ${params.textDocument.uri}: ${describe(error)}`);
      return null;
    }
  });

  connection.onCodeAction(async (params) => {
    const now = await current(params.textDocument.uri);
    if (!now) return [];
    try {
      const { analysis, settings: documentSettings } = now;
      return codeActions(params, analysis, analysis.findings(documentSettings), () => analysis.rewrite(documentSettings), actionSupport);
    } catch (error) {
      log(`Code actions failed for ${params.textDocument.uri}: ${describe(error)}`);
      return [];
    }
  });

  connection.onRequest(RewriteRequest.method, async (params: RewriteParams): Promise<RewriteResponse> => {
    const now = typeof params?.uri === 'string' ? await current(params.uri) : undefined;
    if (!now) return { ok: false, reason: 'the document is not open in the editor' };
    const result = now.analysis.rewrite(now.settings);
    if (!result.ok) return { ok: false, reason: `Not rewritten: ${result.reason}` };
    const notes = result.summary.notes.length > 0 ? `; ${result.summary.notes.join('; ')}` : '';
    const summary = `builder stage "${result.summary.builderStage}", runtime on ${result.summary.runtimeBase}${notes}`;
    return { ok: true, text: result.text, version: now.analysis.version, summary };
  });

  documents.onDidChangeContent((event) => schedulePublish(event.document.uri));
  documents.onDidClose((event) => {
    const uri = event.document.uri;
    cache.delete(uri);
    settings.forget(uri);
    diagnosedWith.delete(uri);
    lastPublished.delete(uri);
    if (!clientPullsDiagnostics) connection.sendDiagnostics({ uri, diagnostics: [] }).catch(() => undefined);
  });

  documents.listen(connection);
  connection.listen();
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
