// The same checks against Podman's Docker-compatible API (`podman system service`, rootful), which
// .ci/run starts and names in MULTISTAGE_TEST_PODMAN_HOST. Where Podman differs: its history sizes
// are the layer tars' lengths and its image Size adds the configuration and manifest; its build log
// says "STEP 3/9:" and "--> 1a2b3c4d5e6"; it rejects an empty labels parameter.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { rewrite } from '../../server/src/core';
import { COMPARE_LABEL } from '../../server/src/engine/compare';
import { DockerEngine } from '../../server/src/engine/engine';
import { resolveEndpoint } from '../../server/src/engine/endpoint';
import type { ComparisonReport, InspectReport, VariantReport } from '../../server/src/engine/report';
import { BASE_IMAGE } from '../helpers/docker';
import { folder, nonce } from './engine-helpers';
import { INSTALLED_DOCKERFILE, WASTE_DOCKERFILE, buildWithSteps, dpkgSizes, runCli } from './measure-helpers';

const APPS = join(__dirname, '../fixtures/apps');

/** The lines the final stage's history must name: its chain's FROM for the base image's entry, then each instruction. */
function expectedLines(text: string): number[] {
  const instructions = DockerfileParser.parse(text).getInstructions();
  const lastFrom = instructions.map((instruction) => instruction.getKeyword()).lastIndexOf('FROM');
  return instructions.slice(lastFrom).map((instruction) => instruction.getRange().start.line + 1);
}

describe('Compare Image Sizes and inspect against Podman', function () {
  this.timeout(30 * 60_000);
  let engine: DockerEngine;
  let env: NodeJS.ProcessEnv;
  const tags: string[] = [];

  before(async function () {
    const host = process.env.MULTISTAGE_TEST_PODMAN_HOST;
    let problem = host ? undefined : 'MULTISTAGE_TEST_PODMAN_HOST is not set (.ci/run starts Podman with ../shared/tools/podman-offline/start-podman.sh)';
    if (host) {
      engine = new DockerEngine(resolveEndpoint({ env: { DOCKER_HOST: host } }));
      try {
        await engine.ping(5000);
        if (!(await engine.imageExists(BASE_IMAGE))) problem = `Podman at ${host} has no ${BASE_IMAGE} (start-podman.sh copies it from the Docker Engine)`;
      } catch (error) {
        problem = (error as Error).message;
      }
    }
    if (problem) {
      if (process.env.CI === 'true') throw new Error(`CI needs Podman: ${problem}`);
      console.log(`      SKIPPED (no Podman here): ${problem}`);
      this.skip();
    }
    // A fresh measurement cache: every image is read from Podman's export, not from an earlier run.
    env = { ...process.env, DOCKER_HOST: host, XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'multistage-podman-cache-')) };
  });

  after(async () => {
    for (const tag of tags) await engine?.removeImage(tag);
  });

  it('c-make: compare builds both, names every layer by line, reads the packages and the difference, leaves no temporary tag or container', async () => {
    const dockerfile = join(APPS, 'c-make', 'Dockerfile');
    const result = await runCli(['compare', '--format', 'json', '--keep-images', dockerfile], env);
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout) as ComparisonReport;
    const original = readFileSync(dockerfile, 'utf8');
    const rewritten = rewrite(original);
    assert.ok(rewritten.ok);
    const check = (variant: VariantReport, text: string) => {
      assert.deepStrictEqual(
        variant.layers.map((layer) => layer.instruction?.line),
        expectedLines(text),
      );
      assert.ok(variant.layers[0]!.base && variant.layers.slice(1).every((layer) => !layer.base));
      // Podman's Size is the layer tars plus the configuration and manifest: a few KB more than the history's sum.
      const sum = variant.layers.reduce((total, layer) => total + layer.sizeBytes, 0);
      assert.ok(variant.sizeBytes >= sum && variant.sizeBytes - sum < 64 * 1024, `Size ${variant.sizeBytes}, layers ${sum}`);
    };
    check(report.original, original);
    check(report.rewritten, rewritten.text);
    assert.ok(report.original.buildTools.includes('gcc') && report.original.buildTools.includes('cc'));
    assert.deepStrictEqual(report.rewritten.buildTools, []);
    const onlyInOriginal = report.packageDifference!.onlyInOriginal.map((pkg) => pkg.name);
    assert.ok(onlyInOriginal.includes('gcc') && onlyInOriginal.includes('gcc-12'), onlyInOriginal.join(' '));
    assert.ok(report.original.compressedSizeBytes! > 0 && report.original.compressedSizeBytes! < report.original.sizeBytes);

    // Podman names local images localhost/NAME:TAG.
    const kept = (await engine.docker.listImages()).flatMap((image) => image.RepoTags ?? []).filter((tag) => /(^|\/)dockerfile-multistage-compare:/.test(tag));
    tags.push(...kept);
    assert.ok(kept.some((tag) => tag.endsWith('-original')) && kept.some((tag) => tag.endsWith('-rewritten')), `kept: ${kept.join(', ')}`);
    // Package sizes are dpkg's own, as dpkg-query prints them inside the image.
    const sizes = await dpkgSizes(engine, report.original.imageId!);
    assert.deepStrictEqual(new Map(report.original.packageList!.map((pkg) => [pkg.name, pkg.sizeBytes / 1024])), sizes);
    const containers = await engine.docker.listContainers({ all: true, filters: JSON.stringify({ label: [COMPARE_LABEL] }) } as object);
    assert.deepStrictEqual(containers, []);
  });

  it('inspect: waste of a compiler purged in a later RUN, thresholds and exit codes', async () => {
    const directory = folder({ Dockerfile: WASTE_DOCKERFILE });
    const tag = `multistage-test/waste-podman:${nonce()}`;
    const installedTag = `multistage-test/waste-podman-installed:${nonce()}`;
    tags.push(tag, installedTag);
    await buildWithSteps(engine, directory, 'Dockerfile', INSTALLED_DOCKERFILE, installedTag);
    await buildWithSteps(engine, directory, 'Dockerfile', WASTE_DOCKERFILE, tag);
    const gccBytes = (await dpkgSizes(engine, installedTag)).get('gcc-12')! * 1024;
    const over = await runCli(['inspect', '--format', 'json', '--max-wasted-bytes', String(gccBytes - 1), tag], env);
    assert.equal(over.status, 1, over.stderr);
    const report = JSON.parse(over.stdout) as InspectReport;
    assert.ok(report.contents.wastedBytes >= gccBytes, `${report.contents.wastedBytes} < ${gccBytes}`);
    assert.match(over.stderr, /written by RUN apt-get update && apt-get install -y --no-install-recommends gcc-12 .* and removed by RUN apt-get purge -y --auto-remove gcc-12 \[late-removal\]/);
    const under = await runCli(['inspect', '--max-wasted-percent', '99', tag], env);
    assert.equal(under.status, 0, under.stderr);
    const missing = await runCli(['inspect', `multistage-test/no-such-image:${nonce()}`], env);
    assert.equal(missing.status, 2, missing.stderr);
  });
});
