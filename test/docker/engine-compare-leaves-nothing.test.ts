import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rewrite } from '../../server/src/core';
import { CACHE_REPOSITORY, compareImages } from '../../server/src/engine/compare';
import type { DockerEngine } from '../../server/src/engine/engine';
import { engineOrSkip } from '../helpers/docker';
import { allImageIds, cacheTags, containerStarting, containersRunning, danglingImageIds, folder, nonce, removeCache, selfAndAncestors, startCli, temporaryLeftovers } from './engine-helpers';

/** A small single-stage Dockerfile with a rewrite, every image of it labelled with the test's nonce. */
function dockerfile(word: string, slowStep = `RUN echo ${word} > /built`): string {
  return `FROM debian:bookworm-slim\nLABEL test.nonce=${word}\nRUN apt-get install -y --no-install-recommends gcc || true\nCOPY . /ctx\n${slowStep}\nCMD ["cat", "/built"]\n`;
}

/** The image ids (short, as the classic builder prints them) a build log names: ` ---> 1a2b3c4d5e6f`. */
function imagesInLog(lines: readonly string[]): string[] {
  return lines.flatMap((line) => /^\s*---> ([0-9a-f]{12,64})\s*$/.exec(line)?.[1] ?? []);
}

async function compareInProcess(engine: DockerEngine, directory: string, text: string): Promise<string[]> {
  const rewritten = rewrite(text);
  assert.ok(rewritten.ok, 'the test Dockerfile has a rewrite');
  const log: string[] = [];
  await compareImages({ engine, contextDir: directory, original: { path: join(directory, 'Dockerfile'), text }, rewrittenText: rewritten.text, onLog: (_, line) => log.push(line) });
  return log;
}

