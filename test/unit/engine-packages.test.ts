import { strict as assert } from 'node:assert';
import { parseApkInstalled, parseDpkgStatus, parseRpmHeader } from '../../server/src/engine/packages';

describe('package databases read from image layers', () => {
  it("dpkg: installed packages only, Installed-Size KiB as bytes", () => {
    const status = [
      'Package: gcc-12',
      'Status: install ok installed',
      'Installed-Size: 71528',
      'Version: 12.2.0-14',
      'Description: GNU C compiler',
      ' continued description: with a colon',
      '',
      'Package: removed-one',
      'Status: deinstall ok config-files',
      'Installed-Size: 10',
      'Version: 1',
      '',
      'Package: libc6',
      'Status: install ok installed',
      'Version: 2.36-9',
      '',
    ].join('\n');
    assert.deepStrictEqual(parseDpkgStatus(status), [
      { name: 'gcc-12', version: '12.2.0-14', sizeBytes: 71528 * 1024 },
      { name: 'libc6', version: '2.36-9', sizeBytes: 0 },
    ]);
    assert.deepStrictEqual(parseDpkgStatus('garbage\n\n\0\0'), []);
  });

  it('apk: P, V and I (bytes)', () => {
    assert.deepStrictEqual(parseApkInstalled('C:Q1abc=\nP:musl\nV:1.2.4-r2\nI:622592\n\nP:busybox\nV:1.36.1-r5\nI:946176\n'), [
      { name: 'musl', version: '1.2.4-r2', sizeBytes: 622592 },
      { name: 'busybox', version: '1.36.1-r5', sizeBytes: 946176 },
    ]);
  });

  it('rpm: a header blob as rpmdb.sqlite stores it', () => {
    // Index entries (tag, type, offset, count) then data: NAME, VERSION, RELEASE (STRING), SIZE (INT32).
    const strings = Buffer.from('bash\x005.2.15\x001.fc38\x00\x00\x00', 'latin1');
    const data = Buffer.concat([strings, Buffer.from([0, 0, 0x1f, 0x40])]);
    const entries = [
      [1000, 6, 0],
      [1001, 6, 5],
      [1002, 6, 12],
      [1009, 4, strings.length],
    ];
    const header = Buffer.alloc(8 + entries.length * 16);
    header.writeUInt32BE(entries.length, 0);
    header.writeUInt32BE(data.length, 4);
    entries.forEach(([tag, type, offset], index) => {
      header.writeUInt32BE(tag!, 8 + index * 16);
      header.writeUInt32BE(type!, 12 + index * 16);
      header.writeUInt32BE(offset!, 16 + index * 16);
      header.writeUInt32BE(1, 20 + index * 16);
    });
    assert.deepStrictEqual(parseRpmHeader(Buffer.concat([header, data])), { name: 'bash', version: '5.2.15-1.fc38', sizeBytes: 0x1f40 });
    assert.equal(parseRpmHeader(Buffer.from([0, 0, 0, 9])), undefined);
    assert.equal(parseRpmHeader(Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0])), undefined);
  });
});
