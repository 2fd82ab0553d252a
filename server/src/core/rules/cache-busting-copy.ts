import { wholeContextSource, type CopyArgument } from '../analysis/context';
import type { CommandEffect, Ecosystem } from '../commands';
import type { InstructionInfo } from '../model';
import { manifestFirstFix } from '../fixes/manifest-first';
import { lineOf, type Rule } from './rule';

// Only RUNs that name a dependency installer need parsing for this rule, in any stage.
const DEPENDENCY_COMMANDS = /\b(pip\d*(\.\d+)?|python\d*(\.\d+)?|uv|npm|yarn|pnpm|go|bundler?|mvnw?|gradlew?|cargo|composer|poetry|pipenv|dotnet)\b/;

type DependencyInstall = Extract<CommandEffect, { kind: 'dependency-install' }>;

export const cacheBustingCopy: Rule = {
  id: 'cache-busting-copy',
  defaultSeverity: 'info',
  title: 'The whole build context is copied before a dependency install',
  explanation:
    'Docker reuses a cached layer only while everything before it is unchanged. After `COPY . .`, any edit to any file re-runs the dependency install that follows. Copy only the dependency manifest (requirements.txt, package.json and its lock file, go.mod...) first, install, then copy the rest.',
  scope: 'any',
  example: {
    flagged: `FROM node:20-slim
WORKDIR /app
COPY . .
RUN npm ci --omit=dev
CMD ["node", "server.js"]
`,
    fixed: `FROM node:20-slim
WORKDIR /app
COPY package.json package-lock.json* ./
RUN npm ci --omit=dev
COPY . .
CMD ["node", "server.js"]
`,
    fix: `Copy the dependency manifest first, install, then copy the rest. The quick-fix does this for pip, npm, yarn, pnpm, Go modules and Bundler.`,
  },
  *check(context) {
    for (const stage of context.model.stages) {
      let wholeCopy: { info: InstructionInfo; source: CopyArgument } | undefined;
      const installedBeforeCopy = new Set<Ecosystem>();
      const reported = new Set<Ecosystem>();
      for (const info of stage.instructions) {
        if ((info.keyword === 'COPY' || info.keyword === 'ADD') && !wholeCopy) {
          const copy = context.copyOf(info);
          const source = wholeContextSource(copy);
          if (source) wholeCopy = { info, source };
          continue;
        }
        if (info.keyword !== 'RUN' || !DEPENDENCY_COMMANDS.test(context.model.argumentsText(info))) continue;
        for (const effect of context.effectsOf(info)) {
          if (effect.kind !== 'dependency-install') continue;
          if (!wholeCopy) {
            installedBeforeCopy.add(effect.ecosystem);
            continue;
          }
          if (installedBeforeCopy.has(effect.ecosystem) || reported.has(effect.ecosystem)) continue;
          reported.add(effect.ecosystem);
          const fix = manifestFirstFix(context, stage);
          const fixes = fix && fix.wholeCopy === wholeCopy.info ? [{ kind: 'edits' as const, title: `Copy ${fix.manifests.join(', ')} before the install`, edits: fix.edits }] : [];
          yield { ...matchFor(context, wholeCopy, effect), fixes };
        }
      }
    }
  },
};

function matchFor(context: Parameters<Rule['check']>[0], wholeCopy: { info: InstructionInfo; source: CopyArgument }, install: DependencyInstall) {
  const command = install.command.text.length > 40 ? `${install.command.text.slice(0, 37)}...` : install.command.text;
  return {
    start: wholeCopy.source.start,
    end: wholeCopy.source.end,
    message: `${wholeCopy.info.keyword} ${wholeCopy.source.value} copies the whole build context before \`${command}\` (line ${lineOf(context, install.command.start)}), so any change to any file re-runs the install. Copy ${install.manifests.join(', ')} first, install, then copy the rest.`,
    subject: install.manifests.join(', '),
    suppressed: wholeCopy.info.suppressed,
    related: [{ start: install.command.start, end: install.command.end, message: 'The dependency install that re-runs on every change' }],
  };
}
