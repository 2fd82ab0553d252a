import { createConnection as createSocket } from 'node:net';
import { Console } from 'node:console';
import {
  ErrorCodes,
  ProposedFeatures,
  ShutdownRequest,
  StreamMessageWriter,
  createConnection,
  type Connection,
  type ResponseMessage,
} from 'vscode-languageserver/node';
import { StrictStreamMessageReader } from './framing';

export const SERVER_NAME = 'dockerfile-multistage-language-server';

/** The transports a client can name on the command line (as vscode-languageserver reads them). */
export type Transport =
  | { readonly kind: 'stdio' }
  | { readonly kind: 'node-ipc' }
  | { readonly kind: 'socket'; readonly port: number }
  | { readonly kind: 'pipe'; readonly name: string };

export function transportFrom(argv: readonly string[]): Transport | undefined {
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    const value = inline ?? argv[i + 1];
    if (flag === '--stdio') return { kind: 'stdio' };
    if (flag === '--node-ipc') return { kind: 'node-ipc' };
    if (flag === '--socket' && value && /^\d+$/.test(value)) return { kind: 'socket', port: Number(value) };
    if (flag === '--pipe' && value) return { kind: 'pipe', name: value };
  }
  return undefined;
}

/**
 * The connection for a transport. Byte-stream transports (stdio, socket, pipe) read through the
 * strict reader: a framing error is reported on stderr and ends the process with code 1, so the
 * editor sees a crash it can restart instead of a server that silently stopped answering. IPC
 * carries whole messages and needs none of this.
 */
export function createServerConnection(transport: Transport): Connection {
  if (transport.kind === 'node-ipc') return createConnection(ProposedFeatures.all);
  const [input, output] =
    transport.kind === 'stdio'
      ? [process.stdin, process.stdout]
      : ((socket) => [socket, socket])(transport.kind === 'socket' ? createSocket(transport.port, '127.0.0.1') : createSocket(transport.name));
  const report = (message: string) => process.stderr.write(`${SERVER_NAME}: ${message}\n`);
  const writer = new StreamMessageWriter(output);
  let shutdownRequested = false;
  const reader = new StrictStreamMessageReader(input, {
    onFramingError: (reason) => {
      report(`cannot read the client's messages: ${reason}. Exiting with code 1 so that the editor can restart the server.`);
      process.exit(1);
    },
    onInvalidMessage: (reason) => {
      report(`skipped a message: ${reason}`);
      // JSON-RPC's answer to an unparsable message: a Parse error with a null id.
      const parseError: ResponseMessage = { jsonrpc: '2.0', id: null, error: { code: ErrorCodes.ParseError, message: `Parse error: ${reason}` } };
      writer.write(parseError).catch(() => undefined);
    },
    onStalled: (reason) => report(`still reading a message: ${reason}`),
    onMessage: (message) => {
      if ((message as { method?: unknown }).method === ShutdownRequest.method) shutdownRequested = true;
    },
  });
  // The client closing the stream ends the server, as vscode-languageserver does for its own stdio.
  const closed = () => process.exit(shutdownRequested ? 0 : 1);
  input.on('end', closed);
  input.on('close', closed);
  if (transport.kind === 'stdio') {
    // stdout carries the protocol: anything a dependency prints goes to stderr instead.
    globalThis.console = new Console({ stdout: process.stderr, stderr: process.stderr });
  }
  return createConnection(ProposedFeatures.all, reader, writer);
}
