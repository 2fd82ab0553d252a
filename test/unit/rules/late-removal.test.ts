import { strict as assert } from 'node:assert';
import { dockerfile, findingsOf, type CompactFinding } from '../../helpers/findings';

const RULE = 'late-removal';
const found = (line: number, text: string, subject: string): CompactFinding => ({ rule: RULE, line, text, subject });

describe(RULE, () => {
  it('flags a package purged by a later RUN', () => {
    const text = dockerfile('FROM debian:bookworm-slim', 'RUN apt-get install -y gcc', 'RUN make', 'RUN apt-get purge -y --auto-remove gcc');
    assert.deepStrictEqual(findingsOf(RULE, text), [found(4, 'gcc', 'gcc')]);
  });

  it('flags removing only the build-essential metapackage without autoremove, even in the same RUN', () => {
    const text = dockerfile('FROM debian:bookworm-slim', 'RUN apt-get install -y build-essential && make && apt-get remove -y build-essential');
    const [finding] = findingsOf(RULE, text);
    assert.deepStrictEqual(finding, found(2, 'build-essential', 'build-essential'));
  });

  it('does not flag removal of a metapackage with --auto-remove in the same RUN', () => {
    const text = dockerfile('FROM debian:bookworm-slim', 'RUN apt-get install -y build-essential && make && apt-get purge -y --auto-remove build-essential');
    assert.deepStrictEqual(findingsOf(RULE, text), []);
  });

  it('flags apk del of a package added by an earlier RUN', () => {
    const text = dockerfile('FROM alpine:3.19', 'RUN apk add --no-cache gcc', 'RUN apk del gcc');
    assert.deepStrictEqual(findingsOf(RULE, text), [found(3, 'gcc', 'gcc')]);
  });

  it('flags rm of files an earlier COPY, curl or git clone wrote', () => {
    const text = dockerfile(
      'FROM debian:bookworm-slim',
      'WORKDIR /opt',
      'COPY app.tar.gz /tmp/',
      'RUN curl -fsSL -o installer.sh https://example.com/install.sh && sh installer.sh',
      'RUN git clone https://example.com/tool.git',
      'RUN rm -rf /tmp/app.tar.gz /opt/installer.sh tool/.git /var/log/nothing',
    );
    assert.deepStrictEqual(findingsOf(RULE, text), [
      found(6, '/tmp/app.tar.gz', '/tmp/app.tar.gz'),
      found(6, '/opt/installer.sh', '/opt/installer.sh'),
      found(6, 'tool/.git', '/opt/tool'),
    ]);
  });

  it('flags deleting the apt lists in a later RUN than apt-get update', () => {
    const text = dockerfile('FROM debian:bookworm-slim', 'RUN apt-get update && apt-get install -y --no-install-recommends curl', 'RUN rm -rf /var/lib/apt/lists/*');
    assert.deepStrictEqual(findingsOf(RULE, text), [found(3, '/var/lib/apt/lists/*', '/var/lib/apt/lists')]);
  });

  it('does not flag what the same RUN downloads and deletes', () => {
    const text = dockerfile('FROM debian:bookworm-slim', 'RUN curl -o /tmp/x.tgz https://example.com/x.tgz && tar -xzf /tmp/x.tgz -C /opt && rm /tmp/x.tgz');
    assert.deepStrictEqual(findingsOf(RULE, text), []);
  });

  it('does not flag build output removed later inside a copied folder', () => {
    // COPY . /app copies unknown files; what a later RUN deletes inside it may be that RUN's own output.
    const text = dockerfile('FROM debian:bookworm-slim', 'COPY . /app', 'RUN cd /app && make && rm -rf /app/obj');
    assert.deepStrictEqual(findingsOf(RULE, text), []);
  });

  it('ignores builder stages', () => {
    const text = dockerfile('FROM debian:bookworm-slim AS build', 'RUN apt-get install -y gcc', 'RUN apt-get purge -y gcc', 'FROM debian:bookworm-slim');
    assert.deepStrictEqual(findingsOf(RULE, text), []);
  });
});
