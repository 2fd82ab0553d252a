import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  CodeActionRequest,
  ConfigurationRequest,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentDiagnosticRequest,
  ExitNotification,
  HoverRequest,
  InitializeRequest,
  InitializedNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  createProtocolConnection,
  type ClientCapabilities,
  type CodeAction,
  type Command,
  type Diagnostic,
  type Range,
  type DocumentDiagnosticReport,
  type Hover,
  type InitializeResult,
  type Position,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

export const SERVER_SCRIPT = join(__dirname, '../../server/out/server.js');

export interface ClientOptions {
  /** Declare `textDocument.diagnostic` (pull) or only accept published diagnostics. */
  readonly pullDiagnostics: boolean;
  /** Answer `workspace/configuration` with these `multistage` settings; absent: no configuration support. */
  readonly settings?: Record<string, unknown>;
  /** The command line that starts the server; default: node server/out/server.js --stdio. */
  readonly command?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
}

/** A real LSP client over stdio to the built server process, for tests. */
export class LspTestClient {
  readonly published: PublishDiagnosticsParams[] = [];
  private readonly waiters: Array<{ match: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }> = [];
  settings: Record<string, unknown> | undefined;
  stderr = '';

  private constructor(
    readonly process: ChildProcessWithoutNullStreams,
    readonly connection: ProtocolConnection,
  ) {}

  static async start(options: ClientOptions): Promise<{ client: LspTestClient; initialize: InitializeResult }> {
    if (!options.command && !existsSync(SERVER_SCRIPT)) throw new Error(`${SERVER_SCRIPT} is missing: run npm run build first`);
    const [command, ...args] = options.command ?? [process.execPath, SERVER_SCRIPT, '--stdio'];
    const child = spawn(command!, args, { stdio: 'pipe', env: options.env ?? process.env });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const client = new LspTestClient(child, connection);
    client.settings = options.settings;
    child.stderr.on('data', (chunk: Buffer) => (client.stderr += chunk.toString()));
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      client.published.push(params);
      for (const waiter of [...client.waiters]) {
        if (waiter.match(params)) {
          client.waiters.splice(client.waiters.indexOf(waiter), 1);
          waiter.resolve(params);
        }
      }
    });
    connection.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => client.settings ?? null));
    connection.onRequest(RegistrationRequest.type, () => undefined);
    connection.listen();
    const capabilities: ClientCapabilities = {
      textDocument: {
        hover: { contentFormat: ['markdown', 'plaintext'] },
        publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
        ...(options.pullDiagnostics ? { diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false } } : {}),
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'refactor', 'refactor.rewrite'] } }, dataSupport: true, isPreferredSupport: true, disabledSupport: true },
      },
      workspace: {
        workspaceEdit: { documentChanges: true },
        configuration: options.settings !== undefined,
        didChangeConfiguration: { dynamicRegistration: true },
        diagnostics: { refreshSupport: false },
      },
    };
    const initialize = await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities, workspaceFolders: null });
    await connection.sendNotification(InitializedNotification.type, {});
    return { client, initialize };
  }

  async open(uri: string, text: string, version = 1): Promise<void> {
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'dockerfile', version, text } });
  }

  /** Replaces the whole text, as a full-text change event. */
  async replace(uri: string, version: number, text: string): Promise<void> {
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  /** Applies one ranged (incremental) edit. */
  async edit(uri: string, version: number, range: { start: Position; end: Position }, text: string): Promise<void> {
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ range, text }] });
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  pull(uri: string, previousResultId?: string): Promise<DocumentDiagnosticReport> {
    return Promise.resolve(this.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri }, ...(previousResultId ? { previousResultId } : {}) }));
  }

  async codeActions(uri: string, range: Range, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> {
    const result = await this.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics, ...(only ? { only } : {}) } });
    return (result ?? []).filter((action): action is CodeAction => !('command' in action && typeof (action as Command).command === 'string'));
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return Promise.resolve(this.connection.sendRequest(method, params) as Promise<R>);
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return Promise.resolve(this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position }));
  }

  async changeSettings(settings: Record<string, unknown>): Promise<void> {
    this.settings = settings;
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { multistage: settings } });
  }

  /** The next publishDiagnostics for the uri that matches, bounded by a timeout (no sleeping). */
  nextPublished(uri: string, match: (params: PublishDiagnosticsParams) => boolean = () => true, timeoutMs = 10_000): Promise<PublishDiagnosticsParams> {
    const already = this.published.find((params) => params.uri === uri && match(params));
    if (already) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; stderr: ${this.stderr}`)), timeoutMs);
      this.waiters.push({
        match: (params) => params.uri === uri && match(params),
        resolve: (params) => {
          clearTimeout(timer);
          resolve(params);
        },
      });
    });
  }

  /** shutdown + exit; resolves with the process exit code. */
  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.process.once('exit', (code) => resolve(code)));
    await this.connection.sendRequest(ShutdownRequest.type);
    await this.connection.sendNotification(ExitNotification.type);
    const code = await Promise.race([exited, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5000))]);
    this.connection.dispose();
    if (code === 'timeout') {
      this.process.kill();
      throw new Error('the server did not exit within 5 s of exit');
    }
    return code;
  }
}
