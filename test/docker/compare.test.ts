import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderReportHtml } from '../../client/src/compare/report-html';
import { rewrite } from '../../server/src/core';
import { COMPARE_LABEL, COMPARE_REPOSITORY, compareImages } from '../../server/src/engine/compare';
import { EngineError, type DockerEngine } from '../../server/src/engine/engine';
import type { ComparisonReport } from '../../server/src/engine/report';
import { engineOrSkip } from '../helpers/docker';
import { removeCache } from './engine-helpers';
import { dpkgSizes } from './measure-helpers';

const APPS = join(__dirname, '../fixtures/apps');
const CLI = join(__dirname, '../../server/out/cli.js');

/**
 * The temporary tags and the labelled containers: what must be the same before and after a
 * comparison (other builds may run on the same Engine meanwhile; the cache tags are checked in
 * engine-compare-leaves-nothing.test.ts).
 */
async function engineState(engine: DockerEngine): Promise<{ images: string[]; containers: string[] }> {
  const images = (await engine.docker.listImages()).flatMap((image) => image.RepoTags ?? []).filter((tag) => tag.startsWith(`${COMPARE_REPOSITORY}:`)).sort();
  const containers = (await engine.docker.listContainers({ all: true, filters: JSON.stringify({ label: [COMPARE_LABEL] }) } as object)).map((container) => container.Id).sort();
  return { images, containers };
}

async function dpkgPackages(engine: DockerEngine, image: string): Promise<number> {
  const result = await engine.run(image, ['-c', "dpkg-query -W -f='${db:Status-Abbrev}\\n' | grep -c '^ii'"], { entrypoint: ['/bin/sh'] });
  return Number(result.output.trim());
}

