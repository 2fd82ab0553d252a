import { findToolchainImage } from '../ecosystems';
import { SPLIT_STAGES_FIX, defineRule } from './rule';

export const toolchainBaseImage = defineRule({
  id: 'toolchain-base-image',
  defaultSeverity: 'warning',
  title: 'The runtime image starts from a toolchain image (golang, maven, a JDK, full python/node)',
  explanation:
    'Toolchain images carry compilers, package managers and headers: `golang` is about 800 MB, `maven` ships a full JDK, and the full `python`, `node` and `ruby` tags are built on buildpack-deps with gcc and make. Build in such an image, then run on its slim or JRE variant.',
  resolvedByRewrite: true,
  scope: 'runtime',
  example: {
    flagged: `FROM golang:1.22
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /usr/local/bin/app .
CMD ["app"]
`,
    fixed: `FROM golang:1.22 AS builder
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /usr/local/bin/app .

FROM debian:bookworm-slim
COPY --from=builder /usr/local/bin/app /usr/local/bin/app
CMD ["app"]
`,
    fix: `Build in the toolchain image and start the runtime stage from its slim, JRE or distro variant (\`golang\` -> \`debian:bookworm-slim\`, \`maven:3-eclipse-temurin-17\` -> \`eclipse-temurin:17-jre\`, \`python:3.12\` -> \`python:3.12-slim\`).`,
  },
  *check(context) {
    const base = context.runtimeStages[0];
    if (!base || base.image.repository === 'scratch') return;
    const toolchain = findToolchainImage(base.image);
    if (!toolchain) return;
    const runtime = toolchain.runtimeImage(base.image);
    const advice = runtime
      ? `Build in a stage FROM ${base.imageText} and run on ${runtime}.`
      : 'No slimmer official variant exists: build in a builder stage and copy the results onto a smaller base.';
    yield {
      start: base.imageStart,
      end: base.imageEnd,
      message: `${base.imageText} keeps ${toolchain.keeps} in the runtime image. ${advice}`,
      subject: base.imageText,
      suppressed: base.suppressed,
      fixes: [SPLIT_STAGES_FIX],
    };
  },
});
