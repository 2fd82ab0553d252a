import type { ShellSource } from './source-map';
import { shellParser, type SyntaxNode, type TreeCursor } from './tree-sitter';

/** One word of a command line after quote removal and expansion of variables we can know. */
export interface ShellArg {
  /** Undefined when the value depends on something unknown (`$(cmd)`, an unset variable). */
  readonly value: string | undefined;
  readonly start: number;
  readonly end: number;
  /** Set when the value came from expanding this variable (`$BUILD_DEPS`). */
  readonly viaVariable?: string;
}

export interface ShellCommand {
  readonly args: readonly ShellArg[];
  /** Document offsets of the whole simple command. */
  readonly start: number;
  readonly end: number;
  /** The command as the shell text spells it (continuations removed). */
  readonly text: string;
  /** The working directory at this command, following `cd` within the RUN; undefined if unknown. */
  readonly cwd: string | undefined;
}

export interface ShellParseError {
  readonly message: string;
  readonly start: number;
  readonly end: number;
}

export interface ParsedShell {
  readonly commands: readonly ShellCommand[];
  readonly error?: ShellParseError;
}

export type VariableLookup = (name: string) => string | undefined;

// A parse is turned into this plain, source-independent form and cached by the shell text, so an
// edit re-parses only the RUN it touched. Variables are expanded afterwards, per analysis.
type Segment =
  | { readonly literal: string; readonly quoted: boolean }
  | { readonly parameter: string; readonly operator: string | undefined; readonly operand: string | undefined; readonly quoted: boolean };

interface WordTemplate {
  readonly start: number;
  readonly end: number;
  /** Undefined when a part can never be known statically (command substitution, arithmetic). */
  readonly segments: readonly Segment[] | undefined;
}

type ScriptItem =
  | { readonly kind: 'command'; readonly words: readonly WordTemplate[]; readonly start: number; readonly end: number }
  | { readonly kind: 'assignment'; readonly name: string; readonly value: WordTemplate | undefined };

interface Script {
  readonly items: readonly ScriptItem[];
  readonly error: { readonly message: string; readonly start: number; readonly end: number } | undefined;
}

// A few hundred distinct RUN texts cover any editing session; the entries are small.
const CACHE_LIMIT = 1024;
const scriptCache = new Map<string, Script>();

function scriptOf(text: string): Script {
  const cached = scriptCache.get(text);
  if (cached) {
    scriptCache.delete(text); // keep recently used entries at the end
    scriptCache.set(text, cached);
    return cached;
  }
  const script = parseScript(text);
  if (scriptCache.size >= CACHE_LIMIT) scriptCache.delete(scriptCache.keys().next().value!);
  scriptCache.set(text, script);
  return script;
}

/** Forgets the cached shell parses of RUN lines. */
export function clearShellCache(): void {
  scriptCache.clear();
}

function parseScript(text: string): Script {
  const tree = shellParser().parse(text);
  if (!tree) return { items: [], error: { message: 'the shell parser gave up', start: 0, end: text.length } };
  const cursor = tree.walk();
  try {
    const items: ScriptItem[] = [];
    collect(cursor, text, items);
    return { items, error: tree.rootNode.hasError ? describeError(tree.rootNode, text) : undefined };
  } finally {
    cursor.delete();
    tree.delete();
  }
}

// Nodes whose insides run as separate programs or are data: not commands of this RUN.
const OPAQUE = new Set(['command_substitution', 'process_substitution', 'heredoc_body', 'arithmetic_expansion', 'comment', 'string', 'raw_string']);

/**
 * Walks the tree with one cursor: a Node object per syntax node would be allocated for every word,
 * and a RUN can install thousands of packages. Only words that are not plain need their Node.
 */
function collect(cursor: TreeCursor, text: string, items: ScriptItem[]): void {
  const type = cursor.nodeType;
  if (type === 'command') {
    const words: WordTemplate[] = [];
    const start = cursor.startIndex;
    const end = cursor.endIndex;
    if (cursor.gotoFirstChild()) {
      do {
        if (!cursor.nodeIsNamed) continue;
        const childType = cursor.nodeType;
        if (childType === 'variable_assignment' || childType.endsWith('_redirect')) continue;
        if (childType === 'command_name') {
          // The command's name is its first named child (a word, a string, an expansion).
          let named = false;
          if (cursor.gotoFirstChild()) {
            while (!(named = cursor.nodeIsNamed) && cursor.gotoNextSibling());
            if (named) words.push(cursorWord(cursor, text));
            cursor.gotoParent();
          }
          if (!named) words.push(cursorWord(cursor, text));
          continue;
        }
        words.push(cursorWord(cursor, text));
      } while (cursor.gotoNextSibling());
      cursor.gotoParent();
    }
    if (words.length > 0) items.push({ kind: 'command', words, start, end });
    return;
  }
  if (type === 'variable_assignment') {
    const node = cursor.currentNode;
    const name = node.childForFieldName('name')?.text;
    const value = node.childForFieldName('value');
    if (name) items.push({ kind: 'assignment', name, value: value ? wordTemplate(value, text) : { start: node.endIndex, end: node.endIndex, segments: [] } });
    return;
  }
  if (OPAQUE.has(type)) return;
  if (cursor.gotoFirstChild()) {
    do {
      if (cursor.nodeIsNamed) collect(cursor, text, items);
    } while (cursor.gotoNextSibling());
    cursor.gotoParent();
  }
}

