import { defineRule } from './rule';

export const unknownTarget = defineRule({
  id: 'unknown-target',
  defaultSeverity: 'warning',
  title: 'The configured target stage does not exist',
  explanation: 'The `target` setting (or `--target`) names the stage whose image ships. When no stage has that name, the final stage is judged instead.',
  resolvedByRewrite: false,
  scope: 'any',
  example: {
    flagged: `FROM debian:bookworm-slim AS build
FROM debian:bookworm-slim AS app
`,
    fixed: `FROM debian:bookworm-slim AS build
FROM debian:bookworm-slim AS app
`,
    fix: `Set \`multistage.target\` (or \`--target\`) to an existing stage name, or clear it to judge the final stage. (The example is flagged with the target \`prod\`.)`,
  },
  *check(context) {
    if (context.targetFound || !context.requestedTarget || !context.target) return;
    const stage = context.target;
    const names = context.model.stages.flatMap((s) => (s.name ? [s.name] : []));
    yield {
      start: stage.fromStart,
      end: stage.fromEnd,
      message: `No stage is named "${context.requestedTarget}"${names.length ? ` (stages: ${names.join(', ')})` : ''}; the final stage is judged instead.`,
      subject: context.requestedTarget,
      suppressed: stage.suppressed,
    };
  },
});
