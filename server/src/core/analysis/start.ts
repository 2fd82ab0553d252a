import type { JSONInstruction } from 'dockerfile-ast';
import { basename } from '../commands/argv';
import type { DockerfileModel, InstructionInfo, StageInfo } from '../model';

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh']);

/** What the container starts with: ENTRYPOINT's words if any (CMD then only adds arguments), else CMD's. */
export interface StartCommand {
  readonly instruction: InstructionInfo;
  readonly keyword: 'CMD' | 'ENTRYPOINT';
  /** The words, with `sh -c "script"` opened up into the script's words. */
  readonly words: readonly string[];
}

/** The start command of the image the stages make (a stage inherits its parent's). */
export function startCommand(model: DockerfileModel, stages: readonly StageInfo[]): StartCommand | undefined {
  const instructions = stages.flatMap((stage) => stage.instructions);
  const last = (keyword: string) => [...instructions].reverse().find((info) => info.keyword === keyword);
  const instruction = last('ENTRYPOINT') ?? last('CMD');
  if (!instruction) return undefined;
  const words = wordsOf(model, instruction);
  return words.length > 0 ? { instruction, keyword: instruction.keyword as 'CMD' | 'ENTRYPOINT', words } : undefined;
}

function wordsOf(model: DockerfileModel, instruction: InstructionInfo): string[] {
  const json = (instruction.node as JSONInstruction).getJSONStrings();
  if (json.length > 0) {
    const words = json.map((s) => {
      const { start, end } = model.offsetOf(s.getRange(), instruction);
      try {
        return String(JSON.parse(model.text.slice(start, end)));
      } catch {
        return s.getJSONValue();
      }
    });
    if (words.length >= 3 && SHELLS.has(basename(words[0]) ?? '') && words[1] === '-c') return words[2]!.trim().split(/\s+/);
    return words;
  }
  return model.wordsOf(instruction).words.map((word) => word.value);
}

/** The ENTRYPOINT, CMD and HEALTHCHECK text of the stages: what the running container does. */
export function startText(model: DockerfileModel, stages: readonly StageInfo[]): string {
  return stages
    .flatMap((stage) => stage.instructions)
    .filter((info) => info.keyword === 'ENTRYPOINT' || info.keyword === 'CMD' || info.keyword === 'HEALTHCHECK')
    .map((info) => model.argumentsText(info))
    .join('\n');
}

/** The path of the script the container starts (`./run.sh`, `bash entrypoint.sh`), if it starts one. */
export function startScript(start: StartCommand | undefined): string | undefined {
  if (!start) return undefined;
  const [first, second] = start.words;
  if (first && SHELLS.has(basename(first) ?? '') && second && !second.startsWith('-')) return second;
  if (first && (/\.(sh|bash)$/.test(first) || /(^|\/)docker-entrypoint$|entrypoint$/.test(first))) return first;
  return undefined;
}

/** Whether the container starts a script (whose commands the Dockerfile does not show). */
export function startScriptKind(model: DockerfileModel, stages: readonly StageInfo[]): 'script' | 'none' {
  return startScript(startCommand(model, stages)) ? 'script' : 'none';
}