/** The word under the cursor: plain words straight from the text, others from their Node. */
function cursorWord(cursor: TreeCursor, text: string): WordTemplate {
  const type = cursor.nodeType;
  if (type === 'word' || type === 'number') {
    const start = cursor.startIndex;
    const end = cursor.endIndex;
    return { start, end, segments: [{ literal: unescapeUnquoted(text.slice(start, end)), quoted: false }] };
  }
  return wordTemplate(cursor.currentNode, text);
}

function wordTemplate(node: SyntaxNode, text: string): WordTemplate {
  const segments: Segment[] = [];
  const known = appendSegments(node, text, false, segments);
  return { start: node.startIndex, end: node.endIndex, segments: known ? segments : undefined };
}

/** Appends a word part's segments; false when the part cannot be known statically. */
function appendSegments(node: SyntaxNode, text: string, quoted: boolean, out: Segment[]): boolean {
  switch (node.type) {
    case 'word':
    case 'number':
    case 'string_content':
      out.push({ literal: quoted ? unescapeDoubleQuoted(node.text) : unescapeUnquoted(node.text), quoted });
      return true;
    case 'raw_string':
      out.push({ literal: node.text.slice(1, -1), quoted: true });
      return true;
    case 'simple_expansion': {
      const name = node.namedChild(0);
      if (!name || name.type !== 'variable_name') return false;
      out.push({ parameter: name.text, operator: undefined, operand: undefined, quoted });
      return true;
    }
    case 'expansion': {
      const match = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])(.*))?\}$/s.exec(node.text);
      if (!match) return false;
      out.push({ parameter: match[1]!, operator: match[2], operand: match[3], quoted });
      return true;
    }
    case 'string':
    case 'concatenation': {
      // Text between the named parts (quotes aside) is literal.
      const inner = node.type === 'string';
      let cursor = node.startIndex + (inner ? 1 : 0);
      const end = node.endIndex - (inner && node.text.endsWith('"') ? 1 : 0);
      for (const child of node.namedChildren) {
        if (!child) continue;
        if (child.startIndex > cursor) out.push({ literal: literalGap(text.slice(cursor, child.startIndex), inner || quoted), quoted: inner || quoted });
        if (!appendSegments(child, text, inner || quoted, out)) return false;
        cursor = child.endIndex;
      }
      if (end > cursor) out.push({ literal: literalGap(text.slice(cursor, end), inner || quoted), quoted: inner || quoted });
      return true;
    }
    default:
      return false; // command substitution, arithmetic, $'...', arrays
  }
}

function literalGap(raw: string, quoted: boolean): string {
  const unquoted = quoted ? raw : raw.replace(/^"|"$/g, '');
  return quoted ? unescapeDoubleQuoted(unquoted) : unescapeUnquoted(unquoted);
}

function unescapeUnquoted(raw: string): string {
  return raw.includes('\\') ? raw.replace(/\\(\n|.)/g, (_, c: string) => (c === '\n' ? '' : c)) : raw;
}

