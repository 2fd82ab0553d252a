import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extract, type Header } from 'tar-stream';
import { contextTar } from '../../server/src/engine/context-tar';

/** The entries of a context tar, with their types and, for files, their text. */
async function entries(directory: string, options: Parameters<typeof contextTar>[1] = {}): Promise<Map<string, { type: Header['type']; linkname?: string | null; text: string }>> {
  const result = new Map<string, { type: Header['type']; linkname?: string | null; text: string }>();
  const tar = extract();
  tar.on('entry', (header, stream, next) => {
    let text = '';
    stream.on('data', (chunk: unknown) => (text += String(chunk)));
    stream.on('end', () => {
      result.set(header.name, { type: header.type, linkname: header.linkname, text });
      next();
    });
  });
  await new Promise<void>((resolve, reject) => {
    tar.on('finish', resolve);
    tar.on('error', reject);
    contextTar(directory, options).pipe(tar);
  });
  return result;
}

describe('the build context tar', () => {
  const directory = mkdtempSync(join(tmpdir(), 'multistage-context-'));
  writeFileSync(join(directory, 'Dockerfile'), 'FROM scratch\n');
  writeFileSync(join(directory, 'app.py'), 'print(1)\n');
  writeFileSync(join(directory, 'secret.env'), 'TOKEN=1\n');
  mkdirSync(join(directory, 'node_modules'));
  writeFileSync(join(directory, 'node_modules', 'big.js'), 'x\n');
  mkdirSync(join(directory, 'docs'));
  writeFileSync(join(directory, 'docs', 'keep.md'), '# keep\n');
  writeFileSync(join(directory, 'docs', 'draft.md'), '# draft\n');
  writeFileSync(join(directory, '.dockerignore'), 'secret.env\nnode_modules\ndocs/*.md\n!docs/keep.md\nDockerfile\n');
  symlinkSync('/etc/passwd', join(directory, 'passwd-link'));
  symlinkSync('/etc', join(directory, 'etc-link'));

  it('leaves out what .dockerignore excludes, honouring ! exceptions', async () => {
    const names = [...(await entries(directory)).keys()].sort();
    assert.deepStrictEqual(names, ['.', '.dockerignore', 'Dockerfile', 'app.py', 'docs', 'docs/keep.md', 'etc-link', 'passwd-link']);
  });

  it('sends symbolic links as links and never reads through them', async () => {
    const all = await entries(directory);
    assert.deepStrictEqual(all.get('passwd-link'), { type: 'symlink', linkname: '/etc/passwd', text: '' });
    assert.deepStrictEqual(all.get('etc-link'), { type: 'symlink', linkname: '/etc', text: '' });
    assert.ok(![...all.keys()].some((name) => name.startsWith('etc-link/')), 'nothing under the linked folder');
  });

  it('adds extra Dockerfiles and lists them in the .dockerignore it sends', async () => {
    const all = await entries(directory, { extraDockerfiles: [{ name: '.dockerfile-multistage.rewritten', text: 'FROM alpine\n' }] });
    assert.equal(all.get('.dockerfile-multistage.rewritten')?.text, 'FROM alpine\n');
    assert.equal(all.get('.dockerignore')?.text, 'secret.env\nnode_modules\ndocs/*.md\n!docs/keep.md\nDockerfile\n.dockerfile-multistage.rewritten\n');
    assert.equal([...all.keys()].filter((name) => name === '.dockerignore').length, 1);
  });
});
