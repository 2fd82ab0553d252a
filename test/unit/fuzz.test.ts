import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { validate } from 'dockerfile-utils';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, rewrite, type Finding } from '../../server/src/core';

// Real Dockerfiles: the rewrite goldens, the fixture applications, the seed, BuildKit's own, and the
// labelled corpus when it is there.
const FIXTURES = join(__dirname, '../fixtures');
function realDockerfiles(): Array<{ name: string; text: string }> {
  const files: Array<{ name: string; text: string }> = [];
  const add = (name: string, path: string) => existsSync(path) && files.push({ name, text: readFileSync(path, 'utf8') });
  for (const name of readdirSync(join(FIXTURES, 'rewrite'))) add(`rewrite/${name}`, join(FIXTURES, 'rewrite', name, 'input.Dockerfile'));
  for (const name of readdirSync(join(FIXTURES, 'apps'))) add(`apps/${name}`, join(FIXTURES, 'apps', name, 'Dockerfile'));
  add('seed', join(FIXTURES, 'seed/Dockerfile'));
  add('moby-buildkit', join(FIXTURES, 'bench/moby-buildkit.Dockerfile'));
  const corpus = join(__dirname, '../corpus');
  if (existsSync(corpus)) for (const name of readdirSync(corpus)) add(`corpus/${name}`, join(corpus, name, 'Dockerfile'));
  return files;
}

const FILES = realDockerfiles();

/** What a user does to a file while typing, and what line-ending converters do to it. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), remove: fc.nat({ max: 30 }), insert: fc.oneof(
    fc.string({ maxLength: 10 }),
    fc.constantFrom('\\\n', '\\\r\n', '\r', '\r\n', '\n', '"', "'", '$', '${', '${A:-', '<<EOF\n', '[', ']', '#', 'FROM ', 'FROM builder\n', 'RUN ', 'COPY --from=', 'ARG X\n', 'ENV A=$A$A\n',
      'apt-get install -y gcc ', 'apk add --virtual .b g++ ', '&&', '|', '`', ' AS builder', ' --platform=$X', '\t', '\u00e9', '\ufeff'),
  ) }),
  fc.record({ kind: fc.constant('line-endings' as const), style: fc.constantFrom('\r\n', '\r', '\n') }),
  fc.record({ kind: fc.constant('duplicate-line' as const), at: fc.nat() }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(text: string, edits: readonly Mutation[]): string {
  let result = text;
  for (const edit of edits) {
    if (edit.kind === 'line-endings') {
      result = result.replace(/\r\n|\r|\n/g, edit.style);
    } else if (edit.kind === 'duplicate-line') {
      const lines = result.split('\n');
      const index = edit.at % lines.length;
      lines.splice(index, 0, lines[index]!);
      result = lines.join('\n');
    } else {
      const at = edit.at % (result.length + 1);
      result = result.slice(0, at) + edit.insert + result.slice(at + edit.remove);
    }
  }
  return result;
}

/** Every range lies inside the document as an LSP client counts lines (\n, \r\n and a lone \r). */
function assertInsideDocument(text: string, findings: readonly Finding[]): void {
  const document = TextDocument.create('file:///Dockerfile', 'dockerfile', 1, text);
  for (const finding of findings) {
    for (const range of [finding.range, ...finding.related.map((related) => related.range)]) {
      for (const position of [range.start, range.end]) {
        assert.ok(position.line >= 0 && position.line < document.lineCount, `${finding.ruleId}: line ${position.line} of ${document.lineCount}`);
        const lineText = document.getText({ start: { line: position.line, character: 0 }, end: { line: position.line + 1, character: 0 } }).replace(/\r?\n$|\r$/, '');
        assert.ok(position.character >= 0 && position.character <= lineText.length, `${finding.ruleId}: character ${position.character} of a ${lineText.length}-character line`);
      }
      assert.ok(document.offsetAt(range.start) <= document.offsetAt(range.end), `${finding.ruleId}: the range ends before it starts`);
    }
  }
}

/** Errors Docker's parser would report, as dockerfile-utils (VS Code's Docker validator) finds them. */
function dockerErrors(text: string): Set<string> {
  return new Set(validate(text).filter((diagnostic) => diagnostic.severity === 1).map((diagnostic) => String(diagnostic.message)));
}

describe('fuzz: mutated real Dockerfiles', function () {
  this.timeout(120_000);
  const limits = { numRuns: 400, interruptAfterTimeLimit: 40_000, markInterruptAsFailure: false };

  it(`analyze() never throws and every range lies inside the document (${FILES.length} real files)`, () => {
    fc.assert(
      fc.property(fc.constantFrom(...FILES), fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.constantFrom(undefined, 'builder', '0', 'missing'), (file, edits, target) => {
        const text = mutate(file.text, edits);
        assertInsideDocument(text, analyze(text, { target }));
      }),
      limits,
    );
  });

  it('rewrite() never throws; what it writes Docker accepts and is not flagged again', () => {
    let rewritten = 0;
    fc.assert(
      fc.property(fc.constantFrom(...FILES), fc.array(mutation, { minLength: 0, maxLength: 4 }), (file, edits) => {
        const text = mutate(file.text, edits);
        const result = rewrite(text);
        if (!result.ok) {
          assert.ok(result.reason.length > 10, 'a refusal says why');
          return;
        }
        rewritten++;
        const introduced = [...dockerErrors(result.text)].filter((message) => !dockerErrors(text).has(message));
        assert.deepStrictEqual(introduced, [], `the rewrite of ${file.name} has errors the input did not`);
        const again = analyze(result.text).filter((finding) => finding.ruleId === 'build-tools-in-runtime' || finding.ruleId === 'toolchain-base-image');
        assert.deepStrictEqual(again.map((finding) => finding.message), [], `the rewrite of ${file.name} is flagged again`);
      }),
      limits,
    );
    assert.ok(rewritten > 20, `only ${rewritten} mutated files were rewritten: the property saw too few rewrites`);
  });
});
