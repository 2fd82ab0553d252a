import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import {
  CodeActionRequest,
  ConfigurationRequest,
  DiagnosticRefreshRequest,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentDiagnosticRequest,
  ExitNotification,
  HoverRequest,
  InitializeRequest,
  InitializedNotification,
  LogMessageNotification,
  MessageType,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  createProtocolConnection,
  type ClientCapabilities,
  type CodeAction,
  type Command,
  type ConfigurationItem,
  type Diagnostic,
  type DocumentDiagnosticReport,
  type Hover,
  type InitializeResult,
  type LogMessageParams,
  type Position,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type Range,
} from 'vscode-languageserver-protocol/node';
import { ProposedFeatures, createConnection as createServerConnection, StreamMessageReader as ServerReader, StreamMessageWriter as ServerWriter } from 'vscode-languageserver/node';
import { startLanguageServer } from '../../server/src/lsp/server';

export const SERVER_SCRIPT = join(__dirname, '../../server/out/server.js');

export interface ClientOptions {
  /** Declare `textDocument.diagnostic` (pull) or only accept published diagnostics. */
  readonly pullDiagnostics: boolean;
  /**
   * Answer `workspace/configuration` with these `multistage` settings (null answers null, as Neovim
   * and Helix do for a section they have nothing for); absent: no configuration support.
   */
  readonly settings?: Record<string, unknown> | null;
  /** Sent as `initializationOptions`. */
  readonly initializationOptions?: unknown;
  /** `textDocument.hover.contentFormat`; default `['markdown', 'plaintext']` (VS Code's). */
  readonly hoverContentFormat?: readonly string[] | null;
  /** Declare `workspace.diagnostics.refreshSupport`. */
  readonly refreshSupport?: boolean;
  /** Overrides of the code action capabilities (e.g. without `codeActionLiteralSupport`). */
  readonly codeAction?: NonNullable<ClientCapabilities['textDocument']>['codeAction'];
  /** Declare `workspace/configuration` but never answer it. */
  readonly neverAnswerConfiguration?: boolean;
  /** Answer `client/registerCapability` with an error, as a client that refuses dynamic registration. */
  readonly refuseRegistration?: boolean;
  /** The command line that starts the server; default: node server/out/server.js --stdio. */
  readonly command?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** Only for a test that makes rules fail on purpose: otherwise a logged rule failure fails the test. */
  readonly expectRuleFailures?: boolean;
}

/** What the server logs when a rule throws (server/src/lsp/server.ts). */
const RULE_FAILURE = /^Rule (\S+) failed/;
const liveClients = new Set<LspTestClient>();

/**
 * A real LSP client for tests: over stdio to the built server process, or (inProcess) over a pair
 * of streams to a server in this process, for tests that must inject something into it.
 */
export class LspTestClient {
  readonly published: PublishDiagnosticsParams[] = [];
  readonly logs: LogMessageParams[] = [];
  /** `workspace/diagnostic/refresh` requests the server sent. */
  refreshRequests = 0;
  /** `workspace/configuration` requests the server sent, item by item. */
  readonly configurationRequests: ConfigurationItem[] = [];
  private readonly waiters: Array<{ match: () => boolean; resolve: () => void }> = [];
  settings: Record<string, unknown> | null | undefined;
  stderr = '';
  private ruleFailuresReported = 0;

  private constructor(
    readonly connection: ProtocolConnection,
    private readonly options: ClientOptions,
    readonly process?: ChildProcessWithoutNullStreams,
    private readonly disposeServer?: () => void,
  ) {
    this.settings = options.settings;
  }

  /** The built server process, started as an editor starts it. */
  static async start(options: ClientOptions): Promise<{ client: LspTestClient; initialize: InitializeResult }> {
    if (!options.command && !existsSync(SERVER_SCRIPT)) throw new Error(`${SERVER_SCRIPT} is missing: run npm run build first`);
    const [command, ...args] = options.command ?? [process.execPath, SERVER_SCRIPT, '--stdio'];
    const child = spawn(command!, args, { stdio: 'pipe', env: options.env ?? process.env });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const client = new LspTestClient(connection, options, child);
    child.stderr.on('data', (chunk: Buffer) => (client.stderr += chunk.toString()));
    return { client, initialize: await client.initialize(process.pid) };
  }

  /**
   * A server in this process (server/src/lsp/server.ts) over a real LSP connection on two streams,
   * for tests that replace something inside it. Never sends `exit`, which would end this process.
   */
  static async inProcess(options: Omit<ClientOptions, 'command' | 'env'>): Promise<{ client: LspTestClient; initialize: InitializeResult }> {
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    const serverConnection = createServerConnection(ProposedFeatures.all, new ServerReader(toServer), new ServerWriter(toClient));
    startLanguageServer(serverConnection, 'in-process');
    const connection = createProtocolConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
    const client = new LspTestClient(connection, options, undefined, () => {
      serverConnection.dispose();
      toServer.end();
      toClient.end();
    });
    // No processId: the server would watch it with a timer that keeps mocha running.
    return { client, initialize: await client.initialize(null) };
  }

