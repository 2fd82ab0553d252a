import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, rewrite } from '../../server/src/core';
import { contextTar } from '../../server/src/engine/context-tar';
import type { DockerEngine } from '../../server/src/engine/engine';
import { folderBuildContext } from '../../server/src/node/build-context';
import { collectLog, engineOrSkip } from '../helpers/docker';

const APPS = join(__dirname, '../fixtures/apps');
const REWRITTEN = 'Dockerfile.multistage';
// The multi-stage file a careful engineer wrote by hand, beside each fixture's Dockerfile.
const EXPERT = 'expert.Dockerfile';
// Build tools that must not be on the rewritten (or the expert's) image's PATH.
const TOOLS = ['gcc', 'cc', 'g++', 'make', 'cmake', 'ninja', 'go', 'cargo', 'rustc', 'javac', 'node-gyp'];
// The rewrite may be a little larger than the hand-written file, not more.
const MAX_RATIO_TO_EXPERT = 1.1;

interface Fixture {
  readonly name: string;
  readonly expectedOutput: string;
  /** The command the application is run with (like compose's `command:`) when not the image's default. */
  readonly command?: readonly string[];
}

interface Row {
  readonly name: string;
  readonly originalBytes: number;
  readonly expertBytes: number;
  rewrittenBytes?: number;
  /** Why the tool's rewrite fell short, in one line, when it did. */
  problem?: string;
}

const fixtures: Fixture[] = readdirSync(APPS)
  .filter((name) => !name.startsWith('.'))
  .sort()
  .map((name) => JSON.parse(readFileSync(join(APPS, name, 'fixture.json'), 'utf8')) as Fixture);

/** What building one fixture's three images gave: the rewrite (or why there is none) and the builds. */
interface Built {
  readonly rewrite: { ok: true; text: string } | { ok: false; reason: string };
  readonly original: Promise<void>;
  readonly expert: Promise<void>;
  readonly rewritten: Promise<void> | undefined;
}

// Builds run on the Engine two fixtures at a time, each fixture's original and expert together:
// most of a cold build is waiting for Debian's mirror. A rewrite's builder stage is the original
// byte for byte, so it is built after the original, from its cached layers.
const CONCURRENT_FIXTURES = 2;

