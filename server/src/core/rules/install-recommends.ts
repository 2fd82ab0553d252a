import { family } from '../families';
import { insertAfter } from '../fixes/edits';
import { defineRule } from './rule';

export const installRecommends = defineRule({
  id: 'install-recommends',
  defaultSeverity: 'info',
  title: 'Recommended packages are installed into the runtime image',
  explanation:
    'apt installs "Recommends" by default (dnf its weak dependencies, zypper its recommendations): documentation, alternative tools and, for gcc, the whole C library headers. `--no-install-recommends` installs only what the package needs to work.',
  resolvedByRewrite: false,
  scope: 'runtime',
  example: {
    flagged: `FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y curl \\
 && rm -rf /var/lib/apt/lists/*
`,
    fixed: `FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl \\
 && rm -rf /var/lib/apt/lists/*
`,
    fix: `Add \`--no-install-recommends\` (apt), \`--setopt=install_weak_deps=False\` (dnf) or \`--no-recommends\` (zypper), and list any recommended package you do need explicitly. The quick-fix adds the flag.`,
  },
  *check(context) {
    // A configuration that turns recommends off for every later install.
    let configuredOff = false;
    const records = context.packages();
    for (const info of context.runtimeInstructions) {
      if (info.keyword !== 'RUN') continue;
      if (/Install-Recommends|install_weak_deps|installRecommends/i.test(context.model.argumentsText(info))) configuredOff = true;
      for (const effect of context.effectsOf(info)) {
        if (effect.kind !== 'package-install' || effect.noRecommends) continue;
        const flag = family(effect.family).noRecommendsFlag;
        if (!flag) continue;
        if (configuredOff) continue;
        // Installs that the same RUN purges again (build dependencies) leave no recommends behind.
        const args = new Set(effect.packages.map((pkg) => pkg.arg));
        const installed = records.filter((record) => record.installedBy === info && args.has(record.installArg));
        if (installed.length > 0 && installed.every((record) => record.removal?.by === info && !record.dependenciesLeft)) continue;
        const verb = context.model.text.slice(effect.command.start, effect.verbEnd);
        yield {
          start: effect.command.start,
          end: effect.verbEnd,
          message: `${verb} also installs recommended packages the application does not need; add ${flag}.`,
          subject: verb,
          suppressed: info.suppressed,
          fixes: insertAfter(context, info, effect.verbEnd, ` ${flag}`, `Add ${flag}`),
        };
      }
    }
  },
});
