import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extract, type Header } from 'tar-stream';
import { checkContextDirectory, contextTar } from '../../server/src/engine/context-tar';
import { EngineError } from '../../server/src/engine/engine';

interface Entry {
  readonly type: Header['type'];
  readonly linkname?: string | null;
  readonly mode: number;
  readonly text: string;
}

/** The entries of a context tar, with their types and, for files, their text. */
async function entries(directory: string, options: Parameters<typeof contextTar>[1] = {}): Promise<Map<string, Entry>> {
  const result = new Map<string, Entry>();
  const tar = extract();
  tar.on('entry', (header, stream, next) => {
    let text = '';
    stream.on('data', (chunk: unknown) => (text += String(chunk)));
    stream.on('end', () => {
      result.set(header.name.replace(/\/$/, ''), { type: header.type, linkname: header.linkname, mode: header.mode & 0o7777, text });
      next();
    });
  });
  await new Promise<void>((resolve, reject) => {
    tar.on('finish', resolve);
    tar.on('error', reject);
    const source = contextTar(directory, options);
    source.on('error', reject);
    source.pipe(tar);
  });
  return result;
}

function folder(files: Record<string, string>): string {
  const directory = mkdtempSync(join(tmpdir(), 'multistage-context-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(directory, name, '..'), { recursive: true });
    writeFileSync(join(directory, name), text);
  }
  return directory;
}

describe('the build context tar', () => {
  const directory = folder({
    Dockerfile: 'FROM scratch\n',
    'app.py': 'print(1)\n',
    'secret.env': 'TOKEN=1\n',
    'node_modules/big.js': 'x\n',
    'docs/keep.md': '# keep\n',
    'docs/draft.md': '# draft\n',
    '.dockerignore': 'secret.env\nnode_modules\ndocs/*.md\n!docs/keep.md\nDockerfile\n',
  });
  symlinkSync('/etc/passwd', join(directory, 'passwd-link'));
  symlinkSync('/etc', join(directory, 'etc-link'));

  it('leaves out what .dockerignore excludes, honouring ! exceptions, and sends no entry for the context itself', async () => {
    const names = [...(await entries(directory, { dockerfile: 'Dockerfile' })).keys()].sort();
    assert.deepStrictEqual(names, ['.dockerignore', 'Dockerfile', 'app.py', 'docs', 'docs/keep.md', 'etc-link', 'passwd-link']);
  });

  it('sends symbolic links as links and never reads through them', async () => {
    const all = await entries(directory);
    assert.deepStrictEqual(all.get('passwd-link'), { type: 'symlink', linkname: '/etc/passwd', mode: 0o777, text: '' });
    assert.deepStrictEqual(all.get('etc-link'), { type: 'symlink', linkname: '/etc', mode: 0o777, text: '' });
    assert.ok(![...all.keys()].some((name) => name.startsWith('etc-link/')), 'nothing under the linked folder');
  });

  it('sends a Dockerfile that .dockerignore lists only when it is the one being built', async () => {
    assert.equal((await entries(directory)).has('Dockerfile'), false);
    assert.equal((await entries(directory, { dockerfile: 'Dockerfile' })).has('Dockerfile'), true);
  });

  it('re-includes a file inside an excluded folder, without the folder entry, as docker build does', async () => {
    const context = folder({ 'build/keep.txt': 'keep\n', 'build/drop.txt': 'drop\n', 'deep/x/keep.txt': 'k\n', '.dockerignore': 'build/\n!build/keep.txt\ndeep\n!**/keep.txt\n' });
    const names = [...(await entries(context)).keys()].sort();
    // deep/ is skipped whole: no exception pattern starts with "deep/", so Docker does not look inside.
    assert.deepStrictEqual(names, ['.dockerignore', 'build/keep.txt']);
  });

  it('matches names case-sensitively, as Docker does on Linux', async () => {
    const context = folder({ 'README.md': 'upper\n', 'readme.md': 'lower\n', '.dockerignore': 'README.md\n' });
    assert.deepStrictEqual([...(await entries(context)).keys()].sort(), ['.dockerignore', 'readme.md']);
  });

  it('reads a .dockerignore with a byte order mark and CRLF lines as Docker does', async () => {
    const context = folder({ 'a.txt': 'a\n', 'b.txt': 'b\n', '.dockerignore': '\uFEFFa.txt\r\n# b.txt\r\n' });
    assert.deepStrictEqual([...(await entries(context)).keys()].sort(), ['.dockerignore', 'b.txt']);
  });

  it('sends a FIFO as a FIFO entry (never opened), and a second name of a file as a hard link', async () => {
    const context = folder({ 'first.txt': 'same inode\n' });
    execFileSync('mkfifo', [join(context, 'pipe')]);
    linkSync(join(context, 'first.txt'), join(context, 'second.txt'));
    const all = await entries(context);
    assert.equal(all.get('pipe')?.type, 'fifo');
    assert.deepStrictEqual([all.get('first.txt')?.type, all.get('first.txt')?.text], ['file', 'same inode\n']);
    assert.deepStrictEqual([all.get('second.txt')?.type, all.get('second.txt')?.linkname], ['link', 'first.txt']);
  });

  it('adds extra Dockerfiles and lists them in the .dockerignore it sends', async () => {
    const all = await entries(directory, { extraDockerfiles: [{ name: '.dockerfile-multistage.rewritten', text: 'FROM alpine\n' }] });
    assert.equal(all.get('.dockerfile-multistage.rewritten')?.text, 'FROM alpine\n');
    assert.equal(all.get('.dockerignore')?.text, 'secret.env\nnode_modules\ndocs/*.md\n!docs/keep.md\nDockerfile\n.dockerfile-multistage.rewritten\n');
    assert.equal([...all.keys()].filter((name) => name === '.dockerignore').length, 1);
  });

  it('lists .dockerignore itself in the one it makes when there is none, so that the daemon drops it like the Docker CLI does', async () => {
    const context = folder({ 'a.txt': 'a\n' });
    const all = await entries(context, { extraDockerfiles: [{ name: '.x', text: 'FROM scratch\n' }], hiddenNames: ['.x', '.y'] });
    assert.equal(all.get('.dockerignore')?.text, '.dockerignore\n.x\n.y\n');
  });

  describe('a .dockerignore that is a symbolic link', () => {
    const parent = mkdtempSync(join(tmpdir(), 'multistage-outside-'));
    mkdirSync(join(parent, 'outside'));
    writeFileSync(join(parent, 'outside/secret'), 'TOKEN=supersecret\na.txt\n');
    mkdirSync(join(parent, 'context/conf'), { recursive: true });
    writeFileSync(join(parent, 'context/a.txt'), 'a\n');
    writeFileSync(join(parent, 'context/b.txt'), 'b\n');
    writeFileSync(join(parent, 'context/conf/ignore'), 'b.txt\n');
    const context = join(parent, 'context');

    it('out of the context: sent as the link, its target never read, and the user told', async () => {
      symlinkSync('../outside/secret', join(context, '.dockerignore'));
      const warnings: string[] = [];
      try {
        const all = await entries(context, { extraDockerfiles: [{ name: '.x', text: 'FROM scratch\n' }], onWarning: (message) => warnings.push(message) });
        assert.deepStrictEqual(all.get('.dockerignore'), { type: 'symlink', linkname: '../outside/secret', mode: 0o777, text: '' });
        assert.ok(![...all.values()].some((entry) => entry.text.includes('supersecret')), 'the host file is in no entry');
        assert.ok(all.has('a.txt'), 'the outside file was not read as patterns either');
        assert.equal(warnings.length, 1);
        assert.match(warnings[0]!, /symbolic link to .*outside\/secret, outside the build context: .*its patterns are not read/);
      } finally {
        execFileSync('rm', [join(context, '.dockerignore')]);
      }
    });

    it('inside the context: sent as the link, its target read for the patterns', async () => {
      symlinkSync('conf/ignore', join(context, '.dockerignore'));
      try {
        const all = await entries(context);
        assert.deepStrictEqual(all.get('.dockerignore')?.type, 'symlink');
        assert.deepStrictEqual([...all.keys()].sort(), ['.dockerignore', 'a.txt', 'conf', 'conf/ignore']);
      } finally {
        execFileSync('rm', [join(context, '.dockerignore')]);
      }
    });
  });

  it('refuses a context that does not exist or is a file, in a sentence naming it', () => {
    const missing = join(directory, 'missing');
    assert.throws(() => checkContextDirectory(missing), (error: unknown) => error instanceof EngineError && error.kind === 'context' && error.message === `The build context ${missing} does not exist.`);
    const file = join(directory, 'app.py');
    assert.throws(() => checkContextDirectory(file), (error: unknown) => error instanceof EngineError && /is a file: the context must be a directory/.test(error.message));
    checkContextDirectory(directory);
  });
});
