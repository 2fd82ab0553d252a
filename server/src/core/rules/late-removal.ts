import type { AnalysisContext } from '../analysis/context';
import { interpretCommand, resolvePath } from '../commands';
import type { InstructionInfo } from '../model';
import { normalizePath } from '../shell/parse';
import { family } from '../families';
import { expandDockerfileWord } from '../variables';
import { mergeInto } from '../fixes/edits';
import { defineRule, lineOf, type RuleMatch } from './rule';

interface PathWrite {
  readonly path: string;
  readonly by: InstructionInfo;
  readonly what: string;
  /** Whether removing something inside the path also counts (caches, clones), or only the path or a parent. */
  readonly coversChildren: boolean;
}

export const lateRemoval = defineRule({
  id: 'late-removal',
  defaultSeverity: 'warning',
  title: 'A package or file is removed in a later RUN than the one that added it',
  explanation:
    'Each instruction adds a layer, and a later layer can only hide files, not take their bytes back. `RUN apt-get purge gcc` after the RUN that installed it, or `RUN rm` of an archive an earlier COPY added, leaves the image as large as before. Remove in the same RUN, or build in a separate stage.',
  resolvedByRewrite: false,
  scope: 'runtime',
  example: {
    flagged: `FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends build-essential \\
 && rm -rf /var/lib/apt/lists/*
COPY . /src
RUN make -C /src install
RUN apt-get purge -y --auto-remove build-essential
`,
    fixed: `FROM debian:bookworm-slim
COPY . /src
RUN apt-get update && apt-get install -y --no-install-recommends build-essential \\
 && make -C /src install \\
 && apt-get purge -y --auto-remove build-essential \\
 && rm -rf /var/lib/apt/lists/*
`,
    fix: `Remove in the same \`RUN\` that added the files, or build in a builder stage. For files a \`COPY\` brings in, exclude them with \`.dockerignore\`. Purge metapackages such as \`build-essential\` with \`--auto-remove\`, or their dependencies stay.`,
  },
  *check(context) {
    yield* lateRemovedPackages(context);
    yield* lateRemovedPaths(context);
  },
});

function* lateRemovedPackages(context: AnalysisContext): Iterable<RuleMatch> {
  for (const record of context.packages()) {
    const removal = record.removal;
    if (!removal) continue;
    const late = removal.by !== record.installedBy;
    if (!late && !record.dependenciesLeft) continue;
    const parts: string[] = [];
    if (late) {
      parts.push(
        `${record.name} was installed by the RUN on line ${lineOf(context, record.installArg.start)}; removing it in a later RUN does not make the image smaller, because that layer keeps its bytes. Remove it in the RUN that installs it, or install it in a builder stage.`,
      );
    }
    if (record.dependenciesLeft) {
      parts.push(`Removing only the metapackage ${record.name} without --auto-remove leaves ${record.dependenciesLeft.join(', ')} installed: use apt-get purge --auto-remove.`);
    }
    const fixes = late && onlyRemoves(context, removal.by) ? mergeInto(context, record.installedBy, removal.by, 'Move the removal into the RUN that installs it') : [];
    yield { start: removal.start, end: removal.end, message: parts.join(' '), subject: record.name, suppressed: removal.by.suppressed, fixes };
  }
}

function* lateRemovedPaths(context: AnalysisContext): Iterable<RuleMatch> {
  const writes: PathWrite[] = [];
  for (const info of context.runtimeInstructions) {
    if (info.keyword === 'COPY' || info.keyword === 'ADD') {
      writes.push(...copyWrites(context, info));
      continue;
    }
    const effects = context.effectsOf(info);
    for (const effect of effects) {
      if (effect.kind !== 'remove-paths') continue;
      for (const { path, arg } of effect.paths) {
        const write = writes.find((candidate) => candidate.by !== info && removes(path, candidate));
        if (!write) continue;
        const advice =
          write.what === 'COPY' || write.what === 'ADD'
            ? 'Keep it out of the build context with .dockerignore, or fetch, use and delete it within one RUN.'
            : 'Remove it in the same RUN that created it.';
        yield {
          start: arg.start,
          end: arg.end,
          message: `Removing ${arg.value ?? path} in a later layer does not make the image smaller: ${write.what} on line ${lineOf(context, write.by.start)} wrote ${write.path === path ? 'it' : write.path} into an earlier layer, which keeps its bytes. ${advice}`,
          subject: write.path,
          suppressed: info.suppressed,
          fixes: write.what !== 'COPY' && write.what !== 'ADD' && onlyRemoves(context, info) ? mergeInto(context, write.by, info, 'Move the removal into the RUN that writes it') : [],
        };
      }
    }
    writes.push(...runWrites(context, info));
  }
}

/** A RUN whose every command removes packages, files or caches: safe to fold into an earlier RUN. */
function onlyRemoves(context: AnalysisContext, info: InstructionInfo): boolean {
  const parsed = context.model.shellOf(info);
  if (!parsed || parsed.error || parsed.commands.length === 0) return false;
  return parsed.commands.every((command) =>
    interpretCommand(command).some((effect) => ['package-remove', 'package-autoremove', 'package-cache-clean', 'remove-paths'].includes(effect.kind)),
  );
}

function copyWrites(context: AnalysisContext, info: InstructionInfo): PathWrite[] {
  const copy = context.copyOf(info);
  if (!copy.destination) return [];
  const destinationText = expandDockerfileWord(copy.destination.value, (name) => info.scope.get(name), context.model.escapeChar).value;
  const destination = resolvePath(destinationText, info.workdir ?? '/');
  if (!destination) return [];
  const intoDirectory = destinationText.endsWith('/') || copy.sources.length > 1;
  return copy.sources.flatMap((source) => {
    const name = source.value.replace(/\/+$/, '').split('/').pop() ?? '';
    // A whole-context copy writes unknown children; only removing the destination itself counts.
    if (!intoDirectory || name === '' || name === '.' || /[*?[]/.test(name) || /^https?:/.test(source.value)) {
      return [{ path: destination, by: info, what: info.keyword, coversChildren: false }];
    }
    return [{ path: normalizePath(`${destination}/${name}`), by: info, what: info.keyword, coversChildren: false }];
  });
}

function runWrites(context: AnalysisContext, info: InstructionInfo): PathWrite[] {
  const writes: PathWrite[] = [];
  const add = (paths: readonly string[], what: string) => {
    for (const path of paths) writes.push({ path, by: info, what, coversChildren: true });
  };
  for (const effect of context.effectsOf(info)) {
    if (effect.kind === 'write-path') add([effect.path], effect.what);
    else if ('family' in effect && family(effect.family).leavesCache(effect)) add(family(effect.family).cache.paths, `${'tool' in effect ? effect.tool : effect.family} ${effect.kind === 'package-index-update' ? 'update' : 'install'}`);
    else if (effect.kind === 'tool-cache' && !effect.cache.disabledBy.some((name) => info.scope.get(name))) add(effect.cache.paths, context.model.text.slice(effect.command.start, effect.verbEnd));
  }
  return writes;
}

/** Whether `rm path` removes (part of) what the write added. */
function removes(path: string, write: PathWrite): boolean {
  const globAt = path.search(/[*?[]/);
  if (globAt >= 0) {
    const base = normalizePath(path.slice(0, path.lastIndexOf('/', globAt)) || '/');
    return write.path === base || write.path.startsWith(`${base}/`) || (write.coversChildren && base.startsWith(`${write.path}/`));
  }
  if (path === write.path || write.path.startsWith(`${path}/`)) return true;
  return write.coversChildren && path.startsWith(`${write.path}/`);
}
