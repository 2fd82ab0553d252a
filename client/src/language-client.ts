import * as path from 'node:path';
import type * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { LANGUAGE_ID, SETTINGS_SECTION } from '../../server/src/protocol';

// Every edit re-parses the document, and V8 keeps the heap that garbage grew. A 1 MB young
// generation and a 96 MB ceiling on the old one (far above what the server holds: one parsed
// version per open file) make V8 collect sooner (see the README's benchmark; scripts/bench-server.mjs
// starts the server alike). Started without them, the server sets the run-time equivalent itself.
export const SERVER_NODE_OPTIONS = ['--max-semi-space-size=1', '--max-old-space-size=96'];
// glibc gives each thread of V8's pools its own malloc arena; two are plenty and save about 5 MB.
export const SERVER_ENVIRONMENT = { MALLOC_ARENA_MAX: '2' };

/** Starts the language server process and the client that speaks to it. */
export function startLanguageClient(context: vscode.ExtensionContext, log: vscode.OutputChannel): LanguageClient {
  const serverModule = context.asAbsolutePath(path.join('server', 'out', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: SERVER_NODE_OPTIONS, env: { ...process.env, ...SERVER_ENVIRONMENT } } },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_OPTIONS, '--nolazy', '--inspect=6011'], env: { ...process.env, ...SERVER_ENVIRONMENT } } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { language: LANGUAGE_ID, scheme: 'file' },
      { language: LANGUAGE_ID, scheme: 'untitled' },
    ],
    synchronize: { configurationSection: SETTINGS_SECTION },
    diagnosticPullOptions: { onChange: true, onSave: true },
    outputChannel: log,
  };
  const client = new LanguageClient('dockerfileMultistage', 'Dockerfile Multi-Stage', serverOptions, clientOptions);
  context.subscriptions.push(client);
  return client;
}
