import { AbstractMessageReader, Disposable, type DataCallback, type Message, type MessageReader } from 'vscode-languageserver/node';

/** What the reader tells the server about bytes it cannot use. */
export interface FramingHandlers {
  /** The stream can no longer be split into messages: nothing after this point can be trusted. */
  readonly onFramingError: (reason: string) => void;
  /** One message was framed correctly but is not JSON-RPC: it is skipped and reading goes on. */
  readonly onInvalidMessage: (reason: string) => void;
  /** A message's body has been incomplete for a while (said once per message, reading goes on). */
  readonly onStalled?: (reason: string) => void;
  /** Every message read, before the connection handles it. */
  readonly onMessage?: (message: Message) => void;
}

/** Far above any Dockerfile an editor sends (a 10,000-line file is about 400 KB of JSON). */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
const MAX_HEADER_BYTES = 8 * 1024;
const STALL_REPORT_MS = 10_000;
const CR = 0x0d;
const LF = 0x0a;
// RFC 7230 token characters: what a header name may contain.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]*$/;

class FramingError extends Error {}

/**
 * Reads LSP's base protocol (`Content-Length: N\r\n\r\n` + N bytes of JSON) strictly. vscode-jsonrpc's
 * own reader stops for good at a malformed header (`Content-Length: abc`), reads a negative length
 * as a slice from the end and waits forever for a header without its blank line: the server then
 * answers nothing and an editor hangs. Here a malformed header is a framing error, reported at once,
 * and a well-framed body that is not JSON is skipped with a report.
 */
