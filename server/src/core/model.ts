import { DockerfileParser, type Dockerfile, type Instruction, type From, type Arg, type Env, type JSONInstruction, type Run } from 'dockerfile-ast';
import { instructionWords, leadingFlags, type InstructionFlag, type InstructionWord } from './instruction-words';
import { LineIndex, type Range } from './text';
import { VariableScope, expandDockerfileWord, type Expansion } from './variables';
import { parseImageReference, type ImageReference } from './knowledge/images';
import { ShellSource } from './shell/source-map';
import { parseShell, normalizePath, type ParsedShell } from './shell/parse';

export interface StageInfo {
  readonly index: number;
  /** The `AS name`, lower-cased as Docker compares it. */
  readonly name: string | undefined;
  readonly from: From;
  /** The line the FROM's AST counts from. */
  readonly astLine: number;
  readonly fromStart: number;
  readonly fromEnd: number;
  /** The image reference with ARG defaults expanded; a variable without a default stays as written. */
  readonly imageText: string;
  readonly image: ImageReference;
  readonly imageStart: number;
  readonly imageEnd: number;
  /** The earlier stage this one is built FROM, if any. */
  readonly parent: StageInfo | undefined;
  readonly instructions: readonly InstructionInfo[];
  /** Rule ids suppressed on the FROM line by a `# multistage-ignore=` comment. */
  readonly suppressed: ReadonlySet<string>;
  /** ENV values at the end of the stage, which a stage built FROM this one inherits. */
  readonly environment: VariableScope;
}

export interface InstructionInfo {
  readonly node: Instruction;
  readonly keyword: string;
  readonly stage: StageInfo;
  /** Position among all instructions of the file. */
  readonly ordinal: number;
  readonly start: number;
  readonly end: number;
  readonly scope: VariableScope;
  /** Absolute WORKDIR in effect, or undefined when the base image decides it. */
  readonly workdir: string | undefined;
  /** Rule ids suppressed by a `# multistage-ignore=` comment on the line before. */
  readonly suppressed: ReadonlySet<string>;
  /** The line (as Docker counts) the AST of this instruction counts from: its positions are relative to it. */
  readonly astLine: number;
  /** False after a SHELL instruction that selects a non-POSIX shell. */
  readonly posixShell: boolean;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const SUPPRESSION = /^multistage-ignore=([\w,\s-]+)$/;
const POSIX_SHELLS = /(^|\/)(sh|bash|dash|ash|zsh|ksh)$/;

// Docker ends a line only at \n (or \r\n): a lone \r is part of the line. dockerfile-ast and LSP
// clients also end lines there, so the parser reads a copy with each lone \r replaced by this
// character (same length, same offsets) and splits instructions where Docker does.
const LONE_CR = /\r(?!\n)/g;
const LONE_CR_STAND_IN = '\uE000';

/**
 * BuildKit's automatic platform ARGs (usable in FROM, and in a stage after `ARG NAME`), as on the
 * linux/amd64 machines most images are built on: `FROM build-${TARGETARCH}` then names a stage.
 */
const PLATFORM_ARGS: Readonly<Record<string, string>> = {
  TARGETPLATFORM: 'linux/amd64', TARGETOS: 'linux', TARGETARCH: 'amd64', TARGETVARIANT: '',
  BUILDPLATFORM: 'linux/amd64', BUILDOS: 'linux', BUILDARCH: 'amd64', BUILDVARIANT: '',
};

/** One parsed Dockerfile: stages, scopes and lazily parsed RUN commands. Built once per text. */
export class DockerfileModel {
  /** Lines as the editor counts them: every position a client sees is in these. */
  readonly lines: LineIndex;
  /** Lines as Docker (and so the parsed AST) counts them; the same object when there is no lone \r. */
  private readonly parsedLines: LineIndex;
  private readonly chunks: readonly Chunk[];
  readonly escapeChar: string;
  readonly globalScope: VariableScope;
  readonly stages: readonly StageInfo[];
  readonly instructions: readonly InstructionInfo[];
  private readonly shellCache = new Map<InstructionInfo, ParsedShell | undefined>();
  private readonly wordsCache = new Map<number, InstructionWords>();
  private stagesByName: Map<string, StageInfo> | undefined;

