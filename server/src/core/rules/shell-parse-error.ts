import { defineRule } from './rule';

export const shellParseError = defineRule({
  id: 'shell-parse-error',
  defaultSeverity: 'info',
  title: "A RUN command's shell syntax could not be parsed, so it was not checked",
  explanation: 'The analysis reads RUN lines with a POSIX/Bash parser. When a line does not parse (an unclosed quote while typing, say), its packages and files are not checked until it does.',
  resolvedByRewrite: false,
  scope: 'runtime',
  example: {
    flagged: `FROM debian:bookworm-slim
RUN apt-get install -y "gcc
`,
    fixed: `FROM debian:bookworm-slim
RUN apt-get install -y "gcc"
`,
    fix: `Fix the shell syntax; the RUN is checked again as soon as it parses.`,
  },
  *check(context) {
    for (const info of context.runtimeInstructions) {
      if (info.keyword !== 'RUN') continue;
      context.effectsOf(info); // parses the RUN if any rule would
      const error = context.model.parsedShellIfAny(info)?.error;
      if (!error) continue;
      yield {
        start: error.start,
        end: Math.max(error.end, error.start + 1),
        message: `This RUN could not be parsed as shell (${error.message}); its packages and files are not checked.`,
        subject: error.message,
        suppressed: info.suppressed,
      };
    }
  },
});