describe('Compare Image Sizes on a real Docker Engine', function () {
  this.timeout(30 * 60_000);
  let engine: DockerEngine;
  before(async function () {
    engine = await engineOrSkip(this);
  });

  for (const name of ['c-make', 'rust-nocrates']) {
    it(`${name}: reports what docker image inspect says, and the right packages and compilers`, async () => {
      const directory = join(APPS, name);
      const text = readFileSync(join(directory, 'Dockerfile'), 'utf8');
      const rewritten = rewrite(text);
      assert.ok(rewritten.ok);
      const before = await engineState(engine);
      const report = await compareImages({ engine, contextDir: directory, original: { path: join(directory, 'Dockerfile'), text }, rewrittenText: rewritten.text, keepImages: true, smokeCommand: 'echo smoke && exit 3' });
      const kept = (await engineState(engine)).images.filter((tag) => !before.images.includes(tag));
      try {
        assert.equal(kept.length, 2, `kept ${kept.join(', ')}`);
        const [originalTag, rewrittenTag] = [kept.find((t) => t.endsWith('-original'))!, kept.find((t) => t.endsWith('-rewritten'))!];
        const inspect = async (tag: string) => (await engine.docker.getImage(tag).inspect()).Size;
        assert.equal(report.original.sizeBytes, await inspect(originalTag));
        assert.equal(report.rewritten.sizeBytes, await inspect(rewrittenTag));
        assert.ok(report.rewritten.sizeBytes < report.original.sizeBytes);
        assert.equal(report.reductionBytes, report.original.sizeBytes - report.rewritten.sizeBytes);
        assert.equal(report.original.packages, await dpkgPackages(engine, originalTag));
        assert.equal(report.rewritten.packages, await dpkgPackages(engine, rewrittenTag));
        assert.ok(report.original.buildTools.includes('gcc') && report.original.buildTools.includes('cc'), `original tools: ${report.original.buildTools.join(', ')}`);
        assert.deepStrictEqual(report.rewritten.buildTools, []);
        assert.deepStrictEqual([report.original.smoke, report.rewritten.smoke], [{ exitCode: 3, output: 'smoke\n' }, { exitCode: 3, output: 'smoke\n' }]);
        assert.ok(report.original.layers.length > 0 && report.rewritten.layers.every((layer) => typeof layer.createdBy === 'string'));
        // The layers add up to docker image inspect's Size, and every layer names its instruction.
        for (const variant of [report.original, report.rewritten]) {
          assert.equal(variant.layers.reduce((sum, layer) => sum + layer.sizeBytes, 0), variant.sizeBytes);
          assert.ok(variant.layers.every((layer) => layer.instruction !== null && layer.instruction.line > 0), JSON.stringify(variant.layers.map((layer) => layer.instruction)));
        }
        // Package sizes read from the layers are dpkg's own, as dpkg-query prints them in the image.
        assert.deepStrictEqual(new Map(report.original.packageList!.map((pkg) => [pkg.name, pkg.sizeBytes / 1024])), await dpkgSizes(engine, originalTag));
        assert.deepStrictEqual(new Map(report.rewritten.packageList!.map((pkg) => [pkg.name, pkg.sizeBytes / 1024])), await dpkgSizes(engine, rewrittenTag));
        const onlyInOriginal = report.packageDifference!.onlyInOriginal.map((pkg) => pkg.name);
        assert.ok(onlyInOriginal.includes(name === 'c-make' ? 'gcc' : 'cargo'), onlyInOriginal.join(' '));
        assert.ok(!report.packageDifference!.onlyInRewritten.some((pkg) => /^(gcc|cpp|g\+\+|cargo|rustc)(-\d+)?$/.test(pkg.name)));
        assert.ok(report.original.compressedSizeBytes! < report.original.sizeBytes && report.rewritten.compressedSizeBytes! < report.rewritten.sizeBytes);
        // The webview shows exactly this data: it embeds the report it renders.
        const html = renderReportHtml(report, { nonce: 'n0nce', cspSource: 'vscode-webview:', canApply: true });
        const embedded = JSON.parse(/<script id="report-data" type="application\/json" nonce="n0nce">([\s\S]*?)<\/script>/.exec(html)![1]!) as ComparisonReport;
        assert.deepStrictEqual(embedded, report);
      } finally {
        for (const tag of kept) await engine.removeImage(tag);
      }
    });
  }

  it('the CLI prints the same JSON shape and figures, and leaves the Engine as it was', async () => {
    const directory = join(APPS, 'c-make');
    const before = await engineState(engine);
    const result = spawnSync(process.execPath, [CLI, 'compare', '--format', 'json', join(directory, 'Dockerfile')], { encoding: 'utf8', timeout: 20 * 60_000 });
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout) as ComparisonReport;
    for (const variant of [report.original, report.rewritten]) {
      // Backwards compatible: every field of the first JSON shape is still there, with its type.
      for (const key of ['buildSeconds', 'buildTools', 'dockerfile', 'layers', 'packages', 'sizeBytes', 'smoke']) assert.ok(key in variant, key);
      assert.equal(typeof variant.sizeBytes, 'number');
      assert.ok(variant.layers.every((layer) => typeof layer.createdBy === 'string' && typeof layer.sizeBytes === 'number'));
      for (const key of ['imageId', 'compressedSizeBytes', 'wastedBytes', 'efficiency', 'contents', 'packageManager', 'packageList']) assert.ok(key in variant, key);
    }
    assert.ok('packageDifference' in report);
    assert.equal(report.reductionBytes, report.original.sizeBytes - report.rewritten.sizeBytes);
    assert.ok(report.reductionPercent > 50);
    assert.deepStrictEqual(await engineState(engine), before, 'temporary tags and containers are gone');
  });

  it('cancelling mid-build aborts the build and leaves no container or image of ours', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'multistage-cancel-'));
    const text = `FROM debian:bookworm-slim\nRUN echo ${Date.now()} && sleep 60\nCMD ["true"]\n`;
    writeFileSync(join(directory, 'Dockerfile'), text);
    const before = await engineState(engine);
    const controller = new AbortController();
    let stepContainer: string | undefined;
    const comparing = compareImages({
      engine,
      contextDir: directory,
      original: { path: join(directory, 'Dockerfile'), text },
      rewrittenText: text,
      signal: controller.signal,
      // Cancel as soon as the slow step runs: the Engine names its container in the log.
      onLog: (_, line) => {
        stepContainer ??= /Running in ([0-9a-f]+)/.exec(line)?.[1];
        if (stepContainer) controller.abort();
      },
    });
    await assert.rejects(comparing, (error: unknown) => error instanceof EngineError && error.kind === 'cancelled');
    await removeCache(engine, join(directory, 'Dockerfile'), directory); // none expected; a failure must not pile up
    assert.ok(stepContainer);
    await assert.rejects(engine.docker.getContainer(stepContainer).inspect(), /no such container/i, 'the sleeping step container is gone');
    const after = await engineState(engine);
    assert.deepStrictEqual(after, before);
    const labelled = await engine.docker.listContainers({ all: true, filters: { label: [COMPARE_LABEL] } });
    assert.deepStrictEqual(labelled, []);
  });

  it('builds through DOCKER_HOST=tcp://127.0.0.1:PORT (the Engine on loopback TCP)', async function () {
    const host = process.env.MULTISTAGE_TEST_TCP_HOST;
    if (!host) {
      if (process.env.CI === 'true') throw new Error('CI sets MULTISTAGE_TEST_TCP_HOST to the Engine on loopback TCP (.ci/run)');
      console.log('      SKIPPED: MULTISTAGE_TEST_TCP_HOST is not set (.ci/run exposes the Engine on tcp://127.0.0.1:2375)');
      this.skip();
    }
    const result = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, 'compare', '--format', 'json', join(APPS, 'rust-nocrates', 'Dockerfile')], { env: { ...process.env, DOCKER_HOST: host } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('exit', (status) => resolve({ status, stdout, stderr }));
    });
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout) as ComparisonReport & { engine: string };
    assert.equal(report.engine, host);
    assert.ok(report.rewritten.sizeBytes < report.original.sizeBytes);
  });

  it('a .dockerignore-excluded file is not in the context: a build that copies it fails', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'multistage-ignore-'));
    writeFileSync(join(directory, 'secret.env'), 'TOKEN=1\n');
    writeFileSync(join(directory, '.dockerignore'), 'secret.env\n');
    const text = 'FROM debian:bookworm-slim\nRUN apt-get install -y --no-install-recommends gcc || true\nCOPY secret.env /\nCMD ["cat", "/secret.env"]\n';
    try {
      await assert.rejects(
        compareImages({ engine, contextDir: directory, original: { path: join(directory, 'Dockerfile'), text }, rewrittenText: text }),
        (error: unknown) => error instanceof EngineError && error.kind === 'build-failed' && /single-stage image did not build/.test(error.message) && /COPY secret\.env/.test(error.message),
      );
    } finally {
      await removeCache(engine, join(directory, 'Dockerfile'), directory);
    }
  });
});
