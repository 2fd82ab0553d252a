/**
 * Variables as the Dockerfile frontend sees them: ARG and ENV values in scope at an instruction.
 * A scope is immutable and every instruction keeps its own, so `with` must not copy: scopes made
 * one after another share an append-only store (each name's values with the version that set
 * them), and a lookup is a binary search in that name's history. A file of thousands of ARG or
 * ENV lines then costs linear time and memory instead of quadratic.
 */
export class VariableScope {
  private constructor(
    private readonly store: ScopeStore,
    private readonly version: number,
    /** The scope this one was started from (a parent stage's environment), read after the store. */
    private readonly base: VariableScope | undefined,
  ) {}

  static empty(): VariableScope {
    return new VariableScope(new ScopeStore(), 0, undefined);
  }

  static of(entries: Iterable<readonly [string, string | undefined]>): VariableScope {
    let scope = VariableScope.empty();
    for (const [name, value] of entries) scope = scope.with(name, value);
    return scope;
  }

  /** The value, or undefined when unset or set without a default (a build argument may supply it). */
  get(name: string): string | undefined {
    return this.lookup(name)?.value;
  }

  has(name: string): boolean {
    return this.lookup(name) !== undefined;
  }

  with(name: string, value: string | undefined): VariableScope {
    // Only the newest scope of a store can append to it; an older one starts a store of its own.
    if (this.version !== this.store.version) return new VariableScope(new ScopeStore(), 0, this).with(name, value);
    return new VariableScope(this.store, this.store.set(name, value), this.base);
  }

  private lookup(name: string): { value: string | undefined } | undefined {
    return this.store.at(name, this.version) ?? this.base?.lookup(name);
  }
}

class ScopeStore {
  version = 0;
  private readonly histories = new Map<string, Array<{ readonly version: number; readonly value: string | undefined }>>();

  set(name: string, value: string | undefined): number {
    this.version++;
    let history = this.histories.get(name);
    if (!history) this.histories.set(name, (history = []));
    history.push({ version: this.version, value });
    return this.version;
  }

  /** The last value set at or before `version`. */
  at(name: string, version: number): { value: string | undefined } | undefined {
    const history = this.histories.get(name);
    if (!history || history[0]!.version > version) return undefined;
    let low = 0;
    let high = history.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (history[mid]!.version <= version) low = mid;
      else high = mid - 1;
    }
    return history[low];
  }
}

export interface Expansion {
  readonly value: string;
  /** False when some variable had no known value; the value then holds what could be expanded. */
  readonly complete: boolean;
  /** True when the value grew past MAX_EXPANDED_LENGTH and was cut there: treat it as unknown. */
  readonly overflow?: boolean;
}

/**
 * No real ARG or ENV value is this long, but `ENV A=$A$A` repeated doubles a value each line: past
 * this length a value counts as unknown, so expansion stays linear in the file's size.
 */
export const MAX_EXPANDED_LENGTH = 8192;

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const BRACED = /^([A-Za-z_][A-Za-z0-9_]*)(:?[-+])?(.*)$/s;

/**
 * Expands `$NAME`, `${NAME}`, `${NAME:-word}` and `${NAME:+word}` as Docker does in FROM, ENV, ARG,
 * WORKDIR and COPY. (Docker's own expander is in Go; its rules are small enough to mirror here.)
 * With `keepUnknown`, a variable without a value stays as written (`python:${VERSION}`), so what is
 * built from the result (a runtime base image) keeps the variable instead of an empty string.
 */
export function expandDockerfileWord(text: string, lookup: (name: string) => string | undefined, escapeChar = '\\', keepUnknown = false): Expansion {
  if (!text.includes('$')) return text.length > MAX_EXPANDED_LENGTH ? overflowOf(text) : { value: text, complete: true };
  let value = '';
  let complete = true;
  for (let i = 0; i < text.length; i++) {
    if (value.length > MAX_EXPANDED_LENGTH) return overflowOf(value);
    const ch = text[i]!;
    if (ch === escapeChar && text[i + 1] === '$') {
      value += '$';
      i++;
      continue;
    }
    if (ch !== '$') {
      value += ch;
      continue;
    }
    if (text[i + 1] === '{') {
      const close = text.indexOf('}', i + 2);
      if (close < 0) {
        value += text.slice(i);
        break;
      }
      const body = text.slice(i + 2, close);
      const operator = BRACED.exec(body);
      i = close;
      if (!operator) {
        complete = false;
        if (keepUnknown) value += text.slice(i - body.length - 2, close + 1);
        continue;
      }
      const [, name, op, word] = operator as unknown as [string, string, string | undefined, string];
      const current = lookup(name);
      if (op === ':-' || op === '-') {
        const useDefault = current === undefined || (op === ':-' && current === '');
        if (!useDefault) value += current;
        else {
          const inner = expandDockerfileWord(word, lookup, escapeChar);
          if (inner.overflow) return inner;
          value += inner.value;
        }
      } else if (op === ':+' || op === '+') {
        const useAlternative = current !== undefined && (op === '+' || current !== '');
        if (useAlternative) {
          const inner = expandDockerfileWord(word, lookup, escapeChar);
          if (inner.overflow) return inner;
          value += inner.value;
        }
      } else if (current === undefined) {
        complete = false;
        if (keepUnknown) value += `\${${name}}`;
      } else {
        value += current;
      }
      continue;
    }
    NAME.lastIndex = i + 1;
    const name = NAME.exec(text)?.[0];
    if (!name) {
      value += '$';
      continue;
    }
    i += name.length;
    const current = lookup(name);
    if (current === undefined) {
      complete = false;
      if (keepUnknown) value += `$${name}`;
    } else value += current;
  }
  return value.length > MAX_EXPANDED_LENGTH ? overflowOf(value) : { value, complete };
}

function overflowOf(value: string): Expansion {
  return { value: value.slice(0, MAX_EXPANDED_LENGTH), complete: false, overflow: true };
}
