import type { CommandEffect } from '../commands';
import type { ToolCache } from '../ecosystems';
import { family, type PackageFamily } from '../families';
import type { InstructionInfo } from '../model';
import type { AnalysisContext } from '../analysis/context';
import { appendCommand, insertAfter } from '../fixes/edits';
import type { FixHint } from '../types';
import { defineRule, type RuleMatch } from './rule';

/** A cache left in a layer: a package family's index and downloads, or a tool's own cache. */
type Cache = { readonly kind: 'family'; readonly family: PackageFamily } | { readonly kind: 'tool'; readonly cache: ToolCache };

export const packageCacheLeft = defineRule({
  id: 'package-cache-left',
  defaultSeverity: 'warning',
  title: 'A package manager leaves its index or download cache in the runtime image',
  explanation:
    'apt-get update writes tens of megabytes of package lists; apk, dnf, zypper and pip keep indexes and downloads too. Unless the same RUN deletes them, the layer keeps them for good.',
  resolvedByRewrite: false,
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
});

function* cachesLeftBy(context: AnalysisContext, info: InstructionInfo, effects: readonly CommandEffect[]): Iterable<RuleMatch> {
  const reported = new Set<string>();
  for (let index = 0; index < effects.length; index++) {
    const effect = effects[index]!;
    const cache = cacheWrittenBy(effect, info);
    if (!cache) continue;
    const key = cache.kind === 'family' ? cache.family.id : cache.cache.id;
    if (reported.has(key) || cleansUp(cache, effects.slice(index + 1))) continue;
    reported.add(key);
    const { what, advice } = cache.kind === 'family' ? cache.family.cache : cache.cache;
    const verbEnd = 'verbEnd' in effect ? effect.verbEnd : effect.command.end;
    const command = context.model.text.slice(effect.command.start, verbEnd);
    yield {
      start: effect.command.start,
      end: verbEnd,
      message: `${command} leaves ${what} in this layer of the runtime image. Clean up in the same RUN: ${advice}.`,
      subject: command,
      suppressed: info.suppressed,
      fixes: cleanupFix(context, info, cache, effect),
    };
  }
}

function cacheWrittenBy(effect: CommandEffect, info: InstructionInfo): Cache | undefined {
  if (effect.kind === 'tool-cache') return effect.cache.disabledBy.some((name) => info.scope.get(name)) ? undefined : { kind: 'tool', cache: effect.cache };
  if (!('family' in effect)) return undefined;
  const owner = family(effect.family);
  return owner.leavesCache(effect) ? { kind: 'family', family: owner } : undefined;
}

function cleansUp(cache: Cache, later: readonly CommandEffect[]): boolean {
  const paths = cache.kind === 'family' ? cache.family.cache.paths : cache.cache.paths;
  return later.some((effect) => {
    if (effect.kind === 'package-cache-clean') return cache.kind === 'family' && effect.family === cache.family.id && effect.removesIndexes;
    if (effect.kind !== 'remove-paths') return false;
    return effect.paths.some(({ path }) => paths.some((cachePath) => path === cachePath || path.startsWith(`${cachePath}/`) || cachePath.startsWith(`${path}/`)));
  });
}

/** The clean-up edit: a flag after the command's verb, or a command at the end of the RUN. */
function cleanupFix(context: AnalysisContext, info: InstructionInfo, cache: Cache, effect: CommandEffect): FixHint[] {
  const verbEnd = 'verbEnd' in effect ? effect.verbEnd : effect.command.end;
  const cleanup = cache.kind === 'tool' ? { flag: cache.cache.flag } : cache.family.cacheCleanup(effect);
  if (!cleanup) return [];
  if ('flag' in cleanup) return insertAfter(context, info, verbEnd, ` ${cleanup.flag}`, `Add ${cleanup.flag}`);
  return appendCommand(context, info, cleanup.command, `Add ${cleanup.command} to the same RUN`);
}
