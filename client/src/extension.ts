import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { Commands, LANGUAGE_ID, SETTINGS_SECTION } from '../../server/src/protocol';
import type * as CompareModule from './compare/command';

// A 1 MB young generation keeps the server's memory near its start-up size while every edit
// re-parses the document (about 30 MB less after 1,000 edits, at about 20% more time per analysis).
const SERVER_NODE_OPTIONS = ['--max-semi-space-size=1'];

let client: LanguageClient | undefined;

/** What activate() returns: how long it took (the extension-host test records it). */
export interface ExtensionApi {
  readonly activationMs: number;
}

/** Activation stays cheap: register the command and start the language client without waiting for it. */
export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const started = performance.now();
  const serverModule = context.asAbsolutePath(path.join('server', 'out', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: SERVER_NODE_OPTIONS } },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_OPTIONS, '--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { language: LANGUAGE_ID, scheme: 'file' },
      { language: LANGUAGE_ID, scheme: 'untitled' },
    ],
    synchronize: { configurationSection: SETTINGS_SECTION },
    diagnosticPullOptions: { onChange: true, onSave: true },
  };
  const log = vscode.window.createOutputChannel('Dockerfile Multi-Stage');
  client = new LanguageClient('dockerfileMultistage', 'Dockerfile Multi-Stage', serverOptions, { ...clientOptions, outputChannel: log });
  context.subscriptions.push(log, client);
  const languageClient = client;
  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.compareImageSizes, (uri?: vscode.Uri) => {
      // dockerode and the report are a separate bundle, loaded when the command first runs.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { compareCommand } = require('./compare.js') as typeof CompareModule;
      return compareCommand(context, languageClient, log, uri);
    }),
  );
  client.start().catch((error: unknown) => {
    log.appendLine(`The language server did not start: ${error instanceof Error ? error.message : String(error)}`);
    void vscode.window.showErrorMessage('Dockerfile Multi-Stage: the language server did not start; see its output channel.');
  });
  return { activationMs: performance.now() - started };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
