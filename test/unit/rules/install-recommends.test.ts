import { strict as assert } from 'node:assert';
import { dockerfile, findingsOf } from '../../helpers/findings';

const RULE = 'install-recommends';

describe(RULE, () => {
  it('flags apt-get install without --no-install-recommends, on the verb', () => {
    const text = dockerfile('FROM debian:bookworm-slim', 'RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*');
    assert.deepStrictEqual(findingsOf(RULE, text), [{ rule: RULE, line: 2, text: 'apt-get install', subject: 'apt-get install' }]);
  });

  it('flags dnf without install_weak_deps=False and zypper without --no-recommends', () => {
    const text = dockerfile('FROM fedora:40', 'RUN dnf install -y curl && dnf clean all && zypper in -y vim');
    assert.deepStrictEqual(findingsOf(RULE, text).map((f) => f.text), ['dnf install', 'zypper in']);
  });

  for (const run of [
    'apt-get install -y --no-install-recommends curl',
    'apt-get install -y -o APT::Install-Recommends=false curl',
    'aptitude install -y --without-recommends curl',
    'dnf install -y --setopt=install_weak_deps=False curl',
    'apk add --no-cache curl',
  ]) {
    it(`does not flag RUN ${run}`, () => assert.deepStrictEqual(findingsOf(RULE, dockerfile('FROM debian:bookworm-slim', `RUN ${run}`)), []));
  }

  it('does not flag after apt is configured to skip recommends', () => {
    const text = dockerfile('FROM debian:bookworm-slim', `RUN echo 'APT::Install-Recommends "0";' > /etc/apt/apt.conf.d/no-recommends`, 'RUN apt-get install -y curl');
    assert.deepStrictEqual(findingsOf(RULE, text), []);
  });

  it('does not flag build dependencies purged in the same RUN', () => {
    const text = dockerfile('FROM debian:bookworm-slim', 'RUN apt-get install -y gcc && make && apt-get purge -y --auto-remove gcc');
    assert.deepStrictEqual(findingsOf(RULE, text), []);
  });
});
