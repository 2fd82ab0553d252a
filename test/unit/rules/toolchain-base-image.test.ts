import { strict as assert } from 'node:assert';
import { analyze } from '../../../server/src/core';
import { dockerfile, findingsOf } from '../../helpers/findings';

const RULE = 'toolchain-base-image';

describe(RULE, () => {
  const toolchains: ReadonlyArray<[image: string, runtime: string]> = [
    ['golang:1.22', 'debian:bookworm-slim'],
    ['golang:1.22-alpine3.19', 'alpine:3.19'],
    ['rust:1.77-slim-bookworm', 'debian:bookworm-slim'],
    ['maven:3-eclipse-temurin-17', 'eclipse-temurin:17-jre'],
    ['gradle:8-jdk21-alpine', 'eclipse-temurin:21-jre-alpine'],
    ['gcc:13', 'debian:bookworm-slim'],
    ['buildpack-deps:jammy', 'ubuntu:jammy'],
    ['eclipse-temurin:17-jdk-jammy', 'eclipse-temurin:17-jre-jammy'],
    ['openjdk:17', 'eclipse-temurin:17-jre'],
    ['mcr.microsoft.com/dotnet/sdk:8.0', 'mcr.microsoft.com/dotnet/aspnet:8.0'],
    ['python:3.10', 'python:3.10-slim'],
    ['python:3.12-bookworm', 'python:3.12-slim-bookworm'],
    ['docker.io/library/node:20', 'node:20-slim'],
    ['ruby:3.3', 'ruby:3.3-slim'],
  ];
  for (const [image, runtime] of toolchains) {
    it(`flags ${image} and names ${runtime} as the runtime base`, () => {
      const findings = findingsOf(RULE, dockerfile(`FROM ${image}`, 'CMD ["app"]'));
      assert.deepStrictEqual(findings, [{ rule: RULE, line: 1, text: image, subject: image }]);
    });
  }

  it('flags a development container image, which has no runtime counterpart', () => {
    const text = dockerfile('FROM mcr.microsoft.com/devcontainers/go:1-bookworm');
    const [finding] = analyze(text).filter((f) => f.ruleId === RULE);
    assert.match(finding!.message, /development environment.*No slimmer official variant exists/);
  });

  // PHP's images are the runtime: the extension pattern builds in a stage FROM the same image.
  for (const image of ['php:8.3-fpm', 'python:3.10-slim', 'node:20-alpine', 'eclipse-temurin:17-jre', 'debian:bookworm-slim', 'scratch', 'gcr.io/distroless/static-debian12', 'mcr.microsoft.com/dotnet/aspnet:8.0']) {
    it(`does not flag ${image}`, () => assert.deepStrictEqual(findingsOf(RULE, dockerfile(`FROM ${image}`)), []));
  }

  it('resolves ARG defaults in FROM and reports the reference as written', () => {
    const text = dockerfile('ARG GO_VERSION=1.22', 'FROM golang:${GO_VERSION} AS build', 'RUN go build', 'FROM build');
    assert.deepStrictEqual(findingsOf(RULE, text), [{ rule: RULE, line: 2, text: 'golang:${GO_VERSION}', subject: 'golang:1.22' }]);
  });

  it('ignores toolchain images of builder stages', () => {
    const text = dockerfile('FROM golang:1.22 AS build', 'RUN go build -o /app .', 'FROM debian:bookworm-slim', 'COPY --from=build /app /app');
    assert.deepStrictEqual(findingsOf(RULE, text), []);
  });

  it('reads --platform flags and digests', () => {
    const text = dockerfile('FROM --platform=$BUILDPLATFORM maven:3.9-eclipse-temurin-21@sha256:abc');
    assert.equal(findingsOf(RULE, text)[0]?.subject, 'maven:3.9-eclipse-temurin-21@sha256:abc');
  });
});
