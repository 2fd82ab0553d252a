import { strict as assert } from 'node:assert';
import { initialize } from '../../server/src/core';
import { attributeHistory, historyKeyword, instructionFromHistory } from '../../server/src/engine/attribution';

// History entries as Docker 20.10's classic builder, Buildah and BuildKit write them (oldest first).
const BASE = ['', '/bin/sh -c #(nop)  CMD ["bash"]'];

describe('matching an image history to the Dockerfile', () => {
  before(async () => {
    await initialize();
  });

  it('reads the keyword of every history style', () => {
    const cases: Array<[string, string | undefined]> = [
      ['', undefined],
      ['/bin/sh -c #(nop)  ENV A=b', 'ENV'],
      ['/bin/sh -c #(nop) COPY file:e61cdadd in /app/ ', 'COPY'],
      ['|1 X=1 /bin/sh -c rm /app/d/big', 'RUN'],
      ['/bin/sh -c apt-get update', 'RUN'],
      ['RUN /bin/sh -c make # buildkit', 'RUN'],
      ['COPY /usr/local/bin/primes /usr/local/bin/primes # buildkit', 'COPY'],
      ['WORKDIR /app', 'WORKDIR'],
      ['bash -c echo hi', 'RUN'],
    ];
    assert.deepStrictEqual(cases.map(([createdBy]) => historyKeyword(createdBy)), cases.map(([, keyword]) => keyword));
    assert.equal(instructionFromHistory('|2 A=1 B=2 /bin/sh -c make install'), 'RUN make install');
    assert.equal(instructionFromHistory('RUN |1 A=1 /bin/sh -c make # buildkit'), 'RUN make');
    assert.equal(instructionFromHistory('/bin/sh -c #(nop)  CMD ["primes"]'), 'CMD ["primes"]');
  });

  it('names each entry of a single-stage image by line, and the base image entries by its FROM', () => {
    const dockerfile = ['FROM debian:bookworm-slim', '', '# the toolchain', 'RUN apt-get update && apt-get install -y \\', '    build-essential', 'WORKDIR /app', 'COPY . .', 'RUN make', 'CMD ["primes"]', ''].join('\n');
    const history = [...BASE, '/bin/sh -c apt-get update && apt-get install -y     build-essential', '/bin/sh -c #(nop) WORKDIR /app', '/bin/sh -c #(nop) COPY dir:88dd in /app ', '/bin/sh -c make', '/bin/sh -c #(nop)  CMD ["primes"]'];
    const lines = attributeHistory(history, dockerfile).map((entry) => [entry.instruction?.line, entry.instruction?.keyword, entry.base]);
    assert.deepStrictEqual(lines, [
      [1, 'FROM', true],
      [1, 'FROM', true],
      [4, 'RUN', false],
      [6, 'WORKDIR', false],
      [7, 'COPY', false],
      [8, 'RUN', false],
      [9, 'CMD', false],
    ]);
    const run = attributeHistory(history, dockerfile)[2]!.instruction!;
    assert.deepStrictEqual([run.endLine, run.text], [5, 'RUN apt-get update && apt-get install -y build-essential']);
  });

  it('skips builder stages and matches COPY --from in the final stage', () => {
    const dockerfile = ['FROM debian:bookworm-slim AS build', 'RUN make', 'FROM debian:bookworm-slim', 'WORKDIR /app', 'COPY --from=build /out/app /usr/local/bin/app', 'CMD ["app"]'].join('\n');
    const history = [...BASE, '/bin/sh -c #(nop) WORKDIR /app', '/bin/sh -c #(nop) COPY file:1a2b in /usr/local/bin/app ', '/bin/sh -c #(nop)  CMD ["app"]'];
    assert.deepStrictEqual(
      attributeHistory(history, dockerfile).map((entry) => entry.instruction?.line),
      [3, 3, 4, 5, 6],
    );
  });

  it('follows a stage built FROM an earlier stage', () => {
    const dockerfile = ['FROM debian:bookworm-slim AS base', 'ENV A=1', 'FROM base', 'RUN true'].join('\n');
    const history = [...BASE, '/bin/sh -c #(nop)  ENV A=1', '/bin/sh -c true'];
    assert.deepStrictEqual(attributeHistory(history, dockerfile).map((entry) => [entry.instruction?.line, entry.base]), [
      [1, true],
      [1, true],
      [2, false],
      [4, false],
    ]);
  });

  it('leaves entries unnamed rather than guessing when the file does not match', () => {
    assert.deepStrictEqual(attributeHistory(['', '/bin/sh -c #(nop)  EXPOSE 80'], 'FROM scratch\nRUN true\n').map((entry) => entry.base), [true, true]);
  });
});
