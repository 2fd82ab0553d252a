import { strict as assert } from 'node:assert';
import { dockerfile, findingsOf } from '../../helpers/findings';

const RULE = 'copy-whole-stage';

describe(RULE, () => {
  it('flags COPY --from=<stage> / into the runtime image', () => {
    const text = dockerfile('FROM golang:1.22 AS build', 'RUN go build -o /out/app .', 'FROM debian:bookworm-slim', 'COPY --from=build / /');
    assert.deepStrictEqual(findingsOf(RULE, text), [{ rule: RULE, line: 4, text: '/', subject: 'build' }]);
  });

  it('flags a stage referenced by index', () => {
    const text = dockerfile('FROM golang:1.22', 'RUN go build -o /out/app .', 'FROM debian:bookworm-slim', 'COPY --from=0 / /app');
    assert.deepStrictEqual(findingsOf(RULE, text).map((f) => f.line), [4]);
  });

  it('does not flag specific paths, scratch export stages, or builder stages', () => {
    const text = dockerfile(
      'FROM golang:1.22 AS build',
      'RUN go build -o /out/app .',
      'FROM scratch AS export',
      'COPY --from=build /out/app /app',
      'FROM debian:bookworm-slim AS unused',
      'COPY --from=build / /',
      'FROM debian:bookworm-slim',
      'COPY --from=export / /usr/local/bin/',
      'COPY --from=build /out/app /usr/local/bin/app',
    );
    assert.deepStrictEqual(findingsOf(RULE, text), []);
  });
});
