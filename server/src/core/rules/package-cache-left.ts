import type { CommandEffect } from '../commands';
import type { PackageFamily } from '../knowledge/build-tools';
import type { InstructionInfo } from '../model';
import type { AnalysisContext } from '../analysis/context';
import { appendCommand, insertAfter } from '../fixes/edits';
import type { FixHint } from '../types';
import type { Rule, RuleMatch } from './rule';

/** Where each package manager keeps its index and downloads, and the clean-up to add. */
const CACHES: Readonly<Record<PackageFamily | 'pip', { readonly paths: readonly string[]; readonly what: string; readonly cleanup: string }>> = {
  apt: { paths: ['/var/lib/apt/lists'], what: 'the package lists', cleanup: 'rm -rf /var/lib/apt/lists/*' },
  apk: { paths: ['/var/cache/apk'], what: 'the package index', cleanup: 'use apk add --no-cache' },
  rpm: { paths: ['/var/cache/dnf', '/var/cache/yum'], what: 'the repository metadata and packages', cleanup: 'dnf clean all (yum clean all, microdnf clean all)' },
  zypper: { paths: ['/var/cache/zypp'], what: 'the repository metadata and packages', cleanup: 'zypper clean --all' },
  pip: { paths: ['/root/.cache/pip', '/root/.cache'], what: 'its download and wheel cache', cleanup: 'pip install --no-cache-dir' },
};

export const packageCacheLeft: Rule = {
  id: 'package-cache-left',
  defaultSeverity: 'warning',
  title: 'A package manager leaves its index or download cache in the runtime image',
  explanation:
    'apt-get update writes tens of megabytes of package lists; apk, dnf, zypper and pip keep indexes and downloads too. Unless the same RUN deletes them, the layer keeps them for good.',
  scope: 'runtime',
  example: {
    flagged: `FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl
`,
    fixed: `FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl \\
 && rm -rf /var/lib/apt/lists/*
`,
    fix: `Delete the cache in the same \`RUN\`: \`rm -rf /var/lib/apt/lists/*\` after apt, \`apk add --no-cache\`, \`dnf clean all\`, \`zypper clean --all\`, \`pip install --no-cache-dir\`. The quick-fix adds the clean-up.`,
  },
  *check(context) {
    for (const info of context.runtimeInstructions) {
      const effects = context.effectsOf(info);
      if (effects.length === 0) continue;
      yield* cachesLeftBy(context, info, effects);
    }
  },
};

function* cachesLeftBy(context: AnalysisContext, info: InstructionInfo, effects: readonly CommandEffect[]): Iterable<RuleMatch> {
  const reported = new Set<string>();
  for (let index = 0; index < effects.length; index++) {
    const effect = effects[index]!;
    const cache = cacheWrittenBy(effect, info);
    if (!cache || reported.has(cache)) continue;
    const later = effects.slice(index + 1);
    if (cleansUp(cache, later)) continue;
    reported.add(cache);
    const { what, cleanup } = CACHES[cache];
    const verbEnd = 'verbEnd' in effect ? effect.verbEnd : effect.command.end;
    const command = context.model.text.slice(effect.command.start, verbEnd);
    yield {
      start: effect.command.start,
      end: verbEnd,
      message: `${command} leaves ${what} in this layer of the runtime image. Clean up in the same RUN: ${cleanup}.`,
      subject: command,
      suppressed: info.suppressed,
      fixes: cleanupFix(context, info, cache, effect),
    };
  }
}

function cacheWrittenBy(effect: CommandEffect, info: InstructionInfo): PackageFamily | 'pip' | undefined {
  switch (effect.kind) {
    case 'package-index-update':
      return effect.family;
    case 'package-install':
      if (effect.family === 'apk') return effect.keepsIndexCache ? 'apk' : undefined;
      return effect.family === 'rpm' || effect.family === 'zypper' ? effect.family : undefined;
    case 'pip-install':
      return effect.noCacheDir || info.scope.get('PIP_NO_CACHE_DIR') ? undefined : 'pip';
    default:
      return undefined;
  }
}

function cleansUp(cache: PackageFamily | 'pip', later: readonly CommandEffect[]): boolean {
  const paths = CACHES[cache].paths;
  return later.some((effect) => {
    if (effect.kind === 'package-cache-clean') return effect.family === cache && effect.removesIndexes;
    if (effect.kind !== 'remove-paths') return false;
    return effect.paths.some(({ path }) => paths.some((cachePath) => path === cachePath || path.startsWith(`${cachePath}/`) || cachePath.startsWith(`${path}/`)));
  });
}

/** The clean-up edit for each cache: a flag on the install, or a command at the end of the RUN. */
function cleanupFix(context: AnalysisContext, info: InstructionInfo, cache: PackageFamily | 'pip', effect: CommandEffect): FixHint[] {
  const verbEnd = 'verbEnd' in effect ? effect.verbEnd : effect.command.end;
  switch (cache) {
    case 'apt':
      return appendCommand(context, info, 'rm -rf /var/lib/apt/lists/*', 'Remove the apt lists in the same RUN');
    case 'apk':
      // `apk add --update` caches the index too: --no-cache covers both; a separate `apk update` has no one-word fix.
      return effect.command.args.some((arg) => arg.value === 'add') ? insertAfter(context, info, verbEnd, ' --no-cache', 'Use apk add --no-cache') : [];
    case 'pip':
      return insertAfter(context, info, verbEnd, ' --no-cache-dir', 'Add --no-cache-dir');
    case 'rpm': {
      const tool = 'tool' in effect && effect.tool !== 'yum' ? effect.tool : 'yum';
      return appendCommand(context, info, `${tool} clean all`, `Add ${tool} clean all to the same RUN`);
    }
    case 'zypper':
      return appendCommand(context, info, 'zypper clean --all', 'Add zypper clean --all to the same RUN');
  }
}
