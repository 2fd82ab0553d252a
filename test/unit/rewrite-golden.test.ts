import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { analyze, rewrite } from '../../server/src/core';
import { folderBuildContext } from '../../server/src/node/build-context';

// Golden pairs: input.Dockerfile and the expected rewrite (expected.Dockerfile), or the expected
// refusal (expected-refusal.txt: kind, then reason); a context/ folder beside them is the build
// context (Cargo.toml, a project file). UPDATE_GOLDEN=1 rewrites the expected files; review their
// diff before committing.
const ROOT = join(__dirname, '../fixtures/rewrite');
const update = process.env.UPDATE_GOLDEN === '1';

describe('rewrite: golden inputs and outputs', () => {
  for (const name of readdirSync(ROOT).sort()) {
    const folder = join(ROOT, name);
    const input = readFileSync(join(folder, 'input.Dockerfile'), 'utf8');
    const expectedFile = join(folder, 'expected.Dockerfile');
    const refusalFile = join(folder, 'expected-refusal.txt');

    const context = existsSync(join(folder, 'context')) ? folderBuildContext(join(folder, 'context')) : undefined;

    it(name, () => {
      const result = rewrite(input, { context });
      if (update) {
        if (result.ok) writeFileSync(expectedFile, result.text);
        else writeFileSync(refusalFile, `${result.kind}\n${result.reason}\n`);
      }
      if (existsSync(refusalFile)) {
        assert.ok(!result.ok, 'expected a refusal');
        assert.equal(`${result.kind}\n${result.reason}\n`, readFileSync(refusalFile, 'utf8'));
        return;
      }
      assert.ok(result.ok, result.ok ? '' : `refused: ${result.reason}`);
      assert.equal(result.text, readFileSync(expectedFile, 'utf8'));
      // The output parses, ships no build tools, and a second rewrite has nothing left to do.
      assert.doesNotThrow(() => DockerfileParser.parse(result.text));
      assert.deepStrictEqual(analyze(result.text).filter((f) => f.ruleId === 'build-tools-in-runtime' || f.ruleId === 'toolchain-base-image').map((f) => f.message), []);
      const again = rewrite(result.text, { context });
      assert.ok(!again.ok && again.kind === 'clean', again.ok ? 'a second rewrite changed the file' : again.reason);
      assert.ok(!/RUN\s+--mount|<<[-~]?['"]?\w+/.test(result.text.replace(input, '')), 'no RUN --mount or heredoc introduced');
    });
  }

  it('keeps every line of the input it does not need to touch, byte for byte', () => {
    for (const name of readdirSync(ROOT)) {
      const expectedFile = join(ROOT, name, 'expected.Dockerfile');
      if (!existsSync(expectedFile)) continue;
      const input = readFileSync(join(ROOT, name, 'input.Dockerfile'), 'utf8').split('\n');
      const output = new Set(readFileSync(expectedFile, 'utf8').split('\n'));
      const fromLines = input.filter((line) => /^FROM\s/i.test(line));
      const lost = input.filter((line) => !output.has(line) && !fromLines.includes(line) && !/^(COPY|ADD|RUN|CMD|ENTRYPOINT)\b/.test(line) && !/^\s+(\S+ \\|&&|#)/.test(line) && line.trim() !== '');
      assert.deepStrictEqual(lost, [], `${name}: lines missing from the output`);
    }
  });
});