  constructor(readonly text: string) {
    this.lines = new LineIndex(text);
    const dockerLines = text.includes('\r') ? text.replace(LONE_CR, LONE_CR_STAND_IN) : text;
    const { parserText, comments, fromLines, escape } = forParser(dockerLines);
    this.parsedLines = dockerLines === text ? this.lines : new LineIndex(dockerLines);
    this.chunks = parseChunks(parserText, fromLines, escape);
    const head = this.chunks[0]!.ast;
    this.escapeChar = head.getEscapeCharacter();
    this.globalScope = VariableScope.of([
      ...Object.entries(PLATFORM_ARGS),
      ...(this.chunks[0]!.line === 0 ? head.getInitialARGs() : []).flatMap((arg) => {
        const property = arg.getProperty();
        if (!property) return [];
        const name = property.getName();
        // `ARG TARGETARCH` without a default declares the automatic value; it does not unset it.
        return [[name, property.getValue() ?? PLATFORM_ARGS[name]] as const];
      }),
    ]);
    const suppressions = suppressionsByLine(comments);
    const { stages, instructions } = this.collectStages(suppressions);
    this.stages = stages;
    this.instructions = instructions;
  }

  rangeOf(start: number, end: number): Range {
    return this.lines.rangeOf(start, end);
  }

  /** 1-based line number of an offset as the editor shows it, for messages. */
  lineNumberAt(offset: number): number {
    return this.lines.positionAt(offset).line + 1;
  }

  /** Document offsets of a range dockerfile-ast reported for a node of this instruction or stage. */
  offsetOf(range: Range, owner: { readonly astLine: number }): { start: number; end: number } {
    return { start: this.offsetAtParsed(range.start, owner.astLine), end: this.offsetAtParsed(range.end, owner.astLine) };
  }

  private offsetAtParsed(position: Range['start'], astLine: number): number {
    return this.parsedLines.offsetAt(astLine === 0 ? position : { line: position.line + astLine, character: position.character });
  }

  /** The stage with this name or index, or undefined. */
  findStage(nameOrIndex: string): StageInfo | undefined {
    const key = nameOrIndex.toLowerCase();
    if (/^\d+$/.test(key)) return this.stages[Number(key)];
    if (!this.stagesByName) {
      this.stagesByName = new Map();
      for (const stage of this.stages) if (stage.name !== undefined && !this.stagesByName.has(stage.name)) this.stagesByName.set(stage.name, stage);
    }
    return this.stagesByName.get(key);
  }

  /** The target stage and every stage it is built FROM: the image that ships. */
  runtimeStages(target: string | undefined): { stages: readonly StageInfo[]; target: StageInfo | undefined; targetFound: boolean } {
    const requested = target ? this.findStage(target) : undefined;
    const final = requested ?? this.stages[this.stages.length - 1];
    const chain: StageInfo[] = [];
    for (let stage: StageInfo | undefined = final; stage && !chain.includes(stage); stage = stage.parent) chain.unshift(stage);
    return { stages: chain, target: final, targetFound: !target || requested !== undefined };
  }

  /** The shell commands of a RUN, parsed once; undefined for a non-POSIX SHELL. */
  shellOf(info: InstructionInfo): ParsedShell | undefined {
    if (this.shellCache.has(info)) return this.shellCache.get(info);
    const parsed = this.parseRun(info);
    this.shellCache.set(info, parsed);
    return parsed;
  }

  /** The parse of a RUN if some rule already asked for it; never parses. */
  parsedShellIfAny(info: InstructionInfo): ParsedShell | undefined {
    return this.shellCache.get(info);
  }

  /** The raw text of an instruction's arguments, for cheap pre-filters before parsing. */
  argumentsText(info: InstructionInfo): string {
    return this.text.slice(info.start, info.end);
  }

