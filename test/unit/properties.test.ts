import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { analyze } from '../../server/src/core';
import { dockerfile } from '../helpers/findings';

const REALISTIC = dockerfile(
  '# syntax=docker/dockerfile:1',
  'ARG BASE=python:3.11',
  'FROM ${BASE} AS build',
  'ARG DEPS="gcc g++"',
  'ENV PIP_NO_CACHE_DIR=1',
  'WORKDIR /app',
  'RUN apt-get update && apt-get install -y --no-install-recommends \\',
  '    # compilers',
  '    $DEPS libpq-dev \\',
  ' && rm -rf /var/lib/apt/lists/*',
  'COPY requirements.txt .',
  'RUN pip install -r requirements.txt',
  'RUN <<EOF',
  'apt-get purge -y --auto-remove gcc',
  'EOF',
  'FROM python:3.11-slim',
  'COPY --from=build /app /app',
  'RUN ["sh", "-c", "apt-get install -y curl"]',
  'CMD ["python", "app.py"]',
);

/** Random edits a user makes while typing: insert, delete or replace a slice. */
const mutation = fc.record({
  at: fc.nat(),
  remove: fc.nat({ max: 20 }),
  insert: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('\\\n', '"', "'", '$', '${', '<<EOF\n', '[', ']', '#', '\n', 'FROM ', 'RUN ', 'COPY --from=', 'apt-get install ', '&&', '|', '`')),
});

describe('analyze never throws', () => {
  it('on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        assert.ok(Array.isArray(analyze(text)));
      }),
      { numRuns: 500 },
    );
  });

  it('on arbitrary unicode and control characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        assert.ok(Array.isArray(analyze(`FROM debian\nRUN ${text}`)));
      }),
      { numRuns: 300 },
    );
  });

  it('on randomly mutated Dockerfiles, with every setting', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 8 }), fc.constantFrom(undefined, 'build', '0', 'missing'), (edits, target) => {
        let text = REALISTIC;
        for (const edit of edits) {
          const at = edit.at % (text.length + 1);
          text = text.slice(0, at) + edit.insert + text.slice(at + edit.remove);
        }
        const findings = analyze(text, { target, extraBuildTools: ['curl'] });
        for (const finding of findings) {
          assert.ok(finding.range.start.line <= finding.range.end.line, 'ranges are ordered');
          assert.ok(finding.message.length > 0);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
