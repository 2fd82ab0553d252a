import { strict as assert } from 'node:assert';
import { dockerfile, findingsOf, type CompactFinding } from '../../helpers/findings';

const RULE = 'cache-busting-copy';

describe(RULE, () => {
  const installs: ReadonlyArray<[install: string, subject: string]> = [
    ['pip install -r requirements.txt', 'requirements.txt'],
    ['npm ci', 'package.json, package-lock.json*'],
    ['npm install', 'package.json, package-lock.json*'],
    ['yarn install --frozen-lockfile', 'package.json, yarn.lock'],
    ['pnpm install', 'package.json, pnpm-lock.yaml'],
    ['go mod download', 'go.mod, go.sum*'],
    ['bundle install', 'Gemfile, Gemfile.lock'],
    ['mvn -B package', 'pom.xml'],
    ['./gradlew build', 'build.gradle*, settings.gradle*'],
    ['cargo build --release', 'Cargo.toml, Cargo.lock'],
  ];
  for (const [install, subject] of installs) {
    it(`flags COPY . . before ${install}`, () => {
      const text = dockerfile('FROM debian:bookworm-slim', 'WORKDIR /app', 'COPY . .', `RUN ${install}`);
      const expected: CompactFinding[] = [{ rule: RULE, line: 3, text: '.', subject }];
      assert.deepStrictEqual(findingsOf(RULE, text), expected);
    });
  }

  it('flags ADD . /src in a builder stage too', () => {
    const text = dockerfile('FROM node:20 AS build', 'ADD . /src', 'RUN cd /src && npm ci', 'FROM node:20-slim');
    assert.deepStrictEqual(findingsOf(RULE, text), [{ rule: RULE, line: 2, text: '.', subject: 'package.json, package-lock.json*' }]);
  });

  it('does not flag the manifest-first pattern', () => {
    const text = dockerfile('FROM node:20-slim', 'WORKDIR /app', 'COPY package*.json ./', 'RUN npm ci', 'COPY . .', 'RUN npm run build');
    assert.deepStrictEqual(findingsOf(RULE, text), []);
  });

  it('does not flag installing the project itself or a global tool after COPY . .', () => {
    const text = dockerfile('FROM python:3.12-slim', 'COPY . .', 'RUN pip install --no-cache-dir .', 'RUN npm install -g pnpm');
    assert.deepStrictEqual(findingsOf(RULE, text), []);
  });

  it('does not flag COPY --from=stage . .', () => {
    const text = dockerfile('FROM node:20 AS deps', 'RUN echo', 'FROM node:20-slim', 'COPY --from=deps . .', 'RUN npm ci');
    assert.deepStrictEqual(findingsOf(RULE, text), []);
  });
});