describe('the rewrite on a real Docker Engine: the fixture applications, before, after and by hand', function () {
  this.timeout(30 * 60_000);
  let engine: DockerEngine;
  const rows: Row[] = [];
  const passed = new Set<string>();
  const tags: string[] = [];
  const built = new Map<string, Promise<Built>>();

  before(async function () {
    engine = await engineOrSkip(this);
    // Not awaited: each test waits for its own fixture while the others keep building.
    const slot = limiter(CONCURRENT_FIXTURES);
    for (const fixture of fixtures) {
      built.set(
        fixture.name,
        slot(async () => {
          const result = await buildFixture(fixture);
          await Promise.allSettled([result.original, result.expert, result.rewritten]);
          return result;
        }),
      );
    }
  });

  after(async function () {
    if (rows.length > 0) printTable(rows);
    await Promise.allSettled([...built.values()].map(async (result) => Promise.allSettled(Object.values(await result))));
    for (const tag of tags) await engine?.removeImage(tag);
  });

  /** Starts a fixture's builds: original and expert at once, then the tool's rewrite. */
  async function buildFixture(fixture: Fixture): Promise<Built> {
    const directory = join(APPS, fixture.name);
    const original = readFileSync(join(directory, 'Dockerfile'), 'utf8');
    const tagOf = (variant: string) => `multistage-test/${fixture.name}:${variant}`;
    tags.push(tagOf('original'), tagOf('expert'), tagOf('rewritten'));
    const originalBuild = build(engine, directory, 'Dockerfile', undefined, tagOf('original'));
    const expertBuild = build(engine, directory, EXPERT, readFileSync(join(directory, EXPERT), 'utf8'), tagOf('expert'));
    const result = rewrite(original, { context: folderBuildContext(directory) });
    const rewrittenBuild = result.ok ? originalBuild.then(() => build(engine, directory, REWRITTEN, result.text, tagOf('rewritten'))) : undefined;
    for (const promise of [originalBuild, expertBuild, rewrittenBuild]) promise?.catch(() => undefined); // awaited by the test
    return { rewrite: result.ok ? { ok: true, text: result.text } : { ok: false, reason: result.reason }, original: originalBuild, expert: expertBuild, rewritten: rewrittenBuild };
  }

  for (const fixture of fixtures) {
    it(`${fixture.name}: the tool's multi-stage file builds, runs the same, ships no build tools, within ${MAX_RATIO_TO_EXPERT}x of the expert's`, async () => {
      const findTools = `for t in ${TOOLS.join(' ')}; do command -v "$t"; done; true`;
      const toolsIn = async (tag: string) => (await engine.run(tag, ['-c', findTools], { entrypoint: ['/bin/sh'] })).output.trim();
      const smoke = async (tag: string) => {
        const result = await engine.run(tag, fixture.command, { timeoutMs: 120_000 });
        assert.equal(result.exitCode, 0, `${tag} exited ${result.exitCode}: ${result.output}`);
        return result.output;
      };
      const builds = await built.get(fixture.name)!;

      // The fixture itself: a real "before" with build tools, and a hand-written "after" without.
      const originalTag = `multistage-test/${fixture.name}:original`;
      const expertTag = `multistage-test/${fixture.name}:expert`;
      await builds.original;
      await builds.expert;
      const originalOutput = await smoke(originalTag);
      assert.equal(originalOutput, fixture.expectedOutput, `${originalTag} printed something else`);
      assert.equal(await smoke(expertTag), fixture.expectedOutput, `${expertTag} printed something else`);
      assert.notEqual(await toolsIn(originalTag), '', 'the original image has build tools (the fixture is a real "before")');
      assert.equal(await toolsIn(expertTag), '', `build tools left in the expert's image: ${await toolsIn(expertTag)}`);
      const row: Row = { name: fixture.name, originalBytes: (await engine.imageFacts(originalTag)).sizeBytes, expertBytes: (await engine.imageFacts(expertTag)).sizeBytes };
      rows.push(row);

      try {
        assert.ok(builds.rewrite.ok, builds.rewrite.ok ? '' : `no rewrite: ${builds.rewrite.reason}`);
        assert.deepStrictEqual(analyze(builds.rewrite.text).filter((f) => f.ruleId === 'build-tools-in-runtime' || f.ruleId === 'toolchain-base-image'), []);

        const rewrittenTag = `multistage-test/${fixture.name}:rewritten`;
        await builds.rewritten;
        row.rewrittenBytes = (await engine.imageFacts(rewrittenTag)).sizeBytes;

        assert.equal(await smoke(rewrittenTag), originalOutput, `${rewrittenTag} printed something else than ${originalTag}`);
        const left = await toolsIn(rewrittenTag);
        assert.equal(left, '', `build tools left in the rewritten image: ${left.split('\n').join(' ')}`);
        assert.ok(row.rewrittenBytes < row.originalBytes, `${row.rewrittenBytes} is not smaller than ${row.originalBytes}`);
        const ratio = row.rewrittenBytes / row.expertBytes;
        assert.ok(ratio <= MAX_RATIO_TO_EXPERT, `the rewrite is ${ratio.toFixed(2)}x the expert's image (${mb(row.rewrittenBytes)} MB vs ${mb(row.expertBytes)} MB; at most ${MAX_RATIO_TO_EXPERT}x)`);
        passed.add(fixture.name);
      } catch (error) {
        row.problem = ((error as Error).message ?? String(error)).split('\n')[0];
        throw error;
      }
    });
  }

  it('reaches a median size reduction of at least 50% over the fixtures', function () {
    if (passed.size < fixtures.length) this.skip(); // a fixture failed above; that failure says why
    const reductions = rows.map((row) => 1 - row.rewrittenBytes! / row.originalBytes).sort((a, b) => a - b);
    const median = reductions[Math.floor(reductions.length / 2)]!;
    assert.ok(median >= 0.5, `median reduction ${(median * 100).toFixed(1)}%`);
  });
});

/** Runs at most `size` tasks at once, in the order they were given. */
function limiter(size: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= size) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

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

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(0);
}

function printTable(rows: readonly Row[]): void {
  console.log("\n      | fixture | single-stage MB | tool's multi-stage MB | expert MB | reduction | rewrite/expert |");
  console.log('      |---|---:|---:|---:|---:|---:|');
  for (const row of rows) {
    const rewritten = row.rewrittenBytes === undefined ? '-' : mb(row.rewrittenBytes);
    const reduction = row.rewrittenBytes === undefined ? '-' : `${((1 - row.rewrittenBytes / row.originalBytes) * 100).toFixed(1)}%`;
    const ratio = row.rewrittenBytes === undefined ? '-' : `${(row.rewrittenBytes / row.expertBytes).toFixed(2)}x`;
    console.log(`      | ${row.name} | ${mb(row.originalBytes)} | ${rewritten} | ${mb(row.expertBytes)} | ${reduction} | ${ratio} |`);
  }
  const problems = rows.filter((row) => row.problem);
  if (problems.length > 0) {
    console.log('\n      Where the rewrite fell short:');
    for (const row of problems) console.log(`      - ${row.name}: ${row.problem}`);
  }
}
