import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pack, type Header } from 'tar-stream';
import { computeContents, scanImageArchive } from '../../server/src/engine/image-contents';

type Entry = Partial<Header> & { readonly name: string; readonly content?: string | Buffer };

async function tarOf(entries: readonly Entry[]): Promise<Buffer> {
  const archive = pack();
  for (const { content, ...header } of entries) archive.entry(header as Header, content ?? '');
  archive.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of archive as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

const status = (...packages: Array<[string, number]>) => packages.map(([name, kib]) => `Package: ${name}\nStatus: install ok installed\nVersion: 1.0\nInstalled-Size: ${kib}\n`).join('\n');

/** A docker-archive as Docker 20.10 writes it (`<v1 id>/layer.tar`, the config among them, manifest last) or as Podman does (`<diff id>.tar`). */
async function archiveOf(layers: readonly Buffer[], history: ReadonlyArray<{ created_by: string; empty_layer?: boolean }>, style: 'docker' | 'podman'): Promise<Readable> {
  const diffIds = layers.map((layer) => `sha256:${createHash('sha256').update(layer).digest('hex')}`);
  const config = JSON.stringify({ config: { Env: ['PATH=/usr/local/bin:/usr/bin:/bin'] }, rootfs: { type: 'layers', diff_ids: diffIds }, history });
  const configName = `${createHash('sha256').update(config).digest('hex')}.json`;
  const names = layers.map((_, index) => (style === 'docker' ? `${String(index).repeat(64).slice(0, 64)}/layer.tar` : `${diffIds[index]!.slice(7)}.tar`));
  const entries: Entry[] = layers.map((layer, index) => ({ name: names[index]!, content: layer }));
  // Docker writes the folders in lexical order, so the config can come before some layers.
  if (style === 'docker') entries.reverse().splice(1, 0, { name: configName, content: config });
  else entries.push({ name: configName, content: config });
  entries.push({ name: 'manifest.json', content: JSON.stringify([{ Config: configName, Layers: names }]) });
  return Readable.from(await tarOf(entries));
}

describe('reading an exported image layer by layer', () => {
  for (const style of ['docker', 'podman'] as const) {
    it(`${style} archive: waste by whiteout and overwrite, efficiency, packages with their layer, build tools through links`, async () => {
      const gcc = 'x'.repeat(5000);
      const base = await tarOf([
        { name: 'usr/', type: 'directory' },
        { name: 'usr/bin/', type: 'directory' },
        { name: 'usr/bin/sh', content: 'y'.repeat(100), mode: 0o755 },
        { name: 'var/lib/dpkg/status', content: status(['libc6', 100]) },
        { name: 'etc/config', content: 'old'.repeat(10) },
      ]);
      const install = await tarOf([
        { name: 'usr/bin/gcc-12', content: gcc, mode: 0o755 },
        { name: 'usr/bin/cc', type: 'symlink', linkname: 'gcc-12' },
        { name: 'usr/lib/gcc/', type: 'directory' },
        { name: 'usr/lib/gcc/cc1', content: 'z'.repeat(20000), mode: 0o755 },
        { name: 'var/lib/dpkg/status', content: status(['libc6', 100], ['gcc-12', 25]) },
        { name: 'etc/config', content: 'new' },
      ]);
      const purge = await tarOf([
        { name: 'usr/bin/.wh.gcc-12' },
        { name: 'usr/lib/.wh.gcc' },
        { name: 'var/lib/dpkg/status', content: status(['libc6', 100]) },
      ]);
      const history = [{ created_by: '' }, { created_by: '/bin/sh -c #(nop)  ENV A=1', empty_layer: true }, { created_by: '/bin/sh -c apt-get install gcc-12' }, { created_by: '/bin/sh -c apt-get purge gcc-12' }];
      const scan = await scanImageArchive(await archiveOf([base, install, purge], history, style), { compress: true });
      const contents = await computeContents(scan, ['gcc-12', 'cc', 'sh']);
      const statusBytes = (text: string) => Buffer.byteLength(text);
      // Wasted: gcc-12 and cc1 (removed), the base's etc/config and the dpkg status (replaced twice).
      const expectedWaste = 5000 + 20000 + 30 + statusBytes(status(['libc6', 100])) + statusBytes(status(['libc6', 100], ['gcc-12', 25]));
      assert.equal(contents.wastedBytes, expectedWaste);
      assert.deepStrictEqual(
        contents.layers.map((layer) => [layer.wastedBytes, layer.hidesBytes]),
        [
          [30 + statusBytes(status(['libc6', 100])), 0],
          [25000 + statusBytes(status(['libc6', 100], ['gcc-12', 25])), 30 + statusBytes(status(['libc6', 100]))],
          [0, 25000 + statusBytes(status(['libc6', 100], ['gcc-12', 25]))],
        ],
      );
      assert.equal(contents.efficiency, Math.round((contents.contentBytes / contents.writtenBytes) * 10000) / 10000);
      const removal = contents.wasteByCause.find((cause) => cause.how === 'removed')!;
      assert.deepStrictEqual([removal.writtenIn, removal.removedIn, removal.bytes], [1, 2, 25000]);
      // cc is a link to a file the purge removed: like `command -v cc`, it is not on PATH any more.
      assert.deepStrictEqual(contents.buildTools, ['sh']);
      assert.deepStrictEqual(contents.packages, { manager: 'dpkg', list: [{ name: 'libc6', version: '1.0', sizeBytes: 102400, layer: 0 }] });
      assert.ok(contents.compressedBytes! > 0 && contents.compressedBytes! < base.length + install.length + purge.length);
      assert.deepStrictEqual(contents.topFiles[0], { path: '/usr/bin/sh', bytes: 100, layer: 0 });
    });
  }

  it('does not compress again a layer whose gzip size is known by its archive name', async () => {
    const layer = await tarOf([{ name: 'app/data', content: 'd'.repeat(1000) }]);
    const scan = await scanImageArchive(await archiveOf([layer], [{ created_by: '/bin/sh -c make' }], 'docker'), { compress: true, knownCompressedBytes: (key) => (key === '0'.repeat(64) ? 42 : undefined) });
    assert.deepStrictEqual([...scan.layers.values()].map((scanned) => [scanned.archiveKey, scanned.compressedBytes]), [['0'.repeat(64), 42]]);
  });

  it('an archive without a configuration is an error, not a crash', async () => {
    await assert.rejects(scanImageArchive(Readable.from(await tarOf([{ name: 'manifest.json', content: '[]' }])), { compress: false }), /no configuration/);
  });
});
