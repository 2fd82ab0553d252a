import { wholeContextSource, type AnalysisContext } from '../analysis/context';
import { interpretCommand, resolvePath, type CommandEffect } from '../commands';
import { ecosystem } from '../ecosystems';
import type { InstructionInfo, StageInfo } from '../model';
import type { TextEdit } from '../types';

// Between the copy and the install nothing may depend on the copied files.
const HARMLESS_BETWEEN = new Set(['ENV', 'ARG', 'LABEL', 'EXPOSE', 'USER', 'STOPSIGNAL', 'HEALTHCHECK']);

export interface ManifestFirstFix {
  readonly wholeCopy: InstructionInfo;
  readonly install: InstructionInfo;
  readonly manifests: readonly string[];
  readonly edits: readonly TextEdit[];
}

/**
 * `COPY . .` followed by `RUN npm ci` becomes `COPY package.json package-lock.json* ./`, `RUN npm ci`,
 * `COPY . .`: the install layer then stays cached until the manifests change. Only offered where
 * that is certainly safe: the next RUN installs dependencies and does nothing else.
 */
export function manifestFirstFix(context: AnalysisContext, stage: StageInfo): ManifestFirstFix | undefined {
  const model = context.model;
  const instructions = stage.instructions;
  const copyIndex = instructions.findIndex((info) => (info.keyword === 'COPY' || info.keyword === 'ADD') && isWholeContextCopy(context, info));
  if (copyIndex < 0) return undefined;
  const wholeCopy = instructions[copyIndex]!;
  let index = copyIndex + 1;
  while (index < instructions.length && HARMLESS_BETWEEN.has(instructions[index]!.keyword)) index++;
  const install = instructions[index];
  if (!install || install.keyword !== 'RUN') return undefined;
  const parsed = model.shellOf(install);
  if (!parsed || parsed.error || parsed.commands.length === 0) return undefined;
  const effects = context.effectsOf(install);
  const installs = effects.filter((effect): effect is Extract<CommandEffect, { kind: 'dependency-install' }> => effect.kind === 'dependency-install');
  // mvn, gradle and cargo compile too: only installs that need nothing but the manifests move.
  if (installs.length === 0 || !installs.every((effect) => ecosystem(effect.ecosystem).installNeedsOnlyManifests)) return undefined;
  // Every command must be the install itself (or cd/set): a build step would need the sources.
  const onlyInstalls = parsed.commands.every((command) => {
    const name = command.args[0]?.value ?? '';
    return name === 'cd' || name === 'set' || interpretCommand(command).some((effect) => effect.kind === 'dependency-install');
  });
  if (!onlyInstalls) return undefined;
  const destination = context.copyOf(wholeCopy).destination?.value;
  const copiedTo = destination === undefined ? undefined : resolvePath(destination, wholeCopy.workdir ?? '/');
  if (!destination || !copiedTo) return undefined;
  // pip names its requirement files; they are found where the copy put them, relative to the RUN's directory.
  const manifests: string[] = [];
  for (const effect of installs) {
    for (const manifest of effect.manifests) {
      const inContext = effect.ecosystem === 'python' ? contextPath(resolvePath(manifest, effect.command.cwd), copiedTo) : manifest;
      if (!inContext || /\s/.test(inContext)) return undefined;
      if (!manifests.includes(inContext)) manifests.push(inContext);
    }
  }
  const copyText = model.text.slice(wholeCopy.start, wholeCopy.end);
  const flags = model.flagsOf(wholeCopy).map((flag) => model.text.slice(flag.start, flag.end));
  const base = destination === '.' || destination === './' ? './' : destination.endsWith('/') ? destination : `${destination}/`;
  // COPY puts a file under its base name: a manifest in a sub-folder is copied into that sub-folder.
  const byFolder = new Map<string, string[]>();
  for (const manifest of manifests) {
    const folder = manifest.includes('/') ? manifest.slice(0, manifest.lastIndexOf('/') + 1) : '';
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), manifest]);
  }
  const newlineInCopy = model.text.includes('\r\n') ? '\r\n' : '\n';
  const manifestCopy = [...byFolder].map(([folder, files]) => [wholeCopy.keyword, ...flags, ...files, `${base}${folder}`].join(' ')).join(newlineInCopy);
  const newline = model.text.includes('\r\n') ? '\r\n' : '\n';
  return {
    wholeCopy,
    install,
    manifests,
    edits: [
      { range: model.rangeOf(wholeCopy.start, wholeCopy.end), newText: manifestCopy },
      { range: model.rangeOf(install.end, install.end), newText: `${newline}${copyText}` },
    ],
  };
}

/** `COPY . <dest>`: one source, the whole context. */
function isWholeContextCopy(context: AnalysisContext, info: InstructionInfo): boolean {
  const copy = context.copyOf(info);
  return copy.sources.length === 1 && wholeContextSource(copy) !== undefined;
}

/** `/srv/app/requirements.txt` copied from the context into /srv/app is `requirements.txt` in the context. */
function contextPath(path: string | undefined, copiedTo: string): string | undefined {
  if (!path) return undefined;
  const prefix = copiedTo === '/' ? '/' : `${copiedTo}/`;
  return path.startsWith(prefix) ? path.slice(prefix.length) : undefined;
}