  /**
   * The words of an instruction (or a stage's FROM) after its keyword: leading `--flags`, then the
   * rest, with document offsets; tokenized once per instruction.
   */
  wordsOf(info: { readonly start: number; readonly end: number } | StageInfo): InstructionWords {
    const [start, end] = 'fromStart' in info ? [info.fromStart, info.fromEnd] : [info.start, info.end];
    let words = this.wordsCache.get(start);
    if (!words) {
      const all = instructionWords(this.text, start, end, this.escapeChar);
      const { flags, rest } = leadingFlags(all);
      words = { flags, words: all.slice(rest), keywordEnd: keywordEnd(this.text, start, end) };
      this.wordsCache.set(start, words);
    }
    return words;
  }

  /** The `--name=value` flags of an instruction (COPY --from, RUN --mount, FROM --platform). */
  flagsOf(info: { readonly start: number; readonly end: number } | StageInfo): readonly InstructionFlag[] {
    return this.wordsOf(info).flags;
  }

  /** Where a RUN's command starts: after the keyword and any --mount/--network flags. */
  private runArgumentsStart(info: InstructionInfo): number {
    // Only the leading flags are read: a RUN's words are the shell parser's.
    const flags = leadingFlags(instructionWords(this.text, info.start, info.end, this.escapeChar, true)).flags;
    return flags.length > 0 ? flags[flags.length - 1]!.end : keywordEnd(this.text, info.start, info.end);
  }

