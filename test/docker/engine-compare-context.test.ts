import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rewrite } from '../../server/src/core';
import { compareImages } from '../../server/src/engine/compare';
import type { DockerEngine } from '../../server/src/engine/engine';
import { engineOrSkip } from '../helpers/docker';
import { folder, nonce, removeCache } from './engine-helpers';

/** Lists /ctx in an image: path, type, link target and mode of every entry. */
async function listing(engine: DockerEngine, image: string): Promise<string> {
  const result = await engine.run(image, ['-c', "cd /ctx && find . -printf '%p %y %l %m\\n' | sort"], { entrypoint: ['/bin/sh'] });
  assert.equal(result.exitCode, 0, result.output);
  return result.output;
}

/** Builds with the real Docker CLI and the classic builder, as a user would: `docker build -f DOCKERFILE DIR`. */
function dockerBuild(directory: string, dockerfile: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', ['build', '-q', '-f', join(directory, dockerfile), directory], { env: { ...process.env, DOCKER_BUILDKIT: '0' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => (status === 0 ? resolve(stdout.trim()) : reject(new Error(`docker build exited ${status}: ${stderr}`))));
  });
}

const COMPARE_REPOSITORY = 'dockerfile-multistage-compare';

async function temporaryTags(engine: DockerEngine): Promise<string[]> {
  return (await engine.docker.listImages({ filters: JSON.stringify({ reference: [`${COMPARE_REPOSITORY}:*`] }) } as object)).flatMap((image) => image.RepoTags ?? []);
}

/** The compare's two images, kept, by their temporary tags; `made` collects them for the caller to remove. */
async function compareKeeping(engine: DockerEngine, directory: string, text: string, made: string[], warnings: string[] = []): Promise<{ original: string; rewritten: string }> {
  const rewritten = rewrite(text);
  assert.ok(rewritten.ok, 'the test Dockerfile has a rewrite');
  const before = new Set(await temporaryTags(engine));
  try {
    await compareImages({ engine, contextDir: directory, original: { path: join(directory, 'Dockerfile'), text }, rewrittenText: rewritten.text, keepImages: true, onWarning: (message) => warnings.push(message) });
  } finally {
    made.push(...(await temporaryTags(engine)).filter((tag) => !before.has(tag)));
  }
  return { original: made.find((tag) => tag.endsWith('-original'))!, rewritten: made.find((tag) => tag.endsWith('-rewritten'))! };
}

describe('what a compare sends as the build context (a real Docker Engine)', function () {
  this.timeout(10 * 60_000);
  let engine: DockerEngine;
  before(async function () {
    engine = await engineOrSkip(this);
  });

  it('a .dockerignore linked to a host file out of the context: the file never reaches the image', async () => {
    const word = nonce();
    const parent = mkdtempSync(join(tmpdir(), 'multistage-outside-'));
    mkdirSync(join(parent, 'outside'));
    writeFileSync(join(parent, 'outside/secret'), `TOKEN=secret-${word}\n`);
    mkdirSync(join(parent, 'context'));
    const directory = join(parent, 'context');
    symlinkSync('../outside/secret', join(directory, '.dockerignore'));
    writeFileSync(join(directory, 'app.txt'), 'app\n');
    const text = `FROM debian:bookworm-slim\nLABEL test.nonce=${word}\nRUN apt-get install -y --no-install-recommends gcc || true\nCOPY . /ctx\nCMD ["ls", "/ctx"]\n`;
    writeFileSync(join(directory, 'Dockerfile'), text);
    const warnings: string[] = [];
    const made: string[] = [];
    try {
      const images = await compareKeeping(engine, directory, text, made, warnings);
      for (const image of [images.original, images.rewritten]) {
        const found = await engine.run(image, ['-c', `readlink /ctx/.dockerignore; grep -rl secret-${word} /ctx; true`], { entrypoint: ['/bin/sh'] });
        assert.equal(found.output, '../outside/secret\n', `${image}: .dockerignore is the link, as docker build sends it, and no file holds the secret`);
      }
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /\.dockerignore .* is a symbolic link to .*outside\/secret, outside the build context/);
    } finally {
      for (const image of made.reverse()) await engine.docker.getImage(image).remove().catch(() => undefined);
      await removeCache(engine, join(directory, 'Dockerfile'), directory);
    }
  });

  it('COPY . sees exactly what it sees with docker build: exceptions in excluded folders, an ignored Dockerfile, FIFOs, links', async () => {
    const word = nonce();
    const text = `FROM debian:bookworm-slim\nLABEL test.nonce=${word}\nRUN apt-get install -y --no-install-recommends gcc || true\nCOPY . /ctx\nCMD ["ls", "/ctx"]\n`;
    const directory = folder({
      Dockerfile: text,
      'Dockerfile.other': 'FROM scratch\n',
      'build/keep.txt': 'keep\n',
      'build/drop.txt': 'drop\n',
      'src/main.c': 'int main(void) { return 0; }\n',
      'README.md': 'upper\n',
      'readme.md': 'lower\n',
      '.dockerignore': 'build/\n!build/keep.txt\nDockerfile*\nREADME.md\n',
    });
    execFileSync('mkfifo', [join(directory, 'pipe')]);
    symlinkSync('/etc/passwd', join(directory, 'abs-link'));
    symlinkSync('src', join(directory, 'dir-link'));
    linkSync(join(directory, 'src/main.c'), join(directory, 'hard.c'));
    const made: string[] = [];
    try {
      made.push(await dockerBuild(directory, 'Dockerfile'));
      const reference = made[0]!;
      const images = await compareKeeping(engine, directory, text, made);
      const expected = await listing(engine, reference);
      assert.match(expected, /^\.\/build\/keep\.txt f/m);
      assert.match(expected, /^\.\/pipe p/m);
      assert.doesNotMatch(expected, /Dockerfile/);
      assert.equal(await listing(engine, images.original), expected);
      assert.equal(await listing(engine, images.rewritten), expected);
    } finally {
      await removeCache(engine, join(directory, 'Dockerfile'), directory);
      for (const image of made.reverse()) await engine.docker.getImage(image).remove().catch(() => undefined);
    }
  });
});