function unescapeDoubleQuoted(raw: string): string {
  return raw.includes('\\') ? raw.replace(/\\([$`"\\\n])/g, (_, c: string) => (c === '\n' ? '' : c)) : raw;
}

function describeError(root: SyntaxNode, text: string): { message: string; start: number; end: number } {
  let node: SyntaxNode | null = root;
  // Descend to the first node that is itself the error.
  for (;;) {
    const child: SyntaxNode | undefined = node.children.find((c): c is SyntaxNode => c !== null && (c.hasError || c.isMissing || c.type === 'ERROR'));
    if (!child) break;
    node = child;
    if (node.type === 'ERROR' || node.isMissing) break;
  }
  if (node.isMissing) return { message: `missing ${JSON.stringify(node.type)}`, start: node.startIndex, end: node.startIndex };
  const snippet = text.slice(node.startIndex, Math.min(node.endIndex, node.startIndex + 20));
  return { message: `unexpected ${JSON.stringify(snippet)}`, start: node.startIndex, end: node.endIndex };
}

/** Parses the shell text of a RUN and expands what the Dockerfile's variables tell. */
export function parseShell(source: ShellSource, lookup: VariableLookup, initialCwd: string | undefined): ParsedShell {
  const script = scriptOf(source.text);
  const locals = new Map<string, string | undefined>();
  const resolve: VariableLookup = (name) => (locals.has(name) ? locals.get(name) : lookup(name));
  const commands: ShellCommand[] = [];
  let cwd = initialCwd;
  for (const item of script.items) {
    if (item.kind === 'assignment') {
      const value = item.value ? expand(item.value, source, resolve) : [];
      locals.set(item.name, value.length === 1 ? value[0]!.value : value.every((v) => v.value !== undefined) ? value.map((v) => v.value).join(' ') : undefined);
      continue;
    }
    const args = item.words.flatMap((word) => expand(word, source, resolve));
    commands.push({
      args,
      start: source.documentOffset(item.start),
      end: source.documentEndOffset(item.end),
      text: source.text.slice(item.start, item.end),
      cwd,
    });
    if (args[0]?.value === 'cd') cwd = changeDirectory(cwd, args[1]?.value);
  }
  const error = script.error && {
    message: script.error.message,
    start: source.documentOffset(script.error.start),
    end: source.documentEndOffset(Math.max(script.error.end, script.error.start + 1)),
  };
  return error ? { commands, error } : { commands };
}

function expand(word: WordTemplate, source: ShellSource, resolve: VariableLookup): ShellArg[] {
  const start = source.documentOffset(word.start);
  const end = source.documentEndOffset(word.end);
  if (!word.segments) return [{ value: undefined, start, end }];
  let viaVariable: string | undefined;
  const pieces: Array<{ text: string; splittable: boolean }> = [];
  for (const segment of word.segments) {
    if ('literal' in segment) {
      pieces.push({ text: segment.literal, splittable: false });
      continue;
    }
    const value = expandParameter(segment, resolve);
    if (value === undefined) return [{ value: undefined, start, end }];
    viaVariable ??= segment.parameter;
    pieces.push({ text: value, splittable: !segment.quoted });
  }
  const values = pieces.some((piece) => piece.splittable) ? splitFields(pieces) : [pieces.map((piece) => piece.text).join('')];
  return values.map((value) => (viaVariable ? { value, start, end, viaVariable } : { value, start, end }));
}

function expandParameter(segment: Extract<Segment, { parameter: string }>, resolve: VariableLookup): string | undefined {
  const value = resolve(segment.parameter);
  switch (segment.operator) {
    case undefined:
      return value;
    case '-':
      return value === undefined ? expandOperand(segment.operand, resolve) : value;
    case ':-':
      return value === undefined || value === '' ? expandOperand(segment.operand, resolve) : value;
    case '+':
      return value === undefined ? '' : expandOperand(segment.operand, resolve);
    case ':+':
      return value === undefined || value === '' ? '' : expandOperand(segment.operand, resolve);
    default:
      return undefined;
  }
}

/** The word after `:-` in `${X:-word}`: literal text or one more simple `$NAME`. */
function expandOperand(operand: string | undefined, resolve: VariableLookup): string | undefined {
  if (operand === undefined) return '';
  const unquoted = /^(["'])(.*)\1$/s.exec(operand)?.[2] ?? operand;
  if (!unquoted.includes('$')) return unquoted;
  const variable = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(unquoted)?.[1];
  return variable ? resolve(variable) : undefined;
}

function splitFields(pieces: ReadonlyArray<{ text: string; splittable: boolean }>): string[] {
  const fields: string[] = [];
  let current = '';
  let hasCurrent = false;
  for (const piece of pieces) {
    if (!piece.splittable) {
      current += piece.text;
      hasCurrent = true;
      continue;
    }
    piece.text.split(/[ \t\n]+/).forEach((part, index) => {
      if (index > 0) {
        if (hasCurrent) fields.push(current);
        current = '';
        hasCurrent = false;
      }
      if (part !== '') {
        current += part;
        hasCurrent = true;
      }
    });
  }
  if (hasCurrent) fields.push(current);
  return fields;
}

function changeDirectory(cwd: string | undefined, target: string | undefined): string | undefined {
  if (target === undefined || target === '-') return undefined;
  if (target.startsWith('/')) return normalizePath(target);
  return cwd === undefined ? undefined : normalizePath(`${cwd}/${target}`);
}

export function normalizePath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}
