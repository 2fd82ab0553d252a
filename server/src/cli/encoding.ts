/** How a Dockerfile's bytes became text, so that the text goes back to exactly those bytes. */
export type FileEncoding = 'utf-8' | 'latin1';

export interface DecodedFile {
  /** The text; a UTF-8 byte order mark stays in it as U+FEFF, so it is written back too. */
  readonly text: string;
  readonly encoding: FileEncoding;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * UTF-8 when the bytes are valid UTF-8; otherwise one character per byte (Latin-1), which loses
 * nothing: a Latin-1 or Windows-1252 `LABEL maintainer="José"` comes back byte for byte.
 */
export function decodeDockerfile(bytes: Uint8Array): DecodedFile {
  try {
    return { text: strictUtf8.decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'), encoding: 'latin1' };
  }
}

export function encodeDockerfile(text: string, encoding: FileEncoding): Buffer {
  if (encoding === 'utf-8') return Buffer.from(text, 'utf8');
  // The rewrite only copies the file's own characters and adds ASCII; check anyway rather than mangle.
  const outside = [...text].find((character) => character.codePointAt(0)! > 0xff);
  if (outside) throw new Error(`the rewrite contains "${outside}", which this file's single-byte encoding cannot hold`);
  return Buffer.from(text, 'latin1');
}
