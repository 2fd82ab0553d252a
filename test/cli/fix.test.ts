import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = join(__dirname, '../../server/out/cli.js');
const GOLDEN = join(__dirname, '../fixtures/rewrite');

function cli(...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
}

describe('dockerfile-multistage fix (the built CLI)', () => {
  it('prints the rewrite on stdout by default and exits 0', () => {
    const result = cli('fix', join(GOLDEN, 'seed/input.Dockerfile'));
    assert.equal(result.status, 0);
    assert.equal(result.stdout, readFileSync(join(GOLDEN, 'seed/expected.Dockerfile'), 'utf8'));
    assert.match(result.stderr, /builder stage "builder", runtime on python:3\.10-slim; moved build-essential, gcc, g\+\+, make/);
    assert.equal(cli('fix', '--stdout', join(GOLDEN, 'seed/input.Dockerfile')).stdout, result.stdout);
  });

  it('--write replaces the file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'multistage-fix-')), 'Dockerfile');
    copyFileSync(join(GOLDEN, 'node-build/input.Dockerfile'), file);
    const result = cli('fix', '--write', file);
    assert.equal(result.status, 0);
    assert.equal(result.stdout, '');
    assert.equal(readFileSync(file, 'utf8'), readFileSync(join(GOLDEN, 'node-build/expected.Dockerfile'), 'utf8'));
  });

  it('reads manifests in the build context: the file\'s folder, or --context (cargo run names no binary)', () => {
    const fixture = join(GOLDEN, 'cargo-run-manifest');
    const expected = readFileSync(join(fixture, 'expected.Dockerfile'), 'utf8');
    // Beside its Cargo.toml, the file's folder is the context.
    const folder = mkdtempSync(join(tmpdir(), 'multistage-fix-context-'));
    copyFileSync(join(fixture, 'input.Dockerfile'), join(folder, 'Dockerfile'));
    copyFileSync(join(fixture, 'context/Cargo.toml'), join(folder, 'Cargo.toml'));
    const beside = cli('fix', join(folder, 'Dockerfile'));
    assert.equal(beside.status, 0, beside.stderr);
    assert.equal(beside.stdout, expected);
    // Elsewhere, --context names it; without it there is no binary name and no rewrite.
    assert.equal(cli('fix', '--context', join(fixture, 'context'), join(fixture, 'input.Dockerfile')).stdout, expected);
    const without = cli('fix', join(fixture, 'input.Dockerfile'));
    assert.equal(without.status, 3);
    assert.match(without.stderr, /no Cargo\.toml in the build context names the binary/);
  });

  it('exits 3 with a one-line reason when the file should not or cannot be rewritten', () => {
    for (const name of ['declined-ci-image', 'declined-cargo-run', 'declined-php', 'declined-clean']) {
      const file = join(GOLDEN, name, 'input.Dockerfile');
      const result = cli('fix', file);
      const [, reason] = readFileSync(join(GOLDEN, name, 'expected-refusal.txt'), 'utf8').split('\n');
      assert.equal(result.status, 3, name);
      assert.equal(result.stdout, '');
      assert.equal(result.stderr, `dockerfile-multistage: ${file}: not rewritten: ${reason}.\n`);
    }
  });

  describe('keeps the bytes of every line it does not rewrite', () => {
    const lines = (bytes: Buffer) => bytes.toString('latin1').split(/(?<=\n)/);
    const write = (bytes: Buffer) => {
      const file = join(mkdtempSync(join(tmpdir(), 'multistage-bytes-')), 'Dockerfile');
      writeFileSync(file, bytes);
      return file;
    };
    const body = (eol: string) =>
      ['FROM debian:bookworm-slim', 'LABEL maintainer="Jos\u00e9"', 'RUN apt-get update && apt-get install -y gcc', 'COPY . /src', 'RUN gcc -o /usr/local/bin/app /src/app.c', 'CMD ["app"]', ''].join(eol);

    it('a Latin-1 file (not UTF-8) comes back Latin-1, byte for byte, from --write and --stdout', () => {
      const input = Buffer.from(body('\n'), 'latin1');
      assert.ok(input.includes(Buffer.from([0x4a, 0x6f, 0x73, 0xe9])), 'the fixture holds the single byte 0xE9');
      const file = write(input);
      const printed = spawnSync(process.execPath, [CLI, 'fix', '--stdout', file]);
      assert.equal(printed.status, 0, printed.stderr.toString());
      assert.ok(lines(printed.stdout).includes('LABEL maintainer="Jos\u00e9"\n'), 'the LABEL line is the same bytes');
      assert.ok(!printed.stdout.includes(Buffer.from('\uFFFD')), 'no replacement character');
      assert.equal(cli('fix', '--write', file).status, 0);
      assert.deepStrictEqual(readFileSync(file), printed.stdout);
      for (const line of lines(input).filter((text) => !text.startsWith('FROM'))) assert.ok(lines(readFileSync(file)).includes(line), `kept: ${JSON.stringify(line)}`);
    });

    it('a UTF-8 file with a byte order mark and CRLF line ends keeps both', () => {
      const input = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body('\r\n'), 'utf8')]);
      const file = write(input);
      assert.equal(cli('fix', '--write', file).status, 0);
      const output = readFileSync(file);
      assert.deepStrictEqual([...output.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
      assert.ok(output.toString('utf8').includes('LABEL maintainer="Jos\u00e9"\r\n'));
      assert.doesNotMatch(output.toString('utf8'), /[^\r]\n/, 'every line ends in CRLF');
    });
  });

  it('exits 2 for usage errors', () => {
    for (const args of [['fix'], ['fix', '--stdout', '--write', 'x'], ['fix', 'a', 'b'], ['fix', '--write', '-']]) assert.equal(cli(...args).status, 2, args.join(' '));
  });
});
