import { wholeContextSource, type AnalysisContext, type CopyArgument } from '../analysis/context';
import type { CommandEffect } from '../commands';
import { DEPENDENCY_INSTALL_HINT, type EcosystemId } from '../ecosystems';
import type { InstructionInfo } from '../model';
import { manifestFirstFix } from '../fixes/manifest-first';
import { defineRule, lineOf, type Rule } from './rule';

// Only RUNs that may install dependencies need parsing for this rule, in any stage: what some
// ecosystem's install looks like, or a variable that might spell one.
const DEPENDENCY_COMMANDS = new RegExp(`\\$|${DEPENDENCY_INSTALL_HINT.source}`);

// A cheap pre-filter on the instruction's text for a source that is the whole context (`.`, `./`, `*`).
const WHOLE_CONTEXT_TEXT = /\s(\.\/?|\*|\.\/\*)\s|"(\.\/?|\*|\.\/\*)"\s*,/;

type DependencyInstall = Extract<CommandEffect, { kind: 'dependency-install' }>;

export const cacheBustingCopy = defineRule({
  id: 'cache-busting-copy',
  defaultSeverity: 'info',
  title: 'The whole build context is copied before a dependency install',
  explanation:
    'Docker reuses a cached layer only while everything before it is unchanged. After `COPY . .`, any edit to any file re-runs the dependency install that follows. Copy only the dependency manifest (requirements.txt, package.json and its lock file, go.mod...) first, install, then copy the rest.',
  resolvedByRewrite: false,
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
      // Most stages copy no whole context: skip them before parsing any of their RUNs.
      if (!stage.instructions.some((info) => (info.keyword === 'COPY' || info.keyword === 'ADD') && WHOLE_CONTEXT_TEXT.test(context.model.argumentsText(info)))) continue;
      const copyIndex = stage.instructions.findIndex((info) => (info.keyword === 'COPY' || info.keyword === 'ADD') && wholeContextSource(context.copyOf(info)) !== undefined);
      if (copyIndex < 0) continue;
      const wholeCopy = { info: stage.instructions[copyIndex]!, source: wholeContextSource(context.copyOf(stage.instructions[copyIndex]!))! };
      // The installs after the copy first: only when there is one do the RUNs before it need reading.
      const after = dependencyInstalls(context, stage.instructions.slice(copyIndex + 1));
      if (after.length === 0) continue;
      const installedBeforeCopy = new Set(dependencyInstalls(context, stage.instructions.slice(0, copyIndex)).map((install) => install.ecosystem));
      const reported = new Set<EcosystemId>();
      for (const install of after) {
        if (installedBeforeCopy.has(install.ecosystem) || reported.has(install.ecosystem)) continue;
        reported.add(install.ecosystem);
        const fix = manifestFirstFix(context, stage);
        const fixes = fix && fix.wholeCopy === wholeCopy.info ? [{ kind: 'edits' as const, title: `Copy ${fix.manifests.join(', ')} before the install`, edits: fix.edits }] : [];
        yield { ...matchFor(context, wholeCopy, install), fixes };
      }
    }
  },
});

function dependencyInstalls(context: AnalysisContext, instructions: readonly InstructionInfo[]): DependencyInstall[] {
  return instructions.flatMap((info) =>
    info.keyword === 'RUN' && DEPENDENCY_COMMANDS.test(context.model.argumentsText(info))
      ? context.effectsOf(info).filter((effect): effect is DependencyInstall => effect.kind === 'dependency-install')
      : [],
  );
}

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
