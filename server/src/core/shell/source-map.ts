import { lastAtOrBefore } from '../text';

/**
 * The text a shell would receive for one RUN, with a map back to document offsets.
 *
 * Docker removes line continuations, and the comment and empty lines inside them, before the shell
 * sees the command; the shell parser must see the same text, and every word it finds must point
 * back to the user's document. No library does this mapping, so it is written here.
 */
export class ShellSource {
  /** Chunks of the document copied verbatim: where each starts in the shell text and the document. */
  private readonly chunkShellStarts: number[] = [];
  private readonly chunkDocStarts: number[] = [];

  private constructor(
    readonly text: string,
    chunks: ReadonlyArray<readonly [shellStart: number, docStart: number]>,
  ) {
    for (const [shellStart, docStart] of chunks) {
      this.chunkShellStarts.push(shellStart);
      this.chunkDocStarts.push(docStart);
    }
  }

  /** The shell text of document[start, end) with continuations and their comment lines removed. */
  static fromDocument(document: string, start: number, end: number, escapeChar: string): ShellSource {
    // Searched within the instruction only: a search into the rest of the file would cost O(file) per RUN.
    const instruction = document.slice(start, end);
    const continuation = continuationPattern(escapeChar);
    continuation.lastIndex = 0;
    const chunks: Array<[number, number]> = [];
    let text = '';
    let copyFrom = 0;
    let match: RegExpExecArray | null;
    while ((match = continuation.exec(instruction)) !== null) {
      chunks.push([text.length, start + copyFrom]);
      text += instruction.slice(copyFrom, match.index);
      const next = skipCommentAndEmptyLines(instruction, match.index + match[0].length, instruction.length);
      copyFrom = next;
      continuation.lastIndex = next;
    }
    chunks.push([text.length, start + copyFrom]);
    text += instruction.slice(copyFrom);
    return new ShellSource(text, chunks);
  }

  /** Shell text that is a verbatim copy of the document from docStart (heredoc bodies, JSON strings). */
  static verbatim(text: string, docStart: number): ShellSource {
    return new ShellSource(text, [[0, docStart]]);
  }

  /** Document offset of the character at shell-text index `index`. */
  documentOffset(index: number): number {
    const chunk = lastAtOrBefore(this.chunkShellStarts, index);
    return this.chunkDocStarts[chunk]! + (index - this.chunkShellStarts[chunk]!);
  }

  /** Document offset just after the character before shell-text index `endIndex` (an exclusive end). */
  documentEndOffset(endIndex: number): number {
    return endIndex <= 0 ? this.documentOffset(0) : this.documentOffset(endIndex - 1) + 1;
  }
}

function skipCommentAndEmptyLines(document: string, from: number, end: number): number {
  let lineStart = from;
  while (lineStart < end) {
    let i = lineStart;
    while (i < end && (document[i] === ' ' || document[i] === '\t')) i++;
    const isComment = document[i] === '#';
    const isEmpty = document[i] === '\n' || (document[i] === '\r' && document[i + 1] === '\n');
    if (!isComment && !isEmpty) break;
    const newline = document.indexOf('\n', i);
    if (newline < 0 || newline >= end) return end;
    lineStart = newline + 1;
  }
  return lineStart;
}

const continuationPatterns = new Map<string, RegExp>();

function continuationPattern(escapeChar: string): RegExp {
  let pattern = continuationPatterns.get(escapeChar);
  if (!pattern) continuationPatterns.set(escapeChar, (pattern = new RegExp(`${escapeRegExp(escapeChar)}[ \\t]*\\r?\\n`, 'g')));
  return pattern;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
