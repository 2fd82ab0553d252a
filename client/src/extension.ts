import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Commands } from '../../server/src/protocol';
import type * as CompareModule from './compare/command';
import type * as ClientModule from './language-client';

let client: Promise<LanguageClient> | undefined;

/** What activate() returns, for the extension-host test that records the timings. */
export interface ExtensionApi {
  /** Loading this bundle and running activate(). */
  readonly activationMs: number;
  /** Loading vscode-languageclient and starting the client, right after activation. */
  readonly clientLoaded: Promise<number>;
}

/**
 * Activation stays cheap: an output channel and a command. The language client (the bulk of the
 * code) loads on the next turn of the event loop and the server starts without being awaited;
 * dockerode loads only when Compare Image Sizes first runs.
 */
export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Dockerfile Multi-Stage');
  context.subscriptions.push(log);
  let clientLoadMs = 0;
  client = new Promise<LanguageClient>((resolve, reject) =>
    setImmediate(() => {
      try {
        const loadStarted = performance.now();
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { startLanguageClient } = require('./language-client.js') as typeof ClientModule;
        const languageClient = startLanguageClient(context, log);
        clientLoadMs = performance.now() - loadStarted;
        languageClient.start().catch((error: unknown) => {
          log.appendLine(`The language server did not start: ${error instanceof Error ? error.message : String(error)}`);
          void vscode.window.showErrorMessage('Dockerfile Multi-Stage: the language server did not start; see its output channel.');
        });
        resolve(languageClient);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    }),
  );
  const loaded = client;
  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.compareImageSizes, async (uri?: vscode.Uri) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { compareCommand } = require('./compare.js') as typeof CompareModule;
      return compareCommand(context, await loaded, log, uri);
    }),
  );
  return { activationMs: performance.now() - started, clientLoaded: loaded.then(() => clientLoadMs) };
}

export async function deactivate(): Promise<void> {
  const running = await client?.catch(() => undefined);
  client = undefined;
  await running?.stop();
}
