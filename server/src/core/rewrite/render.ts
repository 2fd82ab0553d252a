import type { DockerfileModel, InstructionInfo } from '../model';
import type { Plan } from './plan';
import { renderInstall, type RuntimeInstall } from './runtime-install';

interface Slices {
  /** The comment and blank lines before an instruction, starting with the newline that ends the previous line. */
  readonly trivia: string;
  /** The instruction's own lines, without the final newline. */
  readonly body: string;
}

/**
 * Writes the plan: everything before the split stage as it was (with the builder's insertions in
 * the stages it is built FROM), the split stage as the builder up to its last build step, then the
 * runtime stage, then everything after, byte for byte.
 */
export function renderSplit(model: DockerfileModel, plan: Plan, runtimeBase: string, chooseBuilderName: (taken: readonly string[]) => string): { text: string; builderStage: string; addedStages: number } {
  const text = model.text;
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const escape = model.escapeChar;
  const target = plan.chain[plan.chain.length - 1]!;
  const lineStart = (offset: number) => text.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = (offset: number) => {
    const next = text.indexOf('\n', offset);
    const end = next < 0 ? text.length : next;
    return text[end - 1] === '\r' ? end - 1 : end;
  };
  const fromStart = lineStart(target.fromStart);
  const fromEnd = lineEnd(target.fromEnd);

  // Slices of the split stage's instructions; its trailing comments stay with whatever follows.
  let cursor = fromEnd;
  const slices = new Map<InstructionInfo, Slices>();
  for (const info of target.instructions) {
    const start = lineStart(info.start);
    const end = lineEnd(info.end);
    slices.set(info, { trivia: text.slice(cursor, start), body: text.slice(start, end) });
    cursor = end;
  }
  const next = model.stages[target.index + 1];
  const stageEnd = next ? leadingTriviaStart(text, lineStart(next.fromStart)) : text.length;
  const tail = text.slice(cursor, Math.max(cursor, stageEnd));
  const after = text.slice(Math.max(cursor, stageEnd));

  // The stages the split one is built FROM keep their text; the builder's insertions go into them.
  let before = text.slice(0, fromStart);
  const ancestorInsertions = [...plan.builderInsertions].filter(([info]) => info.stage !== target).sort(([a], [b]) => b.start - a.start);
  for (const [info, lines] of ancestorInsertions) {
    const at = lineStart(info.start);
    before = `${before.slice(0, at)}${lines.map((line) => line + newline).join('')}${before.slice(at)}`;
  }

  const fromBody = text.slice(fromStart, fromEnd);
  const alias = target.name !== undefined ? /\s(AS|as|As|aS)\s+(\S+)\s*$/.exec(fromBody)?.[2] : undefined;
  const flags = model.flagsOf(target).map((flag) => text.slice(flag.start, flag.end));
  const runtimeFrom = `FROM ${[...flags, runtimeBase].join(' ')}${alias ? ` AS ${alias}` : ''}`;
  const indexOf = new Map(plan.instructions.map((info, index) => [info, index]));
  const inTarget = (info: InstructionInfo) => info.stage === target;

  if (plan.lastBuild < 0) {
    // Nothing is built: a slimmer base is the whole fix.
    return { text: before + runtimeFrom + [...slices.values()].map((s) => s.trivia + s.body).join('') + tail + after, builderStage: '', addedStages: 0 };
  }

  // The builder: the split stage up to its last build step. When that step is in a stage it is built
  // FROM and nothing is added, the runtime copies from that stage directly.
  const builderPart = target.instructions.filter((info) => indexOf.get(info)! <= plan.lastBuild && plan.kinds[indexOf.get(info)!] !== 'metadata');
  const parentName = target.parent?.name;
  const needsBuilderStage = builderPart.length > 0 || plan.builderAppend.length > 0 || !parentName;
  const builderName = needsBuilderStage ? chooseBuilderName([]) : parentName!;
  let builder = '';
  if (needsBuilderStage) {
    builder = alias ? fromBody.replace(/(\s(?:AS|as|As|aS)\s+)\S+(\s*)$/, `$1${builderName}$2`) : `${fromBody.replace(/\s+$/, '')} AS ${builderName}`;
    for (const info of builderPart) {
      const { trivia, body } = slices.get(info)!;
      const insertions = plan.builderInsertions.get(info) ?? [];
      builder += insertions.map((line) => newline + line).join('') + trivia + body;
    }
    builder += plan.builderAppend.map((line) => newline + line).join('');
    builder += newline + newline;
  }

  // The runtime stage: the runtime half of every instruction of the image that ships, in order.
  const extraPackages = [...plan.extraRuntimePackages];
  const runtimeFamily = plan.runtimeFamily;
  const installLine = (install: RuntimeInstall | undefined) => {
    if (!install) return undefined;
    const merged =
      extraPackages.length > 0 && runtimeFamily && install.family === runtimeFamily.family.id ? { ...install, packages: [...new Set([...install.packages, ...extraPackages.splice(0)])] } : install;
    return renderInstall(merged, escape, newline);
  };
  const copies = plan.artefacts.map(([from, to]) => copyLine(from, to, builderName, chownFor(model, plan)));
  let runtimeBody = '';
  const emit = (trivia: string, body: string) => (runtimeBody += trivia + body);
  const emitLine = (line: string) => (runtimeBody += newline + line);
  plan.instructions.forEach((info, index) => {
    const kind = plan.kinds[index]!;
    const own = inTarget(info);
    // Instructions of the stages built FROM keep their comments there; here they follow one another.
    const { trivia, body } = own ? slices.get(info)! : { trivia: newline, body: text.slice(lineStart(info.start), lineEnd(info.end)) };
    const inBuilder = index <= plan.lastBuild && kind !== 'metadata';
    const ownTrivia = inBuilder ? '' : trivia;
    switch (kind) {
      case 'context':
      case 'setup':
      case 'copy-from':
        emit(inBuilder ? newline : trivia, body);
        break;
      case 'metadata':
        emit(trivia, plan.start.kind === 'compiles-at-start' && plan.start.instruction === info ? plan.start.replacement : body);
        break;
      case 'install': {
        const line = installLine(plan.runtimeInstalls.get(info));
        if (line) emit(ownTrivia || newline, line);
        break;
      }
      case 'other':
      case 'copy-context':
        if (index > plan.lastBuild) emit(trivia, body);
        break;
      case 'build':
        break;
    }
    if (index === plan.lastBuild) {
      for (const line of [...copies, ...plan.afterArtefacts]) emitLine(line);
      if (plan.runtimeUser?.runAs) emitLine(plan.runtimeUser.runAs);
    }
  });
  // Right after FROM: the packages no install RUN took, then the toolchain image's user.
  const head: string[] = [];
  if (extraPackages.length > 0 && runtimeFamily) {
    const install = renderInstall({ family: runtimeFamily.family.id, tool: runtimeFamily.tool, packages: extraPackages, keptCommands: [], moved: [] }, escape, newline);
    if (install) head.push(install);
  }
  if (plan.runtimeUser) head.push(plan.runtimeUser.create);
  runtimeBody = head.map((line) => newline + line).join('') + runtimeBody;
  return { text: `${before}${builder}${runtimeFrom}${runtimeBody}${tail}${after}`, builderStage: builderName, addedStages: needsBuilderStage ? 1 : 0 };
}

/** Where the comment block directly above a line starts, so it moves with the line. */
function leadingTriviaStart(text: string, start: number): number {
  let begin = start;
  for (;;) {
    const previousEnd = begin - 1;
    if (previousEnd <= 0) return begin;
    const previousStart = text.lastIndexOf('\n', previousEnd - 1) + 1;
    const line = text.slice(previousStart, previousEnd).trim();
    if (!line.startsWith('#')) return begin;
    begin = previousStart;
  }
}

function chownFor(model: DockerfileModel, plan: Plan): string | undefined {
  const copy = plan.instructions.find((_, index) => plan.kinds[index] === 'copy-context' && index <= plan.lastBuild);
  return (copy ? model.flagsOf(copy) : []).find((flag) => flag.name.toLowerCase() === 'chown')?.value;
}

function copyLine(from: string, to: string, builder: string, chown: string | undefined): string {
  const flags = `--from=${builder}${chown ? ` --chown=${chown}` : ''}`;
  return /\s/.test(from + to) ? `COPY ${flags} ${JSON.stringify([from, to])}` : `COPY ${flags} ${from} ${to}`;
}