describe('Compare leaves the Engine as it found it (a real Docker Engine)', function () {
  this.timeout(10 * 60_000);
  let engine: DockerEngine;
  before(async function () {
    engine = await engineOrSkip(this);
  });

  it('keeps no image but this file’s cache tags, stays warm on the second run, and replaces its cache when the file changes', async () => {
    const word = nonce();
    const directory = folder({ 'app.txt': `${word}\n` });
    const path = join(directory, 'Dockerfile');
    try {
      writeFileSync(path, dockerfile(word));
      const imagesBefore = await allImageIds(engine);
      const danglingBefore = await danglingImageIds(engine);
      const leftoversBefore = await temporaryLeftovers(engine);
      const log = await compareInProcess(engine, directory, dockerfile(word));

      // docker images: no new <none> image; docker images -a: every new image of this compare is one
      // of its cache tags or an image they are built on.
      const imagesAfter = await allImageIds(engine);
      const made = imagesInLog(log).map((short) => [...imagesAfter].find((id) => id.startsWith(`sha256:${short}`)) ?? short);
      const newAndOurs = made.filter((id) => !imagesBefore.has(id) && imagesAfter.has(id));
      assert.ok(newAndOurs.length > 0, 'the compare built new images');
      const danglingAfter = await danglingImageIds(engine);
      assert.deepStrictEqual(made.filter((id) => danglingAfter.has(id) && !danglingBefore.has(id)), [], 'no new <none> image');
      assert.deepStrictEqual(await temporaryLeftovers(engine), leftoversBefore);
      const cache = await cacheTags(engine, path, directory);
      const slug = `${directory.split('/').pop()!.toLowerCase()}-dockerfile`;
      // The rewrite's builder stage keeps a tag of its own when no kept image builds on it (its steps
      // are not the original's, e.g. without the LABEL), as the README says.
      const names = [...cache.keys()].map((tag) => tag.replace(/-[0-9a-f]{10}-/, '-HASH-')).sort();
      assert.deepStrictEqual(names.filter((name) => !/-rewritten-stage\d+$/.test(name)), [`${CACHE_REPOSITORY}:${slug}-HASH-original`, `${CACHE_REPOSITORY}:${slug}-HASH-rewritten`]);
      const kept = new Set<string>();
      for (const image of cache.values()) for (const id of await selfAndAncestors(engine, image)) kept.add(id);
      assert.deepStrictEqual(newAndOurs.filter((id) => !kept.has(id)), [], 'no image of this compare outside its cache tags');

      // The second compare of the same file builds nothing: every step comes from the cache.
      const warm = await compareInProcess(engine, directory, dockerfile(word));
      assert.ok(warm.some((line) => /Using cache/.test(line)));
      assert.deepStrictEqual(warm.filter((line) => /---> Running in/.test(line)), [], 'no step ran again');
      assert.deepStrictEqual(await cacheTags(engine, path, directory), cache, 'the same images, under the same tags');

      // A changed file replaces the cache: the images only the old tags kept are gone.
      const changed = dockerfile(word, `RUN echo ${word} changed > /built`);
      writeFileSync(path, changed);
      await compareInProcess(engine, directory, changed);
      const replaced = await cacheTags(engine, path, directory);
      assert.deepStrictEqual([...replaced.keys()].sort(), [...cache.keys()].sort());
      assert.notDeepStrictEqual(replaced, cache);
      const stillKept = new Set<string>();
      for (const image of replaced.values()) for (const id of await selfAndAncestors(engine, image)) stillKept.add(id);
      const imagesNow = await allImageIds(engine);
      assert.deepStrictEqual([...kept].filter((id) => !stillKept.has(id) && imagesNow.has(id)), [], 'the old cache images no longer needed were removed');
      const danglingNow = await danglingImageIds(engine);
      assert.deepStrictEqual([...kept].filter((id) => danglingNow.has(id)), []);
    } finally {
      await removeCache(engine, path, directory);
    }
  });

  for (const signal of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) {
    it(`${signal} during a build: the CLI exits 130 and leaves no tag, container or image of that build`, async () => {
      const word = nonce();
      const directory = folder({ 'app.txt': `${word}\n` });
      const path = join(directory, 'Dockerfile');
      writeFileSync(path, dockerfile(word, `RUN echo ${word} && sleep 120`));
      const leftoversBefore = await temporaryLeftovers(engine);
      const danglingBefore = await danglingImageIds(engine);
      const building = containerStarting(engine, word);
      const child = startCli(['compare', path]);
      try {
        await building; // the slow step's container runs
        child.process.kill(signal);
        const result = await child.exited;
        assert.equal(result.status, 130, result.stderr);
        assert.match(result.stderr, new RegExp(`${signal}: cancelling`));
        assert.match(result.stderr, /^dockerfile-multistage: cancelled; the temporary images and containers were removed\.$/m);
        assert.deepStrictEqual(await containersRunning(engine, word), [], 'the build step container is gone');
        assert.deepStrictEqual(await temporaryLeftovers(engine), leftoversBefore);
        const newDangling = [...(await danglingImageIds(engine))].filter((id) => !danglingBefore.has(id));
        for (const id of newDangling) assert.notEqual((await engine.docker.getImage(id).inspect()).Config.Labels?.['test.nonce'], word, `dangling image ${id} of the cancelled build`);
        assert.deepStrictEqual([...(await cacheTags(engine, path, directory)).keys()], [], 'an interrupted build is not cached');
      } finally {
        if (child.process.exitCode === null) child.process.kill('SIGKILL');
        await removeCache(engine, path, directory);
      }
    });
  }

  it('SIGTERM during --smoke: the smoke container is removed too, and the finished builds stay as the cache', async () => {
    const word = nonce();
    const directory = folder({ 'app.txt': `${word}\n` });
    const path = join(directory, 'Dockerfile');
    writeFileSync(path, dockerfile(word));
    const leftoversBefore = await temporaryLeftovers(engine);
    const smoking = containerStarting(engine, `smoke-${word}`);
    const child = startCli(['compare', '--smoke', `echo smoke-${word}; sleep 120`, path]);
    try {
      await smoking;
      child.process.kill('SIGTERM');
      const result = await child.exited;
      assert.equal(result.status, 130, result.stderr);
      assert.deepStrictEqual(await containersRunning(engine, `smoke-${word}`), [], 'the smoke container is gone');
      assert.deepStrictEqual(await temporaryLeftovers(engine), leftoversBefore);
      const cached = [...(await cacheTags(engine, path, directory)).keys()];
      assert.ok(cached.some((tag) => tag.endsWith('-original')) && cached.some((tag) => tag.endsWith('-rewritten')), `both finished builds are this file’s cache: ${cached.join(', ')}`);
    } finally {
      if (child.process.exitCode === null) child.process.kill('SIGKILL');
      await removeCache(engine, path, directory);
    }
  });
});
