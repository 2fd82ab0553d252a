import type { StageInfo } from '../model';
import { defineRule } from './rule';

const ROOT = new Set(['/', '/.', '/*', '.', './']);

export const copyWholeStage = defineRule({
  id: 'copy-whole-stage',
  defaultSeverity: 'warning',
  title: 'COPY --from=<stage> / copies a whole builder filesystem into the runtime image',
  explanation:
    "Copying `/` from a builder stage brings its base image, compilers and caches along, undoing the point of the multi-stage build. Copy only the directories the application needs.",
  resolvedByRewrite: false,
  scope: 'runtime',
  example: {
    flagged: `FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN go build -o /out/app .

FROM debian:bookworm-slim
COPY --from=build / /
CMD ["/out/app"]
`,
    fixed: `FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN go build -o /out/app .

FROM debian:bookworm-slim
COPY --from=build /out/app /out/app
CMD ["/out/app"]
`,
    fix: `Copy only the directories the application needs from the builder.`,
  },
  *check(context) {
    for (const info of context.runtimeInstructions) {
      if (info.keyword !== 'COPY' && info.keyword !== 'ADD') continue;
      const copy = context.copyOf(info);
      if (copy.from === undefined) continue;
      const stage = context.model.findStage(copy.from);
      // Stages FROM scratch exist to hold exported artefacts: copying them whole is their purpose.
      if (!stage || rootOf(stage).image.repository === 'scratch') continue;
      const source = copy.sources.find((s) => ROOT.has(s.value));
      if (!source) continue;
      yield {
        start: source.start,
        end: source.end,
        message: `COPY --from=${copy.from} ${source.value} copies the whole filesystem of stage "${stage.name ?? stage.index}" (base image, toolchain and caches) into the runtime image. Copy only the build results, e.g. COPY --from=${copy.from} /app/bin /app/bin.`,
        subject: copy.from,
        suppressed: info.suppressed,
      };
    }
  },
});

function rootOf(stage: StageInfo): StageInfo {
  let root = stage;
  const seen = new Set<StageInfo>();
  while (root.parent && !seen.has(root)) {
    seen.add(root);
    root = root.parent;
  }
  return root;
}
