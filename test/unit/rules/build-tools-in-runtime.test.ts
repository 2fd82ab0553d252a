import { strict as assert } from 'node:assert';
import { analyze, type AnalyzeOptions } from '../../../server/src/core';
import { dockerfile, findingsOf, type CompactFinding } from '../../helpers/findings';

const RULE = 'build-tools-in-runtime';
const found = (line: number, text: string, subject = text): CompactFinding => ({ rule: RULE, line, text, subject });

describe(RULE, () => {
  const cases: ReadonlyArray<{ name: string; text: string; expected: CompactFinding[]; options?: AnalyzeOptions }> = [
    {
      name: 'flags each build-only apt package, not runtime ones',
      text: dockerfile('FROM debian:bookworm-slim', 'RUN apt-get update && apt-get install -y --no-install-recommends gcc make libpq-dev curl libgomp1 && rm -rf /var/lib/apt/lists/*'),
      expected: [found(2, 'gcc'), found(2, 'make'), found(2, 'libpq-dev')],
    },
    {
      name: 'understands ; || and pipes between commands',
      text: dockerfile('FROM debian:bookworm-slim', 'RUN apt-get update; apt-get install -y g++ || true; echo done | tee /log'),
      expected: [found(2, 'g++')],
    },
    {
      name: 'follows line continuations and skips comment lines inside them',
      text: dockerfile('FROM debian:bookworm-slim', 'RUN apt-get install -y \\', '    # the compiler', '    gcc \\', '    curl'),
      expected: [found(4, 'gcc')],
    },
    {
      name: 'reads the script of a heredoc RUN',
      text: dockerfile('FROM debian:bookworm-slim', 'RUN <<EOF', 'set -e', 'apt-get install -y cmake', 'EOF'),
      expected: [found(4, 'cmake')],
    },
    {
      name: 'reads JSON-form RUN, with and without a shell',
      text: dockerfile('FROM debian:bookworm-slim', 'RUN ["apt-get", "install", "-y", "gcc"]', 'RUN ["/bin/sh", "-c", "apt-get install -y make"]'),
      expected: [found(2, '"gcc"', 'gcc'), found(3, 'make')],
    },
    {
      name: 'expands $VARS whose value comes from ARG and ENV defaults',
      text: dockerfile('FROM debian:bookworm-slim', 'ARG BUILD_DEPS="gcc make"', 'ENV DEV=libssl-dev', 'RUN apt-get install -y $BUILD_DEPS ${DEV} ${MISSING:-cmake}'),
      expected: [found(4, '$BUILD_DEPS', 'gcc'), found(4, '$BUILD_DEPS', 'make'), found(4, '${DEV}', 'libssl-dev'), found(4, '${MISSING:-cmake}', 'cmake')],
    },
    {
      name: 'expands variables assigned earlier in the same RUN',
      text: dockerfile('FROM debian:bookworm-slim', 'RUN deps="gcc"; apt-get install -y $deps'),
      expected: [found(2, '$deps', 'gcc')],
    },
    {
      name: 'strips versions, releases and wrappers',
      text: dockerfile('FROM debian:bookworm-slim', 'RUN DEBIAN_FRONTEND=noninteractive sudo -E apt-get install -y gcc=4:12.2.0-3 make/bookworm'),
      expected: [found(2, 'gcc=4:12.2.0-3', 'gcc'), found(2, 'make/bookworm', 'make')],
    },
    {
      name: 'knows apk, dnf, microdnf and zypper',
      text: dockerfile(
        'FROM alpine:3.19 AS a',
        'RUN apk add --no-cache build-base postgresql-dev libpq',
        'FROM fedora:40 AS f',
        'RUN dnf install -y gcc-c++ openssl-devel && dnf clean all',
        'FROM opensuse/leap:15 AS z',
        'RUN zypper -n install --no-recommends gcc && zypper clean -a',
        'FROM registry.access.redhat.com/ubi9-minimal',
        'RUN microdnf install -y make python3-devel && microdnf clean all',
      ),
      expected: [found(8, 'make'), found(8, 'python3-devel')],
    },
    {
      name: 'flags apk build packages in the final stage',
      text: dockerfile('FROM alpine:3.19', 'RUN apk add --no-cache build-base postgresql-dev libpq'),
      expected: [found(2, 'build-base'), found(2, 'postgresql-dev')],
    },
    {
      name: 'flags a package removed only by a later RUN',
      text: dockerfile('FROM debian:bookworm-slim', 'RUN apt-get install -y gcc', 'RUN make && apt-get purge -y --auto-remove gcc'),
      expected: [found(2, 'gcc')],
    },
    {
      name: 'flags a metapackage removed without --auto-remove in the same RUN',
      text: dockerfile('FROM debian:bookworm-slim', 'RUN apt-get install -y build-essential && make && apt-get remove -y build-essential'),
      expected: [found(2, 'build-essential')],
    },
    {
      // gcc is a metapackage over gcc-12: purging it alone leaves the compiler installed.
      name: 'flags a purge of the gcc metapackage without --auto-remove',
      text: dockerfile('FROM debian:bookworm-slim', 'RUN apt-get install -y gcc && make && apt-get purge -y gcc'),
      expected: [found(2, 'gcc')],
    },
    {
      name: 'honours extra build tools from the settings',
      text: dockerfile('FROM debian:bookworm-slim', 'RUN apt-get install -y protobuf-compiler'),
      expected: [found(2, 'protobuf-compiler')],
      options: { extraBuildTools: ['protobuf-compiler'] },
    },
  ];
  for (const { name, text, expected, options } of cases) {
    it(name, () => {
      assert.deepStrictEqual(findingsOf(RULE, text, options), expected);
    });
  }

  const negatives: ReadonlyArray<{ name: string; text: string }> = [
    {
      name: 'a purge --auto-remove in the same RUN',
      text: dockerfile('FROM debian:bookworm-slim', 'RUN apt-get update && apt-get install -y gcc && make && apt-get purge -y --auto-remove gcc && rm -rf /var/lib/apt/lists/*'),
    },
    {
      name: 'apk add --virtual with apk del of the group in one RUN',
      text: dockerfile('FROM alpine:3.19', 'RUN apk add --no-cache --virtual .build-deps gcc musl-dev \\', ' && make \\', ' && apk del .build-deps'),
    },
    {
      name: "the official images' savedAptMark and purge --auto-remove",
      text: dockerfile(
        'FROM debian:bookworm-slim',
        'RUN set -eux; \\',
        '    savedAptMark="$(apt-mark showmanual)"; \\',
        '    apt-get update; \\',
        '    apt-get install -y --no-install-recommends gcc libc6-dev make; \\',
        '    make -C /usr/src/app; \\',
        "    apt-mark auto '.*' > /dev/null; \\",
        '    [ -z "$savedAptMark" ] || apt-mark manual $savedAptMark; \\',
        '    apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false; \\',
        '    rm -rf /var/lib/apt/lists/*',
      ),
    },
    {
      name: 'a multi-stage file whose final stage is clean',
      text: dockerfile(
        'FROM debian:bookworm-slim AS builder',
        'RUN apt-get update && apt-get install -y gcc make',
        'COPY . /src',
        'RUN make -C /src',
        'FROM debian:bookworm-slim',
        'COPY --from=builder /src/app /usr/local/bin/app',
        'CMD ["app"]',
      ),
    },
    {
      name: 'a builder stage that is not the target',
      text: dockerfile('FROM debian:bookworm-slim AS dev', 'RUN apt-get install -y gcc', 'FROM debian:bookworm-slim AS prod', 'RUN echo ok'),
    },
    {
      name: 'a suppression comment on the line before',
      text: dockerfile('FROM debian:bookworm-slim', '# multistage-ignore=build-tools-in-runtime', 'RUN apt-get install -y gcc'),
    },
    {
      name: 'package names in echo and comments',
      text: dockerfile('FROM debian:bookworm-slim', 'RUN echo "apt-get install gcc" # apt-get install make'),
    },
  ];
  for (const { name, text } of negatives) {
    it(`does not flag ${name}`, () => assert.deepStrictEqual(findingsOf(RULE, text), []));
  }

  it('judges the target stage and the stages it is built FROM', () => {
    const text = dockerfile('FROM debian:bookworm-slim AS base', 'RUN apt-get install -y gcc', 'FROM base AS app', 'RUN echo app', 'FROM debian:bookworm-slim AS other', 'RUN apt-get install -y make');
    assert.deepStrictEqual(findingsOf(RULE, text, { target: 'app' }), [found(2, 'gcc')]);
    assert.deepStrictEqual(findingsOf(RULE, text), [found(6, 'make')]);
  });

  it('names the package and its installed size from Debian metadata', () => {
    const text = dockerfile('FROM debian:bookworm-slim', 'RUN apt-get install -y gcc');
    const [message] = analyze(text).filter((f) => f.ruleId === RULE).map((f) => f.message);
    assert.match(message!, /^gcc is a build tool \(~\d+ MB installed with its dependencies\)/);
  });
});