  private parseRun(info: InstructionInfo): ParsedShell | undefined {
    if (!info.posixShell) return undefined;
    const lookup = (name: string) => info.scope.get(name);
    const run = info.node as Run;
    const jsonStrings = run.getJSONStrings();
    if (jsonStrings.length > 0) return this.parseExecForm(info, run);
    const start = this.runArgumentsStart(info);
    // getHeredocs() re-tokenizes the instruction: ask only when a heredoc is possible.
    const heredocs = this.text.slice(start, info.end).includes('<<') ? run.getHeredocs() : [];
    if (heredocs.length > 0) {
      const firstLineEnd = this.text.indexOf('\n', start);
      const firstLine = this.text.slice(start, firstLineEnd < 0 ? info.end : firstLineEnd).trim();
      const content = heredocs[0]!.getContentRange();
      // `RUN <<EOF` alone runs the heredoc's body as the script; otherwise the shell gets it all.
      if (/^<<-?["']?\w+["']?$/.test(firstLine)) {
        if (!content) return { commands: [] };
        const bodyStart = this.offsetAtParsed(content.start, info.astLine);
        const bodyEnd = this.offsetAtParsed(content.end, info.astLine);
        const body = this.text.slice(bodyStart, bodyEnd);
        if (/^#!(?!.*\b(sh|bash|dash|ash)\b)/.test(body)) return undefined;
        return parseShell(ShellSource.verbatim(body, bodyStart), lookup, info.workdir);
      }
      return parseShell(ShellSource.verbatim(this.text.slice(start, info.end), start), lookup, info.workdir);
    }
    return parseShell(ShellSource.fromDocument(this.text, start, info.end, this.escapeChar), lookup, info.workdir);
  }

  /** `RUN ["apt-get", "install", "gcc"]` runs without a shell; `["sh", "-c", "..."]` runs one. */
  private parseExecForm(info: InstructionInfo, run: JSONInstruction): ParsedShell {
    const strings = run.getJSONStrings().map((s) => {
      const { start, end } = this.offsetOf(s.getRange(), info);
      return { value: jsonStringValue(this.text.slice(start, end)) ?? s.getJSONValue(), start, end };
    });
    const values = strings.map((s) => s.value);
    if (values.length >= 3 && POSIX_SHELLS.test(values[0]!) && values[1] === '-c') {
      const script = strings[2]!;
      // Offsets are exact unless the JSON string uses escapes; then they drift within the string.
      return parseShell(ShellSource.verbatim(script.value, script.start + 1), (name) => info.scope.get(name), info.workdir);
    }
    const start = strings[0]!.start;
    const end = strings[strings.length - 1]!.end;
    return { commands: [{ args: strings, start, end, text: values.join(' '), cwd: info.workdir }] };
  }


  private collectStages(suppressions: Map<number, Set<string>>): { stages: StageInfo[]; instructions: InstructionInfo[] } {
    const stages: Array<Mutable<StageInfo>> = [];
    const stagesByName = new Map<string, Mutable<StageInfo>>();
    const instructions: InstructionInfo[] = [];
    const globalLookup = (name: string) => this.globalScope.get(name);
    const noSuppression: ReadonlySet<string> = new Set();
    let current: { stage: Mutable<StageInfo>; list: InstructionInfo[] } | undefined;
    let scope = VariableScope.empty();
    let environment = VariableScope.empty();
    let workdir: string | undefined;
    let posixShell = true;
    let ordinal = 0;

    for (const { node, astLine } of this.chunks.flatMap((chunk) => chunk.ast.getInstructions().map((node) => ({ node, astLine: chunk.line })))) {
      const keyword = node.getKeyword();
      const range = node.getRange();
      const start = this.offsetAtParsed(range.start, astLine);
      const end = this.offsetAtParsed(range.end, astLine);
      if (keyword === 'FROM') {
        const from = node as From;
        const fromWords = this.wordsOf({ start, end }).words;
        const imageArgument = fromWords[0];
        const stageName = fromWords[1]?.value.toUpperCase() === 'AS' ? fromWords[2]?.value : undefined;
        const imageText = imageArgument?.value ?? '';
        const expanded = expandDockerfileWord(imageText, globalLookup, this.escapeChar, true).value;
        const parent = stagesByName.get(expanded.toLowerCase());
        const list: InstructionInfo[] = [];
        const stage: Mutable<StageInfo> = {
          index: stages.length,
          name: stageName?.toLowerCase(),
          from,
          astLine,
          fromStart: start,
          fromEnd: end,
          imageText: expanded,
          image: parseImageReference(expanded),
          imageStart: imageArgument?.start ?? start,
          imageEnd: imageArgument?.end ?? end,
          parent,
          instructions: list,
          suppressed: suppressions.get(astLine + range.start.line - 1) ?? noSuppression,
          environment: VariableScope.empty(),
        };
        if (current) current.stage.environment = environment;
        stages.push(stage);
        // The first stage of a name is the one Docker's FROM and COPY --from refer to.
        if (stage.name !== undefined && !stagesByName.has(stage.name)) stagesByName.set(stage.name, stage);
        current = { stage, list };
        // ENV, WORKDIR and SHELL carry over from a parent stage; ARG values end with their stage.
        const parentLast = parent?.instructions[parent.instructions.length - 1];
        environment = parent ? parent.environment : VariableScope.empty();
        scope = environment;
        workdir = parentLast?.workdir;
        posixShell = parentLast?.posixShell ?? true;
        ordinal++;
        continue;
      }
      if (!current) continue; // instructions before the first FROM other than ARG are errors Docker reports
      if (keyword === 'ARG') {
        const property = (node as Arg).getProperty();
        if (property) {
          const name = property.getName();
          const raw = property.getValue();
          const value = raw === null ? this.globalScope.get(name) : knownValue(expandDockerfileWord(raw, (n) => scope.get(n), this.escapeChar));
          scope = scope.with(name, value);
        }
      } else if (keyword === 'ENV') {
        for (const property of (node as Env).getProperties()) {
          const raw = property.getValue() ?? '';
          const value = knownValue(expandDockerfileWord(raw, (n) => scope.get(n), this.escapeChar));
          scope = scope.with(property.getName(), value);
          environment = environment.with(property.getName(), value);
        }
      } else if (keyword === 'WORKDIR') {
        const raw = node.getArgumentsContent() ?? '';
        const path = expandDockerfileWord(raw.trim(), (n) => scope.get(n), this.escapeChar).value;
        if (path.startsWith('/')) workdir = normalizePath(path);
        else if (path) workdir = normalizePath(`${workdir ?? ''}/${path}`);
      } else if (keyword === 'SHELL') {
        const first = (node as JSONInstruction).getJSONStrings()[0]?.getJSONValue();
        posixShell = first !== undefined && POSIX_SHELLS.test(first);
      }
      const info: InstructionInfo = {
        node,
        keyword,
        stage: current.stage,
        ordinal: ordinal++,
        start,
        end,
        scope,
        workdir,
        suppressed: suppressions.get(astLine + range.start.line - 1) ?? noSuppression,
        astLine,
        posixShell,
      };
      current.list.push(info);
      instructions.push(info);
    }
    if (current) current.stage.environment = environment;
    return { stages, instructions };
  }
}

/** A value too long to be real is unknown, so it is never pasted into findings or a rewrite. */
function knownValue(expansion: Expansion): string | undefined {
  return expansion.overflow ? undefined : expansion.value;
}

/** The value of a JSON string literal as written (dockerfile-ast's getJSONValue drops spaces). */
function jsonStringValue(literal: string): string | undefined {
  try {
    const value: unknown = JSON.parse(literal);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

export interface InstructionWords {
  readonly flags: readonly InstructionFlag[];
  /** The words after the flags. */
  readonly words: readonly InstructionWord[];
  /** Where the keyword ends. */
  readonly keywordEnd: number;
}

function keywordEnd(text: string, start: number, end: number): number {
  let i = start;
  while (i < end && !/[ \t\r\n]/.test(text[i]!)) i++;
  return i;
}

interface CommentLine {
  /** 0-based line, as Docker counts lines. */
  readonly line: number;
  /** The text after `#`. */
  readonly content: string;
}

const HEREDOC_START = /(?<!<)<<(-?)\s*(["']?)([A-Za-z_][\w.-]*)\2/g;

// dockerfile-ast builds each argument one character at a time, which on a line of a megabyte keeps
// V8's young-generation collector copying the growing string: most of such a line's cost. The
// analysis reads RUN lines from the document itself, so the parser may see the middle of an
// overlong one as blanks: its start (flags) and its last word (where the instruction ends) stay.
const OVERLONG_LINE = 65536;
const OVERLONG_KEEP = 4096;

/** The part of an overlong RUN line the parser can see as blanks: never quotes, escapes, JSON brackets, heredocs, variables or comments. */
function overlongBlank(content: string): readonly [number, number] | undefined {
  const trimmed = content.trimEnd();
  const lastWord = Math.max(trimmed.lastIndexOf(' '), trimmed.lastIndexOf('\t')) + 1;
  if (lastWord <= OVERLONG_KEEP) return undefined;
  const middle = content.slice(OVERLONG_KEEP, lastWord);
  return /["'`\\[\]<$#\r]/.test(middle) ? undefined : [OVERLONG_KEEP, lastWord];
}

/**
 * The text dockerfile-ast parses, and the comment lines. dockerfile-ast files every comment under
 * its build stage by testing it against every stage (comments x stages), which made long files
 * quadratic; the analysis reads only its own suppression comments. So comment lines after the
 * first instruction become blanks of the same length (offsets and instructions are unchanged:
 * Docker skips both inside a continuation), and heredoc bodies are left as they are. The middle of
 * an overlong RUN line becomes blanks too (see OVERLONG_LINE).
 */
function forParser(text: string): { parserText: string; comments: CommentLine[]; fromLines: Array<{ line: number; offset: number }>; escape: string } {
  const comments: CommentLine[] = [];
  const blanks: Array<readonly [number, number]> = [];
  const fromLines: Array<{ line: number; offset: number }> = [];
  let instructionSeen = false;
  let escape = '\\';
  let continued = false;
  let inRun = false;
  const heredocEnds: Array<{ word: string; stripTabs: boolean }> = [];
  let line = 0;
  for (let start = 0; start <= text.length; line++) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    const content = text.slice(start, end).replace(/\r$/, '');
    if (heredocEnds.length > 0) {
      const { word, stripTabs } = heredocEnds[0]!;
      if ((stripTabs ? content.replace(/^\t+/, '') : content) === word) heredocEnds.shift();
    } else {
      const comment = /^[ \t]*#/.exec(content);
      if (comment) {
        comments.push({ line, content: content.slice(comment[0].length) });
        if (!instructionSeen) escape = /^\s*escape\s*=\s*(\S)\s*$/i.exec(content.slice(comment[0].length))?.[1] ?? escape;
        if (instructionSeen) blanks.push([start, start + content.length]);
      } else if (content.trim() !== '') {
        instructionSeen = true;
        // A stage starts at a FROM that no escaped line break continues into.
        if (!continued && /^[ \t]*from([ \t]|$)/i.test(content)) fromLines.push({ line, offset: start });
        if (!continued) inRun = /^[ \t]*run([ \t]|$)/i.test(content);
        if (inRun && content.length > OVERLONG_LINE) {
          const blank = overlongBlank(content);
          if (blank) blanks.push([start + blank[0], start + blank[1]]);
        }
        continued = content.trimEnd().endsWith(escape);
        if (content.includes('<<')) {
          for (const match of content.matchAll(HEREDOC_START)) heredocEnds.push({ word: match[3]!, stripTabs: match[1] === '-' });
        }
      }
    }
    if (newline < 0) break;
    start = newline + 1;
  }
  if (blanks.length === 0) return { parserText: text, comments, fromLines, escape };
  let parserText = '';
  let copied = 0;
  for (const [from, to] of blanks) {
    parserText += text.slice(copied, from) + ' '.repeat(to - from);
    copied = to;
  }
  return { parserText: parserText + text.slice(copied), comments, fromLines, escape };
}

function suppressionsByLine(comments: readonly CommentLine[]): Map<number, Set<string>> {
  const byLine = new Map<number, Set<string>>();
  for (const comment of comments) {
    const match = SUPPRESSION.exec(comment.content.trim());
    if (!match) continue;
    byLine.set(comment.line, new Set(match[1]!.split(',').map((id) => id.trim()).filter(Boolean)));
  }
  return byLine;
}

/** A part of the file dockerfile-ast parses on its own: what comes before the first FROM, then each stage. */
interface Chunk {
  readonly ast: Dockerfile;
  /** The line (as Docker counts lines) the chunk starts on: its AST's line 0. */
  readonly line: number;
}

// Parses are kept by the chunk's text: an edit re-parses only the stage it touched. A few hundred
// stages cover any editing session.
const CHUNK_CACHE_LIMIT = 512;
const chunkCache = new Map<string, Dockerfile>();

/** Forgets the cached parses of stages. */
export function clearChunkCache(): void {
  chunkCache.clear();
}

function parseChunk(text: string): Dockerfile {
  const cached = chunkCache.get(text);
  if (cached) {
    chunkCache.delete(text); // keep recently used entries at the end
    chunkCache.set(text, cached);
    return cached;
  }
  const ast = DockerfileParser.parse(text);
  if (chunkCache.size >= CHUNK_CACHE_LIMIT) chunkCache.delete(chunkCache.keys().next().value!);
  chunkCache.set(text, ast);
  return ast;
}

/**
 * The file as chunks dockerfile-ast parses one by one: before the first FROM (parser directives,
 * global ARGs), then one per stage. A stage's instructions never reach past the next stage's FROM,
 * so this parses as the whole file does; a file with another escape character is parsed whole.
 */
function parseChunks(parserText: string, fromLines: ReadonlyArray<{ line: number; offset: number }>, escape: string): Chunk[] {
  if (escape !== '\\' || fromLines.length < 2) return [{ ast: parseChunk(parserText), line: 0 }];
  const chunks: Chunk[] = [];
  const first = fromLines[0]!;
  if (first.offset > 0) chunks.push({ ast: parseChunk(parserText.slice(0, first.offset)), line: 0 });
  fromLines.forEach((from, index) => {
    const end = fromLines[index + 1]?.offset ?? parserText.length;
    chunks.push({ ast: parseChunk(parserText.slice(from.offset, end)), line: from.line });
  });
  return chunks;
}
