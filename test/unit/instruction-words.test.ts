import { strict as assert } from 'node:assert';
import { DockerfileParser, type Flag, type Instruction } from 'dockerfile-ast';
import fc from 'fast-check';
import { instructionWords } from '../../server/src/core/instruction-words';
import { LineIndex } from '../../server/src/core/text';

/** Words as dockerfile-ast gives them (getFlags() as whole words, then getArguments()), in document offsets. */
function dockerfileAstWords(text: string): Array<{ value: string; start: number; end: number }> {
  const lines = new LineIndex(text);
  const instruction = DockerfileParser.parse(text).getInstructions()[0]! as Instruction & { getFlags?: () => Flag[] };
  const flags = (instruction.getFlags?.() ?? []).map((flag) => {
    const start = lines.offsetAt(flag.getRange().start);
    const end = lines.offsetAt(flag.getRange().end);
    return { value: `--${flag.getName()}${flag.getValue() === null ? '' : `=${flag.getValue()}`}`, start, end };
  });
  const args = instruction.getArguments().map((arg) => ({ value: arg.getValue(), start: lines.offsetAt(arg.getRange().start), end: lines.offsetAt(arg.getRange().end) }));
  return [...flags, ...args.filter((arg) => !flags.some((flag) => flag.start === arg.start))].sort((a, b) => a.start - b.start);
}

function scannedWords(text: string, escapeChar = '\\'): Array<{ value: string; start: number; end: number }> {
  const instruction = DockerfileParser.parse(text).getInstructions()[0]!;
  const lines = new LineIndex(text);
  const range = instruction.getRange();
  return instruction && instructionWords(text, lines.offsetAt(range.start), lines.offsetAt(range.end), escapeChar).map((w) => ({ ...w }));
}

const FLAGS = ['--from=build', '--chown=app:app', '--mount=type=cache,target=/root/.cache', '--link'] as const;

// Pieces of COPY, RUN and FROM lines as people write them, continuations and comment lines included.
const piece = fc.constantFrom(
  'gcc', '.', './', '/app/', 'a.txt', '$HOME', '\\$HOME', '${X:-y}',
  ' ', '  ', '\t', ' \\\n', ' \\\n    ', '\\\n', ' \\\n# a comment\n', ' \\\n\n', ' \\  \n', ' \\\r\n', 'x\\y', '"quoted value"', "'single'", '&&', '[', ']',
);

describe('instruction words: one tokenization, as dockerfile-ast does it', () => {
  it('gives the same words and offsets as dockerfile-ast getArguments() on generated instructions', () => {
    fc.assert(
      fc.property(fc.constantFrom('COPY', 'RUN', 'FROM', 'ADD'), fc.subarray([...FLAGS]), fc.array(piece, { minLength: 1, maxLength: 12 }), (keyword, flags, pieces) => {
        const text = `${keyword} ${flags.map((flag) => `${flag} `).join('')}${pieces.join('')}\n`;
        const ours = scannedWords(text);
        const theirs = dockerfileAstWords(text);
        // Same words at the same starts. A word's end may be earlier: dockerfile-ast sometimes stretches
        // a range over a following continuation; ours ends at the word's last character.
        assert.deepStrictEqual(ours.map(({ value, start }) => ({ value, start })), theirs.map(({ value, start }) => ({ value, start })), JSON.stringify(text));
        ours.forEach((word, index) => {
          const stretch = text.slice(word.end, theirs[index]!.end);
          assert.ok(word.end <= theirs[index]!.end && /^(\s|\\|#[^\n]*)*$/.test(stretch), `${JSON.stringify(text)}: word ${index} ends at ${word.end}, dockerfile-ast at ${theirs[index]!.end}`);
        });
      }),
      { numRuns: 3000 },
    );
  });

  it('honours the escape directive', () => {
    const text = '# escape=`\nCOPY a `\n    b /dst\n';
    const instruction = DockerfileParser.parse(text).getInstructions()[0]!;
    const lines = new LineIndex(text);
    const words = instructionWords(text, lines.offsetAt(instruction.getRange().start), lines.offsetAt(instruction.getRange().end), '`');
    assert.deepStrictEqual(words.map((w) => w.value), ['a', 'b', '/dst']);
  });

  it('keeps a lone carriage return inside the word, as Docker does', () => {
    const text = 'COPY a\rb /dst\n';
    assert.deepStrictEqual(instructionWords(text, 0, text.length - 1, '\\').map((w) => w.value), ['a\rb', '/dst']);
  });
});
