import type { AnalysisContext } from '../analysis/context';
import type { InstructionInfo } from '../model';
import type { FixHint, TextEdit } from '../types';

/** Whether a RUN is in shell form without heredocs: the only form small fixes edit. */
function editableRun(context: AnalysisContext, info: InstructionInfo): boolean {
  const text = context.model.text.slice(info.start, info.end);
  return /^RUN\s+(?!\[)/i.test(text.replace(/\s--[a-z]+=\S+/gi, '')) && !text.includes('<<');
}

/** Inserts `text` (e.g. " --no-install-recommends") right after a command's verb. */
export function insertAfter(context: AnalysisContext, info: InstructionInfo, offset: number, text: string, title: string): FixHint[] {
  if (!editableRun(context, info)) return [];
  return [{ kind: 'edits', title, edits: [{ range: context.model.rangeOf(offset, offset), newText: text }] }];
}

/** Appends `&& command` to the end of a RUN on a continuation line. */
export function appendCommand(context: AnalysisContext, info: InstructionInfo, command: string, title: string): FixHint[] {
  if (!editableRun(context, info)) return [];
  return [{ kind: 'edits', title, edits: [{ range: context.model.rangeOf(info.end, info.end), newText: continuation(context, command) }] }];
}

export function continuation(context: AnalysisContext, command: string): string {
  const newline = context.model.text.includes('\r\n') ? '\r\n' : '\n';
  return ` ${context.model.escapeChar}${newline} && ${command}`;
}

/**
 * Moves the commands of `later` (a RUN that only removes things) to the end of `earlier` and deletes
 * `later`; safe only when nothing stands between the two RUNs.
 */
export function mergeInto(context: AnalysisContext, earlier: InstructionInfo, later: InstructionInfo, title: string): FixHint[] {
  const instructions = earlier.stage.instructions;
  const adjacent = instructions.indexOf(later) === instructions.indexOf(earlier) + 1;
  if (!adjacent || !editableRun(context, earlier) || !editableRun(context, later)) return [];
  const text = context.model.text;
  const laterCommands = text.slice(later.start, later.end).replace(/^RUN\s+/i, '');
  const edits: TextEdit[] = [
    // One edit from the end of the earlier RUN to the end of the later one: the later RUN's text is replaced.
    { range: context.model.rangeOf(earlier.end, later.end), newText: continuation(context, laterCommands) },
  ];
  return [{ kind: 'edits', title, edits }];
}
