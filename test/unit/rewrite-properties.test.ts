import { strict as assert } from 'node:assert';
import { DockerfileParser } from 'dockerfile-ast';
import fc from 'fast-check';
import { analyze, rewrite } from '../../server/src/core';

/** Single-stage Dockerfiles as people write them: a base, packages, a build, metadata, a CMD. */
const BASES = ['debian:bookworm-slim', 'ubuntu:22.04', 'python:3.12', 'python:3.12-slim', 'node:20', 'golang:1.22', 'rust:1.77', 'alpine:3.19', 'ruby:3.3', 'maven:3-eclipse-temurin-17'] as const;
const BUILD_PACKAGES = ['gcc', 'make', 'g++', 'build-essential', 'libpq-dev', 'libssl-dev', 'cmake', 'pkg-config', 'libffi-dev'];
const RUNTIME_PACKAGES = ['curl', 'ca-certificates', 'tzdata', 'libgomp1', 'git'];
const APK = { gcc: 'gcc', make: 'make', 'g++': 'g++', 'build-essential': 'build-base', 'libpq-dev': 'postgresql-dev', 'libssl-dev': 'openssl-dev', cmake: 'cmake', 'pkg-config': 'pkgconf', 'libffi-dev': 'libffi-dev', curl: 'curl', 'ca-certificates': 'ca-certificates', tzdata: 'tzdata', libgomp1: 'libgomp', git: 'git' } as Record<string, string>;

const installLine = (base: string, packages: string[], style: { continuation: boolean; comment: boolean; clean: boolean; noRecommends: boolean }) => {
  if (base.startsWith('alpine')) return `RUN apk add --no-cache ${packages.map((p) => APK[p] ?? p).join(' ')}`;
  const list = style.continuation ? ` \\\n${style.comment ? '    # packages\n' : ''}${packages.map((p) => `    ${p}`).join(' \\\n')}` : ` ${packages.join(' ')}`;
  return `RUN apt-get update && apt-get install -y${style.noRecommends ? ' --no-install-recommends' : ''}${list}${style.clean ? ' \\\n && rm -rf /var/lib/apt/lists/*' : ''}`;
};

const buildSteps = (base: string, workdir: string): string[] => {
  if (base.startsWith('python')) return ['COPY requirements.txt .', 'RUN pip install -r requirements.txt', 'COPY . .'];
  if (base.startsWith('node')) return ['COPY package*.json ./', 'RUN npm ci', 'COPY . .', 'RUN npm run build'];
  if (base.startsWith('golang')) return ['COPY . .', `RUN go build -o /usr/local/bin/app .`];
  if (base.startsWith('rust')) return ['COPY . .', 'RUN cargo build --release'];
  if (base.startsWith('ruby')) return ['COPY Gemfile Gemfile.lock ./', 'RUN bundle install', 'COPY . .'];
  if (base.startsWith('maven')) return ['COPY . .', 'RUN mvn -B package'];
  return ['COPY . .', `RUN make -C ${workdir}`];
};

const dockerfileArbitrary = fc
  .record({
    base: fc.constantFrom(...BASES),
    build: fc.subarray(BUILD_PACKAGES, { minLength: 0, maxLength: 4 }),
    runtime: fc.subarray(RUNTIME_PACKAGES, { minLength: 0, maxLength: 3 }),
    style: fc.record({ continuation: fc.boolean(), comment: fc.boolean(), clean: fc.boolean(), noRecommends: fc.boolean() }),
    workdir: fc.constantFrom('/app', '/srv/app', '/usr/src/app', '/opt/service'),
    env: fc.boolean(),
    user: fc.boolean(),
    headerComment: fc.boolean(),
    cmdForm: fc.constantFrom('json', 'shell'),
    expose: fc.option(fc.integer({ min: 1000, max: 9999 }), { nil: undefined }),
  })
  .map((spec) => {
    const lines: string[] = [];
    if (spec.headerComment) lines.push('# An application image');
    lines.push(`FROM ${spec.base}`);
    if (spec.env) lines.push('ENV LANG=C.UTF-8 \\', '    TZ=UTC');
    const packages = [...spec.build, ...spec.runtime];
    if (packages.length > 0) lines.push(installLine(spec.base, packages, spec.style));
    lines.push(`WORKDIR ${spec.workdir}`);
    lines.push(...buildSteps(spec.base, spec.workdir));
    if (spec.user) lines.push('RUN useradd --system appuser', 'USER appuser');
    if (spec.expose) lines.push(`EXPOSE ${spec.expose}`);
    lines.push(spec.cmdForm === 'json' ? 'CMD ["./app", "--serve"]' : 'CMD ./app --serve');
    return `${lines.join('\n')}\n`;
  });

describe('rewrite properties over generated single-stage Dockerfiles', () => {
  it('parses, ships no build tools, is idempotent and deterministic, or refuses with a reason', () => {
    let rewritten = 0;
    let total = 0;
    fc.assert(
      fc.property(dockerfileArbitrary, (text) => {
        total++;
        const result = rewrite(text);
        assert.deepStrictEqual(rewrite(text), result, 'the same input gives the same output');
        if (!result.ok) {
          assert.ok(result.reason.length > 10, 'a refusal says why');
          return;
        }
        rewritten++;
        const inputStages = DockerfileParser.parse(text).getFROMs().length;
        const outputStages = DockerfileParser.parse(result.text).getFROMs().length;
        assert.ok(outputStages === inputStages + 1 || (outputStages === inputStages && result.summary.builderStage === ''), 'one builder stage more');
        const left = analyze(result.text).filter((f) => f.ruleId === 'build-tools-in-runtime' || f.ruleId === 'toolchain-base-image');
        assert.deepStrictEqual(left.map((f) => f.message), [], 'the runtime image keeps no build tools');
        const again = rewrite(result.text);
        assert.ok(!again.ok && again.kind === 'clean', 'rewriting the output again changes nothing');
        assert.ok(!/--mount|<<[-~]?['"]?[A-Z]/.test(result.text), 'no RUN --mount, no heredoc: the classic builder can build it');
      }),
      { numRuns: 300 },
    );
    // Most generated files have something to move; a property that only ever saw refusals proves nothing.
    assert.ok(rewritten > total / 2, `only ${rewritten} of ${total} generated files were rewritten`);
  });
});
