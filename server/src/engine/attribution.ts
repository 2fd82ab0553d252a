// Which Dockerfile instruction made each entry of an image's history. The Engine records one
// history entry per instruction of the stages the image is built from (the classic builder, BuildKit
// and Buildah alike), newest last, after the base image's own entries; builder stages that are only
// copied FROM leave none. So the entries are matched to the target stage's chain from the newest
// backwards, by keyword, and what is left over came with the base image.
import { DockerfileModel } from '../core';

export interface InstructionRef {
  /** 1-based line of the instruction's keyword, and of its last line. */
  readonly line: number;
  readonly endLine: number;
  readonly keyword: string;
  /** The instruction on one line (continuations joined), shortened for a table. */
  readonly text: string;
}

export interface Attribution {
  /** The instruction that made the entry, or the FROM line when the entry came with the base image. */
  readonly instruction: InstructionRef | null;
  /** True when the entry is the base image's (attributed to the FROM that names it). */
  readonly base: boolean;
}

const KEYWORDS = new Set(['ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'HEALTHCHECK', 'LABEL', 'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR']);

/**
 * The Dockerfile keyword a history entry's `CreatedBy` stands for: `/bin/sh -c #(nop) COPY ...`
 * (classic builder, Buildah), `COPY ... # buildkit` or `WORKDIR /app` (BuildKit), and anything else
 * that ran a command (`|2 A=1 B=2 /bin/sh -c make`) is a RUN. Empty: an imported base layer.
 */
export function historyKeyword(createdBy: string): string | undefined {
  const text = createdBy.trim();
  if (!text) return undefined;
  const nop = /#\(nop\)\s+([A-Za-z]+)\b/.exec(text);
  if (nop) return nop[1]!.toUpperCase();
  const leading = /^([A-Z]+)\b/.exec(text)?.[1];
  if (leading && KEYWORDS.has(leading)) return leading;
  return 'RUN';
}

/** A history entry as the Dockerfile line it came from: `RUN make`, `COPY file:1a2b in /app/`. */
export function instructionFromHistory(createdBy: string): string {
  const text = createdBy.trim().replace(/\s+# buildkit$/, '');
  if (!text) return '(imported base layer)';
  const nop = /#\(nop\)\s+(.*)$/s.exec(text);
  if (nop) return nop[1]!.trim();
  const keyword = historyKeyword(text);
  if (keyword !== 'RUN') return text;
  // `|2 A=1 B=2 /bin/sh -c make` and BuildKit's `RUN |1 A=1 /bin/sh -c make`: the command itself.
  const command = text
    .replace(/^RUN\s+/, '')
    .replace(/^\|\d+(\s+\S+=\S*)*\s+/, '')
    .replace(/^\/bin\/sh -c\s+/, '');
  return `RUN ${command}`;
}

/**
 * Attributes each history entry (oldest first, as `CreatedBy` strings) to an instruction of the
 * Dockerfile's target stage chain. Instructions that make no history entry (earlier stages not built
 * FROM, global ARGs) are simply not named; entries older than the chain are the base image's.
 */
export function attributeHistory(createdBy: readonly string[], dockerfileText: string, target?: string): Attribution[] {
  const model = new DockerfileModel(dockerfileText);
  const { stages } = model.runtimeStages(target);
  const root = stages[0];
  const chain = stages.flatMap((stage) => stage.instructions);
  const result: Attribution[] = createdBy.map(() => ({ instruction: null, base: true }));
  let next = chain.length - 1;
  for (let index = createdBy.length - 1; index >= 0 && next >= 0; index--) {
    const keyword = historyKeyword(createdBy[index]!);
    if (!keyword) break; // an imported layer: the base image starts here
    let match = next;
    while (match >= 0 && chain[match]!.keyword.toUpperCase() !== keyword) match--;
    if (match < 0) break; // no instruction of the chain made it: the base image's own
    const info = chain[match]!;
    result[index] = { instruction: reference(model, info.start, info.end, info.keyword.toUpperCase()), base: false };
    next = match - 1;
  }
  if (root) {
    const from = reference(model, root.fromStart, root.fromEnd, 'FROM');
    for (const [index, attribution] of result.entries()) if (attribution.base) result[index] = { instruction: from, base: true };
  }
  return result;
}

function reference(model: DockerfileModel, start: number, end: number, keyword: string): InstructionRef {
  const source = model.text.slice(start, end);
  const oneLine = source
    .split(/\r?\n/)
    .map((line) => line.replace(/[\\`]\s*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .join(' ');
  return { line: model.lineNumberAt(start), endLine: model.lineNumberAt(Math.max(start, end - 1)), keyword, text: oneLine.length > 120 ? `${oneLine.slice(0, 117)}...` : oneLine };
}
