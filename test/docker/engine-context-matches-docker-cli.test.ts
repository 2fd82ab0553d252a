import { strict as assert } from 'node:assert';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import { contextTar } from '../../server/src/engine/context-tar';

/** One tar entry, as far as the daemon's build can tell entries apart. */
interface Entry {
  readonly name: string;
  readonly type: string;
  readonly linkname: string;
  readonly mode: string;
  readonly owner: string;
  readonly mtime: number;
  readonly sha256: string;
}

async function tarEntries(tar: Readable | Buffer): Promise<Entry[]> {
  const result: Entry[] = [];
  const parser = extract();
  parser.on('entry', (header, stream, next) => {
    const hash = createHash('sha256');
    stream.on('data', (chunk: unknown) => hash.update(chunk as Buffer));
    stream.on('end', () => {
      result.push({
        name: header.name.replace(/\/$/, ''),
        type: header.type,
        linkname: header.linkname ?? '',
        mode: (header.mode & 0o7777).toString(8),
        owner: `${header.uid}:${header.gid}`,
        mtime: header.mtime.getTime(),
        sha256: hash.digest('hex').slice(0, 16),
      });
      next();
    });
  });
  await new Promise<void>((resolve, reject) => {
    parser.on('finish', resolve);
    parser.on('error', reject);
    (Buffer.isBuffer(tar) ? Readable.from([tar]) : tar).on('error', reject).pipe(parser);
  });
  return result.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/**
 * A stand-in Docker Engine on a unix socket: enough of the API for `docker build` with the classic
 * builder (ping, version, build), keeping the build context the Docker CLI sends.
 */
class FakeEngine {
  private readonly server: Server;
  private contexts: Array<(body: Buffer) => void> = [];
  readonly socket = join(mkdtempSync(join(tmpdir(), 'multistage-fake-engine-')), 'docker.sock');

  constructor() {
    this.server = createServer((request, response) => {
      if (request.url?.endsWith('/_ping')) {
        response.writeHead(200, { 'Api-Version': '1.41', 'Content-Type': 'text/plain' });
        response.end(request.method === 'HEAD' ? undefined : 'OK');
      } else if (request.url?.endsWith('/version')) {
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify({ Version: '20.10.24', ApiVersion: '1.41', MinAPIVersion: '1.12', Os: 'linux', Arch: 'amd64' }));
      } else if (request.method === 'POST' && /\/build\?/.test(request.url ?? '')) {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          this.contexts.shift()?.(Buffer.concat(chunks));
          response.writeHead(200, { 'Content-Type': 'application/json' });
          response.end(`${JSON.stringify({ stream: 'Successfully built 0123456789ab\n' })}\n`);
        });
      } else {
        response.writeHead(404, { 'Content-Type': 'application/json' });
        response.end('{"message":"page not found"}');
      }
    });
  }

  listen(): Promise<void> {
    return new Promise((resolve) => this.server.listen(this.socket, resolve));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** The context `docker build -f DOCKERFILE DIRECTORY` sends, with the classic builder. */
  async dockerBuildContext(directory: string, dockerfile: string): Promise<Buffer> {
    const received = new Promise<Buffer>((resolve) => this.contexts.push(resolve));
    const config = mkdtempSync(join(tmpdir(), 'multistage-docker-config-'));
    const child = spawn('docker', ['build', '-f', join(directory, dockerfile), directory], {
      env: { PATH: process.env.PATH, HOME: config, DOCKER_CONFIG: config, DOCKER_BUILDKIT: '0', DOCKER_HOST: `unix://${this.socket}` },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const status = await exited;
    assert.equal(status, 0, `docker build: ${stderr}`);
    return received;
  }
}

/** A folder from a description: text files, and the links, FIFOs and modes the cases need. */
function folder(files: Record<string, string>, extra: (directory: string) => void = () => undefined): string {
  const directory = mkdtempSync(join(tmpdir(), 'multistage-context-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(directory, name, '..'), { recursive: true });
    writeFileSync(join(directory, name), text);
  }
  extra(directory);
  return directory;
}

describe('the compare context is what the Docker CLI sends (docker build against a stand-in Engine)', function () {
  this.timeout(60_000);
  const engine = new FakeEngine();

  before(async function () {
    if (spawnSync('docker', ['--version']).status !== 0) {
      if (process.env.CI === 'true') throw new Error('CI needs the docker CLI (../shared/tools/docker-offline/start-engine.sh installs it)');
      console.log('      SKIPPED: no docker CLI on PATH to compare the context with');
      this.skip();
    }
    await engine.listen();
  });
  after(() => engine.close());

  const cases: Array<{ name: string; dockerfile: string; directory: () => string }> = [
    {
      name: 'exceptions inside excluded folders, an excluded Dockerfile, FIFOs, links, hard links, modes, case',
      dockerfile: 'Dockerfile.prod',
      directory: () =>
        folder(
          {
            Dockerfile: 'FROM scratch\n',
            'Dockerfile.prod': 'FROM scratch\n',
            'build/keep.txt': 'keep\n',
            'build/drop.txt': 'drop\n',
            'a/b/keep.txt': 'k\n',
            'a/b/drop.txt': 'd\n',
            'deep/x/keep.txt': 'k\n',
            'README.md': 'upper\n',
            'readme.md': 'lower\n',
            'src/main.c': 'int main(void) { return 0; }\n',
            'src/.hidden': 'h\n',
            'tool.sh': '#!/bin/sh\n',
            'd\u00e9j\u00e0/\u00fcber.txt': 'unicode names\n',
            [`${'long-folder-name/'.repeat(8)}file.txt`]: 'a path longer than 100 bytes\n',
            '.dockerignore': '# comment\nbuild/\n!build/keep.txt\nDockerfile\nDockerfile.prod\na\n!a/b/keep.txt\ndeep\n!**/keep.txt\nREADME.md\n/src/.hidden\n',
          },
          (directory) => {
            execFileSync('mkfifo', [join(directory, 'pipe')]);
            symlinkSync('/etc/passwd', join(directory, 'abs-link'));
            symlinkSync('src', join(directory, 'dir-link'));
            symlinkSync('missing', join(directory, 'dangling-link'));
            linkSync(join(directory, 'src/main.c'), join(directory, 'main-hardlink.c'));
            chmodSync(join(directory, 'tool.sh'), 0o4755);
            mkdirSync(join(directory, 'empty'));
            chmodSync(join(directory, 'empty'), 0o1777);
          },
        ),
    },
    {
      name: 'a .dockerignore that is a link to a file inside the context',
      dockerfile: 'Dockerfile',
      directory: () => folder({ Dockerfile: 'FROM scratch\n', 'a.txt': 'a\n', 'conf/ignore': 'a.txt\n' }, (directory) => symlinkSync('conf/ignore', join(directory, '.dockerignore'))),
    },
    {
      name: 'a Dockerfile inside an excluded folder, no exception for it',
      dockerfile: 'docker/Dockerfile',
      directory: () => folder({ 'docker/Dockerfile': 'FROM scratch\n', 'docker/other': 'o\n', 'app.txt': 'a\n', '.dockerignore': 'docker\n' }),
    },
    {
      name: 'everything excluded but one folder, .dockerignore listing itself',
      dockerfile: 'Dockerfile',
      directory: () => folder({ Dockerfile: 'FROM scratch\n', 'src/a.c': 'a\n', 'src/sub/b.c': 'b\n', 'other/c.c': 'c\n', '.dockerignore': '*\n!src\n.dockerignore\n' }),
    },
    {
      name: 'no .dockerignore',
      dockerfile: 'Dockerfile',
      directory: () => folder({ Dockerfile: 'FROM scratch\n', 'x/y/z.txt': 'z\n' }),
    },
  ];

  // The project's own fixture applications, as real-world contexts.
  const apps = join(__dirname, '../fixtures/apps');
  for (const app of readdirSync(apps).filter((name) => existsSync(join(apps, name, 'Dockerfile')))) {
    cases.push({ name: `the fixture ${app}`, dockerfile: 'Dockerfile', directory: () => join(apps, app) });
  }

  for (const { name, dockerfile, directory } of cases) {
    it(name, async () => {
      const context = directory();
      const docker = await tarEntries(await engine.dockerBuildContext(context, dockerfile));
      const ours = await tarEntries(contextTar(context, { dockerfile }));
      assert.ok(docker.length > 1);
      assert.deepStrictEqual(ours, docker);
    });
  }

  it('a .dockerignore linked out of the context: the same link is sent, and its target is not read (the Docker CLI reads it as patterns)', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'multistage-outside-'));
    writeFileSync(join(parent, 'secret'), 'a.txt\n');
    const context = folder({ Dockerfile: 'FROM scratch\n', 'a.txt': 'a\n', 'b.txt': 'b\n' }, (directory) => symlinkSync(join(parent, 'secret'), join(directory, '.dockerignore')));
    const docker = await tarEntries(await engine.dockerBuildContext(context, 'Dockerfile'));
    const ours = await tarEntries(contextTar(context, { dockerfile: 'Dockerfile', onWarning: () => undefined }));
    assert.deepStrictEqual(ours.find((entry) => entry.name === '.dockerignore'), docker.find((entry) => entry.name === '.dockerignore'));
    // The only difference: the file the outside patterns would have left out.
    assert.deepStrictEqual(
      ours.filter((entry) => !docker.some((other) => other.name === entry.name)).map((entry) => entry.name),
      ['a.txt'],
    );
    assert.equal(ours.length, docker.length + 1);
  });
});
