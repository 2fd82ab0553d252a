/**
 * The words of an instruction after its keyword, with document offsets, tokenized once.
 *
 * dockerfile-ast tokenizes an instruction again on every getArguments() or getFlags() call, at a
 * binary search per word; on a long file that was an eighth of the analysis. This scanner follows
 * the same rules (whitespace separates words; an escape character before a line break continues the
 * line, and comment lines inside a continuation are skipped; an escape before any other character
 * keeps that character, and `\$` stays as written) in one pass, and a property test pins it to
 * dockerfile-ast's own results.
 */
export interface InstructionWord {
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

export interface InstructionFlag {
  /** Without the leading `--`, as dockerfile-ast names flags. */
  readonly name: string;
  /** Undefined for a flag without `=` (`--link`). */
  readonly value: string | undefined;
  readonly start: number;
  readonly end: number;
}

/** Words of `text[start, end)`, the instruction's own text; the first word (the keyword) is skipped. */
export function instructionWords(text: string, start: number, end: number, escapeChar: string, untilFirstNonFlag = false): InstructionWord[] {
  const words: InstructionWord[] = [];
  let i = start;
  while (i < end && !isBlank(text[i]!) && !isLineBreak(text, i)) i++; // the keyword
  let value = '';
  let wordStart = -1;
  let wordEnd = -1;
  // After a continuation until the first other character of the next line: blanks there separate
  // words, a `#` there starts a comment line, and an empty line is skipped.
  let continued = false;
  let blankOnLine = false;
  let done = false;
  const finish = () => {
    if (wordStart >= 0) {
      words.push({ value, start: wordStart, end: wordEnd });
      // A RUN needs only its flags: its command is the shell parser's business.
      if (untilFirstNonFlag && !value.startsWith('--')) done = true;
    }
    value = '';
    wordStart = -1;
  };
  const startCharacter = () => {
    if (continued && blankOnLine) finish();
    continued = false;
    blankOnLine = false;
    if (wordStart < 0) wordStart = i;
  };
  while (i < end && !done) {
    const ch = text[i]!;
    if (ch === escapeChar) {
      const afterBlanks = skipBlanks(text, i + 1, end);
      if (afterBlanks >= end) break; // an escape (and blanks) at the very end adds nothing
      if (isLineBreak(text, afterBlanks)) {
        // Blanks seen on the lines a continuation joins still separate words; only an empty or
        // comment line's break forgets them (dockerfile-ast's rule).
        i = afterBlanks + (text[afterBlanks] === '\r' ? 2 : 1);
        continued = true;
        continue;
      }
      if (afterBlanks > i + 1) {
        // An escaped blank that does not continue the line ends the word, as in dockerfile-ast.
        finish();
        i = afterBlanks;
        continue;
      }
      startCharacter();
      const next = text[i + 1]!;
      value += next === '$' ? ch + next : next;
      wordEnd = i + 2;
      i += 2;
      continue;
    }
    if (isBlank(ch)) {
      if (continued) blankOnLine = true;
      else finish();
      i++;
      continue;
    }
    if (isLineBreak(text, i)) {
      if (!continued) break; // the instruction's line ends here (heredoc bodies follow)
      blankOnLine = false;
      i += ch === '\r' ? 2 : 1;
      continue;
    }
    if (continued && ch === '#') {
      const newline = text.indexOf('\n', i);
      i = newline < 0 || newline >= end ? end : newline;
      continue;
    }
    startCharacter();
    value += ch;
    wordEnd = i + 1;
    i++;
  }
  finish();
  return words;
}

/** The leading `--name[=value]` words of an instruction (dockerfile-ast stops at the first other word). */
export function leadingFlags(words: readonly InstructionWord[]): { flags: InstructionFlag[]; rest: number } {
  const flags: InstructionFlag[] = [];
  let index = 0;
  for (; index < words.length; index++) {
    const word = words[index]!;
    if (!word.value.startsWith('--')) break;
    const equals = word.value.indexOf('=');
    flags.push({
      name: equals < 0 ? word.value.slice(2) : word.value.slice(2, equals),
      value: equals < 0 ? undefined : word.value.slice(equals + 1),
      start: word.start,
      end: word.end,
    });
  }
  return { flags, rest: index };
}

function isBlank(ch: string): boolean {
  return ch === ' ' || ch === '\t';
}

/** `\n` or `\r\n`: a lone `\r` is part of the line for Docker. */
function isLineBreak(text: string, at: number): boolean {
  const ch = text[at];
  return ch === '\n' || (ch === '\r' && text[at + 1] === '\n');
}

function skipBlanks(text: string, from: number, end: number): number {
  let i = from;
  while (i < end && isBlank(text[i]!)) i++;
  return i;
}
