/** Positions and ranges as the Language Server Protocol counts them: 0-based lines, UTF-16 columns. */
export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

/**
 * Converts between string offsets and positions of one text; built once per analysis. Lines end
 * as LSP clients end them: at `\n`, `\r\n` and a lone `\r`.
 */
export class LineIndex {
  private readonly lineStarts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code === 10 /* \n */ || (code === 13 /* \r */ && text.charCodeAt(i + 1) !== 10)) this.lineStarts.push(i + 1);
    }
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const line = lastAtOrBefore(this.lineStarts, clamped);
    const start = this.lineStarts[line]!;
    // An offset inside a line break (between \r and \n) is the end of the line's text.
    const end = line + 1 < this.lineStarts.length ? this.contentEnd(line) : this.text.length;
    return { line, character: Math.min(clamped, end) - start };
  }

  offsetAt(position: Position): number {
    if (position.line >= this.lineStarts.length) return this.text.length;
    if (position.line < 0) return 0;
    const start = this.lineStarts[position.line]!;
    const lineEnd = position.line + 1 < this.lineStarts.length ? this.contentEnd(position.line) : this.text.length;
    return Math.min(start + Math.max(0, position.character), lineEnd);
  }

  /** Where a line's text ends, before its line break (`\n`, `\r\n` or `\r`). */
  private contentEnd(line: number): number {
    const next = this.lineStarts[line + 1]!;
    if (this.text.charCodeAt(next - 1) === 10 && this.text.charCodeAt(next - 2) === 13 && next - 2 >= this.lineStarts[line]!) return next - 2;
    return next - 1;
  }

  rangeOf(startOffset: number, endOffset: number): Range {
    return { start: this.positionAt(startOffset), end: this.positionAt(endOffset) };
  }

  lineText(line: number): string {
    const start = this.lineStarts[line] ?? this.text.length;
    const end = line + 1 < this.lineStarts.length ? this.contentEnd(line) : this.text.length;
    return this.text.slice(start, end);
  }

  lineStart(line: number): number {
    return this.lineStarts[line] ?? this.text.length;
  }
}

/** Index of the last element of an ascending array that is at most `value` (0 when none is). */
export function lastAtOrBefore(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (sorted[mid]! <= value) low = mid;
    else high = mid - 1;
  }
  return low;
}

export function compareRanges(a: Range, b: Range): number {
  return a.start.line - b.start.line || a.start.character - b.start.character || a.end.line - b.end.line || a.end.character - b.end.character;
}

export function containsPosition(range: Range, position: Position): boolean {
  const afterStart = position.line > range.start.line || (position.line === range.start.line && position.character >= range.start.character);
  const beforeEnd = position.line < range.end.line || (position.line === range.end.line && position.character <= range.end.character);
  return afterStart && beforeEnd;
}
