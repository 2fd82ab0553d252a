import { strict as assert } from 'node:assert';
import { analyze, applyEdits, type FixHint } from '../../server/src/core';
import { dockerfile } from '../helpers/findings';

/** The text after applying the one edit fix offered for the rule's first finding. */
function fixed(text: string, ruleId: string): string {
  const finding = analyze(text).find((f) => f.ruleId === ruleId);
  assert.ok(finding, `no ${ruleId} finding`);
  const fix = finding.fixes.find((f): f is Extract<FixHint, { kind: 'edits' }> => f.kind === 'edits');
  assert.ok(fix, `no edit fix for ${ruleId}`);
  return applyEdits(text, fix.edits);
}

function fixesOf(text: string, ruleId: string): readonly FixHint[] {
  return analyze(text).find((f) => f.ruleId === ruleId)?.fixes ?? [];
}

describe('small quick-fixes', () => {
  it('adds --no-install-recommends after apt-get install', () => {
    const text = dockerfile('FROM debian:bookworm-slim', 'RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*');
    const result = fixed(text, 'install-recommends');
    assert.equal(result, dockerfile('FROM debian:bookworm-slim', 'RUN apt-get update && apt-get install --no-install-recommends -y curl && rm -rf /var/lib/apt/lists/*'));
    assert.ok(!analyze(result).some((f) => f.ruleId === 'install-recommends'));
  });

  it('adds the apt clean-up at the end of the same RUN, on a continuation line', () => {
    const text = dockerfile('FROM debian:bookworm-slim', 'RUN apt-get update \\', ' && apt-get install -y --no-install-recommends curl');
    const result = fixed(text, 'package-cache-left');
    assert.equal(result, dockerfile('FROM debian:bookworm-slim', 'RUN apt-get update \\', ' && apt-get install -y --no-install-recommends curl \\', ' && rm -rf /var/lib/apt/lists/*'));
    assert.ok(!analyze(result).some((f) => f.ruleId === 'package-cache-left'));
  });

  it('uses the escape character of the file for the continuation', () => {
    const text = '# escape=`\nFROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n';
    assert.equal(fixed(text, 'package-cache-left'), '# escape=`\nFROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl `\n && rm -rf /var/lib/apt/lists/*\n');
  });

  it('adds --no-cache to apk add and --no-cache-dir to pip install', () => {
    assert.equal(fixed(dockerfile('FROM alpine:3.19', 'RUN apk add --update curl'), 'package-cache-left'), dockerfile('FROM alpine:3.19', 'RUN apk add --no-cache --update curl'));
    assert.equal(fixed(dockerfile('FROM python:3.12-slim', 'RUN pip install flask'), 'package-cache-left'), dockerfile('FROM python:3.12-slim', 'RUN pip install --no-cache-dir flask'));
  });

  it('moves a removal in the next RUN into the RUN that installed the package', () => {
    const text = dockerfile('FROM debian:bookworm-slim', 'RUN apt-get update && apt-get install -y --no-install-recommends curl', 'RUN rm -rf /var/lib/apt/lists/*');
    const result = fixed(text, 'late-removal');
    assert.equal(result, dockerfile('FROM debian:bookworm-slim', 'RUN apt-get update && apt-get install -y --no-install-recommends curl \\', ' && rm -rf /var/lib/apt/lists/*'));
    assert.ok(!analyze(result).some((f) => f.ruleId === 'late-removal' || f.ruleId === 'package-cache-left'));
  });

  it('offers no merge when a build step stands between the install and the removal', () => {
    const text = dockerfile('FROM debian:bookworm-slim', 'RUN apt-get install -y gcc', 'RUN make', 'RUN apt-get purge -y --auto-remove gcc');
    assert.deepStrictEqual(fixesOf(text, 'late-removal'), []);
  });

  it('copies the dependency manifest before the install and the rest after it', () => {
    const text = dockerfile('FROM node:20-slim', 'WORKDIR /app', 'COPY --chown=node . .', 'ENV NODE_ENV=production', 'RUN npm ci', 'CMD ["node", "server.js"]');
    const result = fixed(text, 'cache-busting-copy');
    assert.equal(result, dockerfile('FROM node:20-slim', 'WORKDIR /app', 'COPY --chown=node package.json package-lock.json* ./', 'ENV NODE_ENV=production', 'RUN npm ci', 'COPY --chown=node . .', 'CMD ["node", "server.js"]'));
    assert.ok(!analyze(result).some((f) => f.ruleId === 'cache-busting-copy'));
  });

  it('copies exactly the requirement files pip reads, found where the copy put them', () => {
    const text = dockerfile('FROM python:3.12-slim', 'COPY . /srv/app', 'RUN pip install --no-cache-dir -r /srv/app/requirements/base.txt');
    assert.equal(fixed(text, 'cache-busting-copy'), dockerfile('FROM python:3.12-slim', 'COPY requirements/base.txt /srv/app/requirements/', 'RUN pip install --no-cache-dir -r /srv/app/requirements/base.txt', 'COPY . /srv/app'));
    const outside = dockerfile('FROM python:3.12-slim', 'COPY . /srv/app', 'RUN pip install --no-cache-dir -r /etc/requirements.txt');
    assert.deepStrictEqual(fixesOf(outside, 'cache-busting-copy'), [], 'a requirements file the copy did not bring: no safe fix');
    const simple = dockerfile('FROM python:3.12-slim', 'WORKDIR /srv', 'COPY . .', 'RUN pip install --no-cache-dir -r requirements.txt');
    assert.equal(fixed(simple, 'cache-busting-copy'), dockerfile('FROM python:3.12-slim', 'WORKDIR /srv', 'COPY requirements.txt ./', 'RUN pip install --no-cache-dir -r requirements.txt', 'COPY . .'));
  });

  it('offers no manifest-first fix when the install RUN also builds', () => {
    const text = dockerfile('FROM node:20-slim', 'WORKDIR /app', 'COPY . .', 'RUN npm ci && npm run build');
    assert.deepStrictEqual(fixesOf(text, 'cache-busting-copy'), []);
  });

  it('offers the split on build tools and toolchain images', () => {
    const text = dockerfile('FROM golang:1.22', 'RUN apt-get install -y --no-install-recommends gcc', 'CMD ["app"]');
    for (const rule of ['build-tools-in-runtime', 'toolchain-base-image']) {
      assert.deepStrictEqual(fixesOf(text, rule), [{ kind: 'split-stages', title: 'Split into builder and runtime stages' }]);
    }
  });
});
