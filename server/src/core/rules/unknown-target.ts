import type { Rule } from './rule';

export const unknownTarget: Rule = {
  id: 'unknown-target',
  defaultSeverity: 'warning',
  title: 'The configured target stage does not exist',
  explanation: 'The `target` setting (or `--target`) names the stage whose image ships. When no stage has that name, the final stage is judged instead.',
  scope: 'any',
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
};