export class StrictStreamMessageReader extends AbstractMessageReader implements MessageReader {
  private readonly chunks: Buffer[] = [];
  private buffered = 0;
  private bodyLength = -1;
  private failed = false;
  private stallTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly readable: NodeJS.ReadableStream,
    private readonly handlers: FramingHandlers,
    private readonly maxMessageBytes = MAX_MESSAGE_BYTES,
  ) {
    super();
  }

  listen(callback: DataCallback): Disposable {
    const onData = (chunk: Buffer | string) => this.onData(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk, callback);
    const onError = (error: Error) => this.fireError(error);
    const onClose = () => {
      this.clearStallTimer();
      this.fireClose();
    };
    this.readable.on('data', onData);
    this.readable.on('error', onError);
    this.readable.on('close', onClose);
    return Disposable.create(() => {
      this.clearStallTimer();
      this.readable.off('data', onData);
      this.readable.off('error', onError);
      this.readable.off('close', onClose);
    });
  }

  private onData(chunk: Buffer, callback: DataCallback): void {
    if (this.failed) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    try {
      for (;;) {
        if (this.bodyLength < 0) {
          const length = this.readHeader();
          if (length === undefined) return;
          this.bodyLength = length;
        }
        if (this.buffered < this.bodyLength) {
          this.startStallTimer();
          return;
        }
        this.clearStallTimer();
        const body = this.take(this.bodyLength);
        this.bodyLength = -1;
        const message = parseMessage(body);
        if (typeof message === 'string') {
          this.handlers.onInvalidMessage(message);
          continue;
        }
        this.handlers.onMessage?.(message);
        callback(message);
      }
    } catch (error) {
      if (!(error instanceof FramingError)) throw error;
      this.failed = true;
      this.clearStallTimer();
      this.chunks.length = 0;
      this.buffered = 0;
      this.handlers.onFramingError(error.message);
    }
  }

  /** The body length once a whole header has arrived (and is consumed), undefined while it is incomplete. */
  private readHeader(): number | undefined {
    const head = this.peek(Math.min(this.buffered, MAX_HEADER_BYTES + 2));
    let contentLength: number | undefined;
    let lineStart = 0;
    for (;;) {
      const lineFeed = head.indexOf(LF, lineStart);
      if (lineFeed < 0) {
        checkHeaderLine(head.subarray(lineStart), false);
        if (head.length > MAX_HEADER_BYTES) throw new FramingError(`a message header is longer than ${MAX_HEADER_BYTES} bytes without the blank line that ends it`);
        return undefined;
      }
      if (lineFeed === 0 || head[lineFeed - 1] !== CR) throw new FramingError(`a message header line ends with a bare line feed instead of CR LF: ${quote(head.subarray(lineStart, lineFeed))}`);
      const line = head.subarray(lineStart, lineFeed - 1);
      lineStart = lineFeed + 1;
      if (line.length === 0) break;
      const [name, value] = checkHeaderLine(line, true);
      if (name.toLowerCase() === 'content-length') {
        if (!/^\d+$/.test(value)) throw new FramingError(`Content-Length must be a whole number of bytes, got ${JSON.stringify(value)}`);
        const length = value.length > 15 ? Infinity : Number(value);
        if (length > this.maxMessageBytes) throw new FramingError(`Content-Length ${value} is larger than the ${this.maxMessageBytes}-byte limit`);
        if (contentLength !== undefined && contentLength !== length) throw new FramingError('a message header has two different Content-Length values');
        contentLength = length;
      }
      // Content-Type is optional; the body is read as UTF-8 JSON, which is all LSP defines.
    }
    if (contentLength === undefined) throw new FramingError('a message header has no Content-Length');
    this.take(lineStart);
    return contentLength;
  }

  /** The first `count` buffered bytes, without consuming them. */
  private peek(count: number): Buffer {
    if (this.chunks[0] && this.chunks[0].length >= count) return this.chunks[0].subarray(0, count);
    const needed: Buffer[] = [];
    let length = 0;
    for (const chunk of this.chunks) {
      if (length >= count) break;
      needed.push(chunk);
      length += chunk.length;
    }
    return Buffer.concat(needed, length).subarray(0, count);
  }

  private take(count: number): Buffer {
    const first = this.chunks[0];
    let taken: Buffer;
    if (count === 0) taken = Buffer.alloc(0);
    else if (first && first.length >= count) {
      taken = first.subarray(0, count);
      if (first.length === count) this.chunks.shift();
      else this.chunks[0] = first.subarray(count);
    } else {
      const all = Buffer.concat(this.chunks, this.buffered);
      taken = all.subarray(0, count);
      this.chunks.length = 0;
      if (all.length > count) this.chunks.push(all.subarray(count));
    }
    this.buffered -= count;
    return taken;
  }

  private startStallTimer(): void {
    if (this.stallTimer || !this.handlers.onStalled) return;
    const expected = this.bodyLength;
    this.stallTimer = setTimeout(() => {
      this.handlers.onStalled?.(`waited ${STALL_REPORT_MS / 1000} s for a ${expected}-byte message body; ${this.buffered} bytes have arrived`);
    }, STALL_REPORT_MS);
    this.stallTimer.unref();
  }

  private clearStallTimer(): void {
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
  }
}

/**
 * Checks a header line (`Name: value`), complete or still arriving, and returns its name and value.
 * A partial line is checked as far as it goes, so a body sent without the blank line before it is
 * caught at its first byte instead of waiting for a blank line that never comes.
 */
function checkHeaderLine(line: Buffer, complete: boolean): [string, string] {
  const text = (!complete && line.at(-1) === CR ? line.subarray(0, -1) : line).toString('latin1');
  const colon = text.indexOf(':');
  const name = colon < 0 ? text : text.slice(0, colon);
  const value = colon < 0 ? '' : text.slice(colon + 1);
  // eslint-disable-next-line no-control-regex
  const malformed = !TOKEN.test(name) || colon === 0 || (complete && colon < 0) || name.length > 256 || /[\x00-\x08\x0a-\x1f\x7f]/.test(value);
  if (malformed) throw new FramingError(`a message header line is not "Name: value": ${quote(line)}`);
  return [name, value.trim()];
}

/** The message, or why the body is not one. */
function parseMessage(body: Buffer): Message | string {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (error) {
    return `a message body is not JSON (${error instanceof Error ? error.message : String(error)}): ${quote(body)}`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `a message body is not a JSON-RPC object: ${quote(body)}`;
  return value as Message;
}

/** A short, printable excerpt of bytes for an error message. */
function quote(bytes: Buffer): string {
  const text = bytes.subarray(0, 80).toString('latin1');
  return JSON.stringify(text) + (bytes.length > 80 ? '...' : '');
}
