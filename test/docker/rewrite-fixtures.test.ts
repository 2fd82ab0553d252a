import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, rewrite } from '../../server/src/core';
import { contextTar } from '../../server/src/engine/context-tar';
import type { DockerEngine } from '../../server/src/engine/engine';
import { collectLog, engineOrSkip } from '../helpers/docker';

const APPS = join(__dirname, '../fixtures/apps');
const REWRITTEN = 'Dockerfile.multistage';
// Build tools that must not be on the rewritten image's PATH.
const TOOLS = ['gcc', 'cc', 'make', 'go', 'cargo', 'javac'];

interface Fixture {
  readonly name: string;
  readonly expectedOutput: string;
}

interface Row {
  readonly name: string;
  readonly originalBytes: number;
  readonly rewrittenBytes: number;
}

const fixtures: Fixture[] = readdirSync(APPS)
  .filter((name) => !name.startsWith('.'))
  .sort()
  .map((name) => JSON.parse(readFileSync(join(APPS, name, 'fixture.json'), 'utf8')) as Fixture);

describe('the rewrite on a real Docker Engine: five applications, before and after', function () {
  this.timeout(30 * 60_000);
  let engine: DockerEngine;
  const rows: Row[] = [];
  const tags: string[] = [];

  before(async function () {
    engine = await engineOrSkip(this);
  });

  after(async function () {
    if (rows.length > 0) printTable(rows);
    for (const tag of tags) await engine?.removeImage(tag);
  });

  for (const fixture of fixtures) {
    it(`${fixture.name}: the tool's multi-stage file builds, runs the same and ships no build tools, smaller`, async () => {
      const directory = join(APPS, fixture.name);
      const original = readFileSync(join(directory, 'Dockerfile'), 'utf8');
      const result = rewrite(original);
      assert.ok(result.ok, result.ok ? '' : `no rewrite: ${result.reason}`);
      assert.deepStrictEqual(analyze(result.text).filter((f) => f.ruleId === 'build-tools-in-runtime' || f.ruleId === 'toolchain-base-image'), []);

      const originalTag = `multistage-test/${fixture.name}:original`;
      const rewrittenTag = `multistage-test/${fixture.name}:rewritten`;
      tags.push(originalTag, rewrittenTag);
      await build(engine, directory, 'Dockerfile', undefined, originalTag);
      await build(engine, directory, REWRITTEN, result.text, rewrittenTag);

      for (const tag of [originalTag, rewrittenTag]) {
        const smoke = await engine.run(tag, undefined, { timeoutMs: 120_000 });
        assert.equal(smoke.exitCode, 0, `${tag} exited ${smoke.exitCode}: ${smoke.output}`);
        assert.equal(smoke.output, fixture.expectedOutput, `${tag} printed something else`);
      }

      const findTools = `for t in ${TOOLS.join(' ')}; do command -v "$t"; done; true`;
      const before = await engine.run(originalTag, ['-c', findTools], { entrypoint: ['/bin/sh'] });
      const after = await engine.run(rewrittenTag, ['-c', findTools], { entrypoint: ['/bin/sh'] });
      assert.notEqual(before.output.trim(), '', 'the original image has build tools (the fixture is a real "before")');
      assert.equal(after.output.trim(), '', `build tools left in the rewritten image: ${after.output}`);

      const [originalFacts, rewrittenFacts] = [await engine.imageFacts(originalTag), await engine.imageFacts(rewrittenTag)];
      rows.push({ name: fixture.name, originalBytes: originalFacts.sizeBytes, rewrittenBytes: rewrittenFacts.sizeBytes });
      assert.ok(rewrittenFacts.sizeBytes < originalFacts.sizeBytes, `${rewrittenFacts.sizeBytes} is not smaller than ${originalFacts.sizeBytes}`);
    });
  }

  it('reaches a median size reduction of at least 50% over the fixtures', function () {
    if (rows.length < fixtures.length) this.skip(); // a fixture failed above; that failure says why
    const reductions = rows.map((row) => 1 - row.rewrittenBytes / row.originalBytes).sort((a, b) => a - b);
    const median = reductions[Math.floor(reductions.length / 2)]!;
    assert.ok(median >= 0.5, `median reduction ${(median * 100).toFixed(1)}%`);
  });
});

async function build(engine: DockerEngine, directory: string, dockerfile: string, text: string | undefined, tag: string): Promise<void> {
  const log = collectLog();
  try {
    await engine.build({
      context: contextTar(directory, text === undefined ? {} : { extraDockerfiles: [{ name: dockerfile, text }] }),
      dockerfile,
      tag,
      onProgress: log.onProgress,
      timeoutMs: 20 * 60_000,
    });
  } catch (error) {
    throw new Error(`${tag} did not build: ${(error as Error).message}\n${log.text()}`);
  }
}

function printTable(rows: readonly Row[]): void {
  const mb = (bytes: number) => (bytes / 1e6).toFixed(0);
  console.log('\n      | fixture | single-stage MB | multi-stage MB | reduction |');
  console.log('      |---|---:|---:|---:|');
  for (const row of rows) {
    console.log(`      | ${row.name} | ${mb(row.originalBytes)} | ${mb(row.rewrittenBytes)} | ${((1 - row.rewrittenBytes / row.originalBytes) * 100).toFixed(1)}% |`);
  }
}
