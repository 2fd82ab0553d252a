import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import fc from 'fast-check';
import { DockerfileModel, LineIndex, analyze, initialize } from '../../server/src/core';

// The model parses each stage on its own (an edit then re-parses one stage). Pinned here: every
// instruction it finds, with its exact offsets, is what parsing the whole file finds.
const FIXTURES = join(__dirname, '../fixtures');
const CORPUS = join(__dirname, '../corpus');
const FILES = [
  ...readdirSync(join(FIXTURES, 'rewrite')).map((name) => join(FIXTURES, 'rewrite', name, 'input.Dockerfile')),
  ...readdirSync(CORPUS).map((name) => join(CORPUS, name, 'Dockerfile')),
  join(FIXTURES, 'bench/moby-buildkit.Dockerfile'),
].filter((path) => existsSync(path)).map((path) => readFileSync(path, 'utf8'));

function wholeFileInstructions(text: string): string[] {
  const dockerLines = text.replace(/\r(?!\n)/g, '\uE000');
  const lines = new LineIndex(dockerLines);
  return DockerfileParser.parse(dockerLines).getInstructions().map((node) => {
    const range = node.getRange();
    return `${node.getKeyword()} ${lines.offsetAt(range.start)}-${lines.offsetAt(range.end)}`;
  });
}

function modelInstructions(text: string): string[] {
  const model = new DockerfileModel(text);
  const all = model.stages.flatMap((stage) => [{ keyword: 'FROM', start: stage.fromStart, end: stage.fromEnd, ordinal: stage.from }, ...stage.instructions]);
  return all.map((info) => `${info.keyword} ${info.start}-${info.end}`);
}

const piece = fc.constantFrom('FROM alpine\n', 'FROM a AS b\n', 'RUN echo \\\n', 'FROM x\n', '# comment\n', '\\\n', '<<EOF\nFROM inside\nEOF\n', 'RUN cat <<EOF\n', 'EOF\n', '\n', 'COPY . .\n', '# escape=`\n', ' ', 'RUN apt-get install -y gcc\n');

describe('the model parses stage by stage as the whole file parses', () => {
  it('on every real Dockerfile', () => {
    for (const text of FILES) {
      // Instructions before the first FROM are not part of any stage.
      const whole = wholeFileInstructions(text);
      const firstFrom = whole.findIndex((entry) => entry.startsWith('FROM '));
      assert.deepStrictEqual(modelInstructions(text), firstFrom < 0 ? [] : whole.slice(firstFrom));
    }
  });

  it('on generated and mutated files', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FILES), fc.array(piece, { maxLength: 12 }), fc.nat(), (base, pieces, at) => {
        const position = at % (base.length + 1);
        const lineStart = base.lastIndexOf('\n', position - 1) + 1;
        const text = `${base.slice(0, lineStart)}${pieces.join('')}${base.slice(lineStart)}`;
        const whole = wholeFileInstructions(text);
        const firstFrom = whole.findIndex((entry) => entry.startsWith('FROM '));
        assert.deepStrictEqual(modelInstructions(text), firstFrom < 0 ? [] : whole.slice(firstFrom), JSON.stringify(text.slice(0, 400)));
      }),
      { numRuns: 800 },
    );
  });

  // The parser sees the middle of an overlong RUN line as blanks (it would spend most of the time
  // building its words one character at a time); the instructions and what the analysis reads stay.
  it('on overlong RUN lines, whatever they hold', async () => {
    await initialize();
    // Words that keep the install's arguments together for the shell; the parser's blanks must not depend on them.
    const word = fc.constantFrom('pkg1', 'gcc', '"q"', "'q'", '$HOME', '${V}', '[x]', 'a#b', 'x\\ y', 'a'.repeat(5000), '\t');
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 8 }), fc.boolean(), (words, continued) => {
        const filler = Array.from({ length: 14000 }, (_, i) => `pkg${i}`).join(' ');
        const line = `RUN apt-get install -y ${filler} ${words.join(' ')} ${filler} gcc`;
        const text = `FROM debian:bookworm-slim\n${line}${continued ? ' \\\n && apt-get install -y make' : ''}\nCMD ["app"]\n`;
        assert.ok(line.length > 65536);
        assert.deepStrictEqual(modelInstructions(text), wholeFileInstructions(text));
        const tools = analyze(text).filter((finding) => finding.ruleId === 'build-tools-in-runtime').map((finding) => text.slice(finding.range.start.character + text.indexOf(line), text.indexOf(line) + finding.range.end.character));
        assert.ok(tools.includes('gcc'), JSON.stringify(tools.slice(0, 5)));
      }),
      { numRuns: 25 },
    );
  });
});