  private async initialize(processId: number | null): Promise<InitializeResult> {
    const options = this.options;
    const connection = this.connection;
    liveClients.add(this);
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.published.push(params);
      this.wake();
    });
    connection.onNotification(LogMessageNotification.type, (params) => {
      this.logs.push(params);
      this.wake();
    });
    connection.onRequest(ConfigurationRequest.type, (params) => {
      this.configurationRequests.push(...params.items);
      this.wake();
      if (options.neverAnswerConfiguration) return new Promise<never>(() => undefined);
      return params.items.map(() => this.settings ?? null);
    });
    connection.onRequest(DiagnosticRefreshRequest.type, () => {
      this.refreshRequests++;
      this.wake();
    });
    connection.onRequest(RegistrationRequest.type, () => {
      if (options.refuseRegistration) throw new Error('this client does not support dynamic registration');
    });
    connection.listen();
    const hoverFormat = options.hoverContentFormat === undefined ? ['markdown', 'plaintext'] : options.hoverContentFormat;
    const capabilities: ClientCapabilities = {
      textDocument: {
        hover: hoverFormat === null ? {} : { contentFormat: [...hoverFormat] as Array<'markdown' | 'plaintext'> },
        publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
        ...(options.pullDiagnostics ? { diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false } } : {}),
        codeAction: options.codeAction ?? {
          codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'refactor', 'refactor.rewrite'] } },
          dataSupport: true,
          isPreferredSupport: true,
          disabledSupport: true,
        },
      },
      workspace: {
        workspaceEdit: { documentChanges: true },
        configuration: options.settings !== undefined || options.neverAnswerConfiguration === true,
        didChangeConfiguration: { dynamicRegistration: true },
        diagnostics: { refreshSupport: options.refreshSupport === true },
      },
    };
    const initialize = await this.checked(
      connection.sendRequest(InitializeRequest.type, { processId, rootUri: null, capabilities, workspaceFolders: null, initializationOptions: options.initializationOptions }),
    );
    await connection.sendNotification(InitializedNotification.type, {});
    return initialize;
  }

  /** Rule failures the server logged (the message's rule ids). */
  ruleFailures(): string[] {
    return this.logs.filter((log) => log.type === MessageType.Error && RULE_FAILURE.test(log.message)).map((log) => RULE_FAILURE.exec(log.message)![1]!);
  }

  /**
   * Throws when the server logged a rule failure not yet reported: any rule error fails the test
   * that caused it. Every request below checks after its answer, which arrives after the log.
   */
  assertNoRuleFailures(): void {
    if (this.options.expectRuleFailures) return;
    const failures = this.logs.filter((log) => log.type === MessageType.Error && RULE_FAILURE.test(log.message));
    if (failures.length <= this.ruleFailuresReported) return;
    this.ruleFailuresReported = failures.length;
    throw new Error(`the language server logged a rule failure:\n${failures.map((log) => log.message).join('\n')}`);
  }

  private async checked<T>(answer: PromiseLike<T>): Promise<T> {
    const result = await answer;
    this.assertNoRuleFailures();
    return result;
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
    return this.checked(this.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri }, ...(previousResultId ? { previousResultId } : {}) }));
  }

  async codeActions(uri: string, range: Range, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> {
    const result = await this.checked(this.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics, ...(only ? { only } : {}) } }));
    return (result ?? []).filter((action): action is CodeAction => !('command' in action && typeof (action as Command).command === 'string'));
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.checked(this.connection.sendRequest(method, params) as Promise<R>);
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.checked(this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position }));
  }

  /** didChangeConfiguration with `{ settings: { multistage: settings } }`; later workspace/configuration answers the same. */
  async changeSettings(settings: Record<string, unknown>): Promise<void> {
    this.settings = settings;
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { multistage: settings } });
  }

  /** didChangeConfiguration with exactly this `settings` value. */
  async notifyConfiguration(settings: unknown): Promise<void> {
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings });
  }

  /** The next publishDiagnostics for the uri that matches, bounded by a timeout (no sleeping). */
  async nextPublished(uri: string, match: (params: PublishDiagnosticsParams) => boolean = () => true, timeoutMs = 10_000): Promise<PublishDiagnosticsParams> {
    const find = () => this.published.find((params) => params.uri === uri && match(params));
    await this.until(() => find() !== undefined, `no matching diagnostics for ${uri}`, timeoutMs);
    this.assertNoRuleFailures();
    return find()!;
  }

  /** Resolves once the condition holds, re-checked on every message from the server; rejects after the bound. */
  until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        match: condition,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`${what} within ${timeoutMs} ms; stderr: ${this.stderr}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.match()) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }

  /** shutdown + exit (the process's exit code), or for an in-process server, shutdown and close the streams. */
  async stop(): Promise<number | null> {
    liveClients.delete(this);
    if (!this.process) {
      await this.connection.sendRequest(ShutdownRequest.type);
      this.connection.dispose();
      this.disposeServer?.();
      this.assertNoRuleFailures();
      return null;
    }
    const exited = new Promise<number | null>((resolve) => this.process!.once('exit', (code) => resolve(code)));
    await this.connection.sendRequest(ShutdownRequest.type);
    await this.connection.sendNotification(ExitNotification.type);
    const code = await Promise.race([exited, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5000))]);
    this.connection.dispose();
    if (code === 'timeout') {
      this.process.kill();
      throw new Error('the server did not exit within 5 s of exit');
    }
    this.assertNoRuleFailures();
    return code;
  }
}

// A rule failure logged after a test's last request still fails it: every test is followed by
// this check on the clients still running (registered on mocha's root suite when loaded).
if (typeof afterEach === 'function') {
  afterEach(function () {
    for (const client of liveClients) client.assertNoRuleFailures();
  });
}
