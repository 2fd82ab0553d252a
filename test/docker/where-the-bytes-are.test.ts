// Where the bytes are, on a real Docker Engine: each history entry tied to its Dockerfile line (the
// Engine's own build log is the oracle), wasted space measured from the exported layers, the inspect
// command's CI thresholds, and cancelling an export. Named to run after rewrite-fixtures.test.ts, whose
// builds of the fixture applications it reuses from the build cache.
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, readdirSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rewrite } from '../../server/src/core';
import { EngineError, type DockerEngine } from '../../server/src/engine/engine';
import { measureImage } from '../../server/src/engine/measure';
import type { InspectReport } from '../../server/src/engine/report';
import { engineOrSkip } from '../helpers/docker';
import { folder, nonce } from './engine-helpers';
import { INSTALLED_DOCKERFILE, WASTE_DOCKERFILE, assertAttribution, buildWithSteps, dpkgSizes, runCli } from './measure-helpers';

const APPS = join(__dirname, '../fixtures/apps');

describe('where the bytes are, on a real Docker Engine', function () {
  this.timeout(30 * 60_000);
  let engine: DockerEngine;
  const tags: string[] = [];

  before(async function () {
    engine = await engineOrSkip(this);
  });

  after(async () => {
    for (const tag of tags) await engine?.removeImage(tag);
  });

  describe('every history entry names its instruction and line (the build log is the oracle)', () => {
    for (const app of readdirSync(APPS).filter((name) => !name.startsWith('.')).sort()) {
      it(`${app}: the Dockerfile, the expert's multi-stage file and the tool's rewrite`, async () => {
        const directory = join(APPS, app);
        const original = readFileSync(join(directory, 'Dockerfile'), 'utf8');
        const rewritten = rewrite(original);
        const files: Array<[string, string]> = [
          ['Dockerfile', original],
          ['expert.Dockerfile', readFileSync(join(directory, 'expert.Dockerfile'), 'utf8')],
          ...(rewritten.ok ? [['Dockerfile.multistage', rewritten.text] as [string, string]] : []),
        ];
        for (const [name, text] of files) {
          const tag = `multistage-test/attribution-${app}:${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`;
          tags.push(tag);
          let steps: Map<number, string>;
          try {
            steps = await buildWithSteps(engine, directory, name, text, tag);
          } catch (error) {
            // Whether the tool's rewrite builds is rewrite-fixtures.test.ts's question, not this one's.
            if (name !== 'Dockerfile.multistage') throw error;
            console.log(`      (${app}: the rewrite did not build, so only the Dockerfile and the expert's file were checked)`);
            continue;
          }
          assert.ok((await assertAttribution(engine, tag, text, steps)) > 0);
        }
      });
    }
  });

  describe('an image that installs gcc-12 and purges it in a later RUN', () => {
    let tag: string;
    let gccBytes: number;
    let removedPackagesBytes: number;
    const cacheDir = mkdtempSync(join(tmpdir(), 'multistage-measure-'));

    before(async () => {
      const directory = folder({ Dockerfile: WASTE_DOCKERFILE });
      tag = `multistage-test/waste:${nonce()}`;
      const installedTag = `multistage-test/waste-installed:${nonce()}`;
      tags.push(tag, installedTag);
      await buildWithSteps(engine, directory, 'Dockerfile', INSTALLED_DOCKERFILE, installedTag);
      await buildWithSteps(engine, directory, 'Dockerfile', WASTE_DOCKERFILE, tag);
      const [before, after] = [await dpkgSizes(engine, installedTag), await dpkgSizes(engine, tag)];
      gccBytes = before.get('gcc-12')! * 1024;
      removedPackagesBytes = [...before].filter(([name]) => !after.has(name)).reduce((sum, [, kib]) => sum + kib * 1024, 0);
    });

    it('measures the waste (at least the compiler and what it pulled in), names both instructions and late-removal', async () => {
      const measured = await measureImage(engine, tag, { dockerfile: { text: WASTE_DOCKERFILE }, cacheDir });
      assert.ok(gccBytes > 10e6, `gcc-12 is ${gccBytes} bytes`);
      assert.ok(measured.contents.wastedBytes >= gccBytes, `${measured.contents.wastedBytes} wasted < gcc-12's ${gccBytes}`);
      // Installed-Size counts every file and folder rounded up to a KiB, so it runs a little over the bytes.
      assert.ok(measured.contents.wastedBytes >= removedPackagesBytes * 0.85, `${measured.contents.wastedBytes} wasted, the purged packages occupy ${removedPackagesBytes}`);
      const [cause] = measured.contents.wasteCauses;
      assert.ok(cause && cause.bytes >= gccBytes);
      assert.deepStrictEqual(
        [measured.layers[cause.writtenBy]!.instruction?.line, measured.layers[cause.removedBy]!.instruction?.line, cause.rule, cause.flagged],
        [2, 3, 'late-removal', true],
      );
      assert.equal(measured.layers[cause.writtenBy]!.wastedBytes, measured.layers[cause.removedBy]!.hidesBytes);
      assert.ok(measured.contents.efficiency < 0.8);
      assert.equal(measured.contents.packageList!.some((pkg) => pkg.name === 'gcc-12'), false);
      assert.deepStrictEqual(measured.contents.buildTools, []);
      // The figures agree with the Engine: the layers add up to docker image inspect's Size.
      const inspect = await engine.docker.getImage(tag).inspect();
      assert.equal(
        measured.layers.reduce((sum, layer) => sum + layer.sizeBytes, 0),
        inspect.Size,
      );
      assert.equal(measured.sizeBytes, inspect.Size);
      // A second measurement of the same image id comes from the cache, figure for figure.
      assert.deepStrictEqual(await measureImage(engine, tag, { dockerfile: { text: WASTE_DOCKERFILE }, cacheDir }), measured);
    });

    it('inspect: exit 1 over a threshold, naming the instruction and the rule; 0 under it; 2 for bad input', async () => {
      const over = await runCli(['inspect', '--no-cache', '--max-wasted-bytes', '10MB', tag]);
      assert.equal(over.status, 1, over.stderr);
      assert.match(over.stderr, /wasted is over --max-wasted-bytes 10000000: [\d.]+ MB written by RUN apt-get update && apt-get install -y --no-install-recommends gcc-12 .* and removed by RUN apt-get purge -y --auto-remove gcc-12 \[late-removal\]/);
      assert.match(over.stdout, /wasted space:/);
      const percent = await runCli(['inspect', '--format', 'json', '--max-wasted-percent', '5', tag]);
      assert.equal(percent.status, 1, percent.stderr);
      const report = JSON.parse(percent.stdout) as InspectReport;
      assert.ok(report.wastedPercent > 5 && report.failures.length === 1);
      assert.equal(report.layers.reduce((sum, layer) => sum + layer.sizeBytes, 0), report.sizeBytes);
      const under = await runCli(['inspect', '--format', 'markdown', '--max-wasted-percent', '99', '--max-wasted-bytes', '1GB', tag]);
      assert.equal(under.status, 0, under.stderr);
      assert.match(under.stdout, /late-removal/);
      for (const args of [['inspect', '--max-wasted-bytes', 'lots', tag], ['inspect', '--max-wasted-percent', '150', tag], ['inspect'], ['inspect', `multistage-test/no-such-image:${nonce()}`]]) {
        const bad = await runCli(args);
        assert.equal(bad.status, 2, `${args.join(' ')}: ${bad.stderr}`);
        assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
      }
    });

    it('a remote Engine (tcp) gives the same figures', async function () {
      const host = process.env.MULTISTAGE_TEST_TCP_HOST;
      if (!host) {
        if (process.env.CI === 'true') throw new Error('CI sets MULTISTAGE_TEST_TCP_HOST to the Engine on loopback TCP (.ci/run)');
        console.log('      SKIPPED: MULTISTAGE_TEST_TCP_HOST is not set');
        this.skip();
      }
      const [local, remote] = await Promise.all([runCli(['inspect', '--no-cache', '--format', 'json', tag]), runCli(['inspect', '--no-cache', '--format', 'json', tag], { ...process.env, DOCKER_HOST: host })]);
      assert.equal(remote.status, 0, remote.stderr);
      // Everything but where and when it was measured.
      const figures = (text: string) => JSON.parse(text, (key: string, value: unknown) => (key === 'engine' || key === 'createdAt' ? undefined : value)) as unknown;
      assert.deepStrictEqual(figures(remote.stdout), figures(local.stdout));
      assert.equal((JSON.parse(remote.stdout) as InspectReport).engine, host);
    });
  });

  it('cancelling stops the export: the read rejects as cancelled and the Engine removes its export files', async () => {
    const directory = join(APPS, 'c-make');
    const tag = `multistage-test/cancel-export:${nonce()}`;
    tags.push(tag);
    await buildWithSteps(engine, directory, 'Dockerfile', readFileSync(join(directory, 'Dockerfile'), 'utf8'), tag);
    const controller = new AbortController();
    const exportFolder = '/var/lib/docker/tmp';
    const measuring = measureImage(engine, tag, { signal: controller.signal, onProgress: () => controller.abort() });
    await assert.rejects(measuring, (error: unknown) => error instanceof EngineError && error.kind === 'cancelled');
    assert.ok(controller.signal.aborted, 'cancelled after the first bytes');
    await engine.ping();
    // Docker writes an export to docker-export-* under its data root first, and removes it once the
    // connection is gone. Seen only when the Engine runs on this machine.
    if (!process.env.DOCKER_HOST && existsSync(exportFolder)) await folderEmptied(exportFolder, /^docker-export-/, 60_000);
  });
});

/** Resolves once no entry of the folder matches (watching it, bounded). */
function folderEmptied(path: string, pattern: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const left = () => readdirSync(path).filter((name) => pattern.test(name));
    const watcher = watch(path, () => {
      if (left().length === 0) done();
    });
    const timer = setTimeout(() => {
      watcher.close();
      reject(new Error(`${path} still holds ${left().join(', ')} after ${timeoutMs} ms`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      watcher.close();
      resolve();
    };
    if (left().length === 0) done();
  });
}
