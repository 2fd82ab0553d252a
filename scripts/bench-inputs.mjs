// Inputs for `npm run bench`, shared by the benchmark and its child processes: realistic files, and
// families of generated files whose size doubles, to show that the analysis cost grows linearly.
import { readFileSync } from 'node:fs';

export const BUILDKIT = readFileSync(new URL('../test/fixtures/bench/moby-buildkit.Dockerfile', import.meta.url), 'utf8');

export const REALISTIC_30 = `# syntax=docker/dockerfile:1
ARG PYTHON_VERSION=3.12
FROM python:\${PYTHON_VERSION}-slim
ENV PYTHONDONTWRITEBYTECODE=1 \\
    PYTHONUNBUFFERED=1 \\
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
# Build tools for wheels without binaries, and the runtime libraries
RUN apt-get update && apt-get install -y \\
    build-essential \\
    gcc \\
    libpq-dev \\
    libgomp1 \\
    curl \\
 && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
RUN python -m compileall -q /app \\
 && useradd --create-home --uid 10001 app \\
 && chown -R app:app /app
USER app
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s \\
  CMD curl -fsS http://localhost:8000/health || exit 1
LABEL org.opencontainers.image.source="https://example.com/app"
STOPSIGNAL SIGTERM
ENTRYPOINT ["gunicorn"]
CMD ["--bind", "0.0.0.0:8000", "app.wsgi:application"]
`;

/** A builder and a runtime stage per block; names vary so no two RUN lines are the same text. */
function block(i) {
  return `# service ${i}
FROM golang:1.22-bookworm AS build-${i}
ARG SERVICE=svc${i}
WORKDIR /src/\${SERVICE}
RUN apt-get update && apt-get install -y --no-install-recommends \\
    git \\
    libsqlite3-dev \\
    pkg-config \\
 && rm -rf /var/lib/apt/lists/*
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=1 go build -trimpath -ldflags "-s -w -X main.v=${i}" -o /out/svc${i} ./cmd/svc${i}

FROM debian:bookworm-slim AS run-${i}
RUN apt-get update && apt-get install -y --no-install-recommends \\
    ca-certificates libsqlite3-0 tzdata \\
 && rm -rf /var/lib/apt/lists/* \\
 && useradd --system --uid ${10000 + i} svc${i}
COPY --from=build-${i} /out/svc${i} /usr/local/bin/svc${i}
USER svc${i}
EXPOSE ${8000 + i}
ENTRYPOINT ["/usr/local/bin/svc${i}"]
`;
}

/** A multi-service file of exactly `lines` lines. */
export function generate(lines) {
  const blocks = [];
  let count = 0;
  for (let i = 0; count < lines; i++) {
    const text = `${block(i)}\n`;
    blocks.push(text);
    count += text.split('\n').length - 1;
  }
  return `${blocks.join('').split('\n').slice(0, lines).join('\n')}\n`;
}

const TAIL = 'RUN apt-get update && apt-get install -y gcc\nCMD ["app"]\n';

/** Families of inputs whose size doubles; each names what grows. */
export const FAMILIES = {
  lines: { what: 'lines (a multi-service file)', sizes: [5000, 10000], make: (n) => generate(n) },
  env: {
    what: 'ENV lines',
    sizes: [4000, 8000],
    make: (n) => `FROM debian:bookworm-slim\n${Array.from({ length: n }, (_, i) => (i % 100 === 99 ? `ENV PATH=/opt/v${i}/bin:$PATH` : `ENV V${i}=v${i}`)).join('\n')}\n${TAIL}`,
  },
  arg: {
    what: 'ARG lines',
    sizes: [4000, 8000],
    make: (n) => `FROM debian:bookworm-slim\n${Array.from({ length: n }, (_, i) => `ARG A${i}=v${i}`).join('\n')}\n${TAIL}`,
  },
  packages: {
    what: 'packages on one RUN line',
    sizes: [50000, 100000],
    make: (n) => `FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y ${Array.from({ length: n }, (_, i) => `pkg${i}`).join(' ')} gcc\nCMD ["app"]\n`,
  },
  'line-length': {
    what: 'characters on one RUN line',
    sizes: [500000, 1000000],
    make: (n) => `FROM debian:bookworm-slim\nRUN echo ${'a'.repeat(n)} && apt-get install -y gcc\nCMD ["app"]\n`,
  },
  buildkit: { what: "copies of BuildKit's Dockerfile", sizes: [4, 8], make: (n) => BUILDKIT.repeat(n) },
};
