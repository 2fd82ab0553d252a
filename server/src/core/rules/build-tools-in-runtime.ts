import { family as familyById } from '../families';
import { SPLIT_STAGES_FIX, defineRule, formatSize, lineOf, type RuleMatch } from './rule';

export const buildToolsInRuntime = defineRule({
  id: 'build-tools-in-runtime',
  defaultSeverity: 'warning',
  title: 'A build-only package (compiler, headers, toolchain) is installed in the runtime image',
  explanation:
    'Compilers, `-dev` headers and toolchains are needed to build, not to run. Left in the final image they add hundreds of megabytes and packages to patch. A builder stage can install them and the runtime stage copy only what they built.',
  resolvedByRewrite: true,
  scope: 'runtime',
  example: {
    flagged: `FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev \\
 && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
CMD ["python", "-m", "app"]
`,
    fixed: `FROM python:3.12-slim AS builder
RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev \\
 && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 \\
 && rm -rf /var/lib/apt/lists/*
COPY --from=builder /opt/venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"
CMD ["python", "-m", "app"]
`,
    fix: `Move the build into a builder stage and copy only its results; keep the runtime libraries of the \`-dev\` packages (\`libpq-dev\` needs \`libpq5\`). The quick-fix **Split into builder and runtime stages** (or \`dockerfile-multistage fix\`) does this. Purging the tools with \`--auto-remove\` in the same \`RUN\` also works for single-stage files.`,
  },
  *check(context) {
    for (const record of context.packages()) {
      if (!context.isBuildOnly(record.family, record.name)) continue;
      const removedInSameRun = record.removal?.by === record.installedBy;
      if (removedInSameRun && !record.dependenciesLeft) continue;
      const family = familyById(record.family);
      const size = family.installedSize?.(record.name);
      const sizeText = size ? ` (${formatSize(size.sizeKiB)} installed with its dependencies)` : '';
      const via = record.installArg.viaVariable ? ` (from $${record.installArg.viaVariable})` : '';
      const runtime = family.runtimeCounterparts(record.name, context.runtimeDistribution);
      const helper = context.buildHelpers(record.family).buildOnly.get(record.name);
      const keep = runtime.length > 0 ? ` The runtime needs only ${runtime.join(', ')}.` : '';
      let message: string;
      if (removedInSameRun && record.dependenciesLeft) {
        message = `${record.name}${via} is removed without --auto-remove, so what it pulled in (${record.dependenciesLeft.join(', ')}) stays in the runtime image${sizeText}.`;
      } else if (record.removal) {
        message = `${record.name}${via} is a build tool${sizeText} installed here and removed only by a later RUN (line ${lineOf(context, record.removal.start)}), so this layer still carries it. Build in a builder stage instead.${keep}`;
      } else if (helper && !family.isBuildOnly(record.name)) {
        message = `${record.name}${via} is left in the runtime image, but ${helper}${sizeText}. Install it in a builder stage.`;
      } else {
        message = `${record.name}${via} is a build tool${sizeText} left in the runtime image. Install it in a builder stage and copy only what it builds.${keep}`;
      }
      const match: RuleMatch = {
        start: record.installArg.start,
        end: record.installArg.end,
        message,
        subject: record.name,
        suppressed: record.installedBy.suppressed,
        fixes: [SPLIT_STAGES_FIX],
      };
      yield match;
    }
  },
});
