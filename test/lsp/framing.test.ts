import { strict as assert } from 'node:assert';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import {
  InitializeRequest,
  StreamMessageReader,
  StreamMessageWriter,
  createProtocolConnection,
  type ResponseMessage,
} from 'vscode-languageserver-protocol/node';
import { SERVER_SCRIPT } from '../helpers/lsp-client';

/** The server process with raw access to its stdin, to send bytes no LSP library would. */
class RawServer {
  readonly process: ChildProcessWithoutNullStreams;
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor() {
    this.process = spawn(process.execPath, [SERVER_SCRIPT, '--stdio'], { stdio: 'pipe' });
    this.process.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.process.once('exit', (code) => resolve(code)));
  }

  send(bytes: string | Buffer): void {
    this.process.stdin.write(bytes);
  }

  /** A well-formed message. */
  sendMessage(message: object): void {
    const body = Buffer.from(JSON.stringify(message), 'utf8');
    this.send(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]));
  }

  /** The exit code, or a failure when the server is still running after the bound (it hangs). */
  async exitCode(timeoutMs = 10_000): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const hang = new Promise<'hang'>((resolve) => (timer = setTimeout(() => resolve('hang'), timeoutMs)));
    const result = await Promise.race([this.exited, hang]);
    clearTimeout(timer);
    if (result === 'hang') {
      this.process.kill();
      assert.fail(`the server neither answered nor exited within ${timeoutMs} ms; stderr: ${this.stderr}`);
    }
    return result;
  }

  kill(): void {
    this.process.kill();
  }
}

const INITIALIZE = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } };

describe('language server over stdio: malformed message framing', () => {
  const framingErrors: Array<[string, string | Buffer, RegExp]> = [
    ['Content-Length: abc', 'Content-Length: abc\r\n\r\n{}', /Content-Length must be a whole number of bytes, got "abc"/],
    ['a negative Content-Length', 'Content-Length: -5\r\n\r\n{}', /Content-Length must be a whole number of bytes, got "-5"/],
    ['a huge Content-Length', 'Content-Length: 99999999999999999999\r\n\r\n{}', /Content-Length 99999999999999999999 is larger than the \d+-byte limit/],
    ['no Content-Length', 'Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}', /no Content-Length/],
    ['a body without the blank line before it', 'Content-Length: 2\r\n{}', /a message header line is not "Name: value": "\{\}"/],
    ['a header ending in bare line feeds', 'Content-Length: 2\n\n{}', /bare line feed instead of CR LF/],
    ['a header that never ends', `X-Padding: ${'a'.repeat(9000)}`, /longer than 8192 bytes/],
  ];
  for (const [name, bytes, reason] of framingErrors) {
    it(`${name}: says why on stderr and exits with code 1, so the editor can restart it`, async () => {
      const server = new RawServer();
      try {
        server.send(bytes);
        assert.equal(await server.exitCode(), 1);
        assert.match(server.stderr, /dockerfile-multistage-language-server: cannot read the client's messages: /);
        assert.match(server.stderr, reason);
      } finally {
        server.kill();
      }
    });
  }

  it('a malformed header in the middle of a session ends it the same way', async () => {
    const server = new RawServer();
    const connection = createProtocolConnection(new StreamMessageReader(server.process.stdout), new StreamMessageWriter(server.process.stdin));
    connection.listen();
    try {
      const result = await connection.sendRequest(InitializeRequest.type, { processId: null, rootUri: null, capabilities: {} });
      assert.equal(result.serverInfo?.name, 'dockerfile-multistage-language-server');
      server.send('Content-Length: 12abc\r\n\r\n{}');
      assert.equal(await server.exitCode(), 1);
      assert.match(server.stderr, /Content-Length must be a whole number of bytes, got "12abc"/);
    } finally {
      connection.dispose();
      server.kill();
    }
  });

  for (const [name, body] of [
    ['a body that is not JSON', 'hello, server'],
    ['a JSON body that is not a JSON-RPC object', '[1, 2, 3]'],
  ] as const) {
    it(`${name}: answers a Parse error, says why on stderr, and keeps serving`, async () => {
      const server = new RawServer();
      const responses: ResponseMessage[] = [];
      const waiters: Array<() => void> = [];
      new StreamMessageReader(server.process.stdout).listen((message) => {
        responses.push(message as ResponseMessage);
        waiters.splice(0).forEach((wake) => wake());
      });
      const response = (id: number | null) =>
        new Promise<ResponseMessage>((resolve) => {
          const check = () => {
            const found = responses.find((r) => r.id === id);
            if (found) resolve(found);
            else waiters.push(check);
          };
          check();
        });
      try {
        server.send(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
        // JSON-RPC's answer to an unparsable message: a Parse error with a null id.
        assert.equal((await response(null)).error?.code, -32700);
        server.sendMessage(INITIALIZE);
        const initialized = await response(1);
        assert.equal((initialized.result as { serverInfo?: { name?: string } }).serverInfo?.name, 'dockerfile-multistage-language-server');
        assert.match(server.stderr, /skipped a message: a message body is not (JSON|a JSON-RPC object)/);
      } finally {
        server.kill();
      }
    });
  }

  it('reads a message split across writes at any byte, headers included', async () => {
    const server = new RawServer();
    const reader = new StreamMessageReader(server.process.stdout);
    const answered = new Promise<ResponseMessage>((resolve) => reader.listen((message) => resolve(message as ResponseMessage)));
    try {
      const body = Buffer.from(JSON.stringify(INITIALIZE), 'utf8');
      const bytes = Buffer.concat([Buffer.from(`content-length:${body.length}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n`), body]);
      // One byte per write: the server must wait for the rest, never misread a partial header.
      for (const byte of bytes) server.send(Buffer.from([byte]));
      const response = await answered;
      assert.equal(response.id, 1);
      assert.equal((response.result as { serverInfo?: { name?: string } }).serverInfo?.name, 'dockerfile-multistage-language-server');
    } finally {
      server.kill();
    }
  });

  it('reads the same strict way over --socket (the client listens, the server connects)', async () => {
    const listener = createServer();
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const port = (listener.address() as AddressInfo).port;
    const child = spawn(process.execPath, [SERVER_SCRIPT, `--socket=${port}`], { stdio: 'pipe' });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const socket = await new Promise<Socket>((resolve) => listener.once('connection', resolve));
      const connection = createProtocolConnection(new StreamMessageReader(socket), new StreamMessageWriter(socket));
      connection.listen();
      const result = await connection.sendRequest(InitializeRequest.type, { processId: null, rootUri: null, capabilities: {} });
      assert.equal(result.serverInfo?.name, 'dockerfile-multistage-language-server');
      socket.write('Content-Length: abc\r\n\r\n{}');
      const hang = new Promise<'hang'>((resolve) => setTimeout(() => resolve('hang'), 10_000).unref());
      assert.equal(await Promise.race([exited, hang]), 1, `stderr: ${stderr}`);
      assert.match(stderr, /Content-Length must be a whole number of bytes, got "abc"/);
      connection.dispose();
    } finally {
      child.kill();
      listener.close();
    }
  });
});
