/**
 * Variables as the Dockerfile frontend sees them: ARG and ENV values in scope at an instruction.
 * A scope is immutable; ARG and ENV create a new one, so instructions can share scopes cheaply.
 */
export class VariableScope {
  private constructor(
    private readonly values: ReadonlyMap<string, string | undefined>,
  ) {}

  static empty(): VariableScope {
    return new VariableScope(new Map());
  }

  static of(entries: Iterable<readonly [string, string | undefined]>): VariableScope {
    return new VariableScope(new Map(entries));
  }

  /** The value, or undefined when unset or set without a default (a build argument may supply it). */
  get(name: string): string | undefined {
    return this.values.get(name);
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  with(name: string, value: string | undefined): VariableScope {
    const next = new Map(this.values);
    next.set(name, value);
    return new VariableScope(next);
  }

  entries(): IterableIterator<[string, string | undefined]> {
    return this.values.entries();
  }
}

export interface Expansion {
  readonly value: string;
  /** False when some variable had no known value; the value then holds what could be expanded. */
  readonly complete: boolean;
}

/**
 * Expands `$NAME`, `${NAME}`, `${NAME:-word}` and `${NAME:+word}` as Docker does in FROM, ENV, ARG,
 * WORKDIR and COPY. (Docker's own expander is in Go; its rules are small enough to mirror here.)
 */
export function expandDockerfileWord(text: string, lookup: (name: string) => string | undefined, escapeChar = '\\'): Expansion {
  if (!text.includes('$')) return { value: text, complete: true };
  let value = '';
  let complete = true;
  for (let i = 0; i < text.length; i++) {
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
      const operator = /^([A-Za-z_][A-Za-z0-9_]*)(:?[-+])?(.*)$/s.exec(body);
      i = close;
      if (!operator) {
        complete = false;
        continue;
      }
      const [, name, op, word] = operator as unknown as [string, string, string | undefined, string];
      const current = lookup(name);
      if (op === ':-' || op === '-') {
        const useDefault = current === undefined || (op === ':-' && current === '');
        value += useDefault ? expandDockerfileWord(word, lookup, escapeChar).value : current;
      } else if (op === ':+' || op === '+') {
        const useAlternative = current !== undefined && (op === '+' || current !== '');
        if (useAlternative) value += expandDockerfileWord(word, lookup, escapeChar).value;
      } else if (current === undefined) {
        complete = false;
      } else {
        value += current;
      }
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1))?.[0];
    if (!name) {
      value += '$';
      continue;
    }
    i += name.length;
    const current = lookup(name);
    if (current === undefined) complete = false;
    else value += current;
  }
  return { value, complete };
}
