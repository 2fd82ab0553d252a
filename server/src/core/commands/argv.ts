import type { ShellArg } from '../shell/parse';

const WRAPPERS_WITH_OPTIONS: Readonly<Record<string, ReadonlySet<string>>> = {
  sudo: new Set(['-u', '--user', '-g', '--group', '-C', '-h', '-p', '-U']),
  env: new Set(['-u', '--unset', '-C', '--chdir', '-S']),
  nice: new Set(['-n', '--adjustment']),
  timeout: new Set(['-s', '--signal', '-k', '--kill-after']),
  stdbuf: new Set(['-i', '-o', '-e']),
  exec: new Set(['-a']),
  command: new Set(),
  time: new Set(['-f', '-o']),
  nohup: new Set(),
  // Step-down tools of the official images run their command as a user: `gosu node npm ci`.
  gosu: new Set(),
  'su-exec': new Set(),
};

/** Wrappers whose first operand is a user, not the command. */
const USER_FIRST = new Set(['gosu', 'su-exec']);

/** The argv a wrapper runs: `sudo -E env FOO=1 apt-get install x` -> `apt-get install x`. */
export function stripWrappers(args: readonly ShellArg[]): readonly ShellArg[] {
  let index = 0;
  while (index < args.length) {
    const name = basename(args[index]!.value);
    const withValue = name === undefined ? undefined : WRAPPERS_WITH_OPTIONS[name];
    if (!withValue) break;
    index++;
    if (USER_FIRST.has(name!)) index++;
    while (index < args.length) {
      const value = args[index]!.value ?? '';
      if (value.startsWith('-')) {
        index += withValue.has(value) ? 2 : 1;
      } else if (name === 'env' && /^[A-Za-z_][A-Za-z0-9_]*=/.test(value)) {
        index++;
      } else if (name === 'timeout' && /^\d/.test(value)) {
        index++;
      } else {
        break;
      }
    }
  }
  return args.slice(index);
}

/** `/usr/bin/apt-get` -> `apt-get`. */
export function basename(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const slash = value.lastIndexOf('/');
  return slash >= 0 ? value.slice(slash + 1) : value;
}

export interface ParsedOptions {
  /** Options as written (`-y`, `--no-cache`, `-o`), each with its value when it takes one. */
  readonly options: ReadonlyArray<{ readonly name: string; readonly value: string | undefined }>;
  /** Words that are not options, in order. */
  readonly operands: readonly ShellArg[];
}

/**
 * Splits a command's words into options and operands. `takesValue` lists the options whose value is
 * the next word; `--name=value` is understood for every option. `--` ends the options.
 */
export function parseOptions(args: readonly ShellArg[], takesValue: ReadonlySet<string>): ParsedOptions {
  const options: Array<{ name: string; value: string | undefined }> = [];
  const operands: ShellArg[] = [];
  let onlyOperands = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = arg.value;
    if (onlyOperands || value === undefined || !value.startsWith('-') || value === '-') {
      operands.push(arg);
      continue;
    }
    if (value === '--') {
      onlyOperands = true;
      continue;
    }
    const equals = value.indexOf('=');
    if (value.startsWith('--') && equals > 0) {
      options.push({ name: value.slice(0, equals), value: value.slice(equals + 1) });
    } else if (takesValue.has(value)) {
      options.push({ name: value, value: args[i + 1]?.value });
      i++;
    } else {
      options.push({ name: value, value: undefined });
    }
  }
  return { options, operands };
}

export function hasOption(parsed: ParsedOptions, ...names: string[]): boolean {
  return parsed.options.some((option) => names.includes(option.name));
}

export function optionValues(parsed: ParsedOptions, ...names: string[]): string[] {
  return parsed.options.filter((option) => names.includes(option.name) && option.value !== undefined).map((option) => option.value!);
}

/** Whether a short-option cluster such as `-qqy` contains the letter. */
export function hasShortFlag(parsed: ParsedOptions, letter: string): boolean {
  return parsed.options.some((option) => /^-[A-Za-z]+$/.test(option.name) && option.name.includes(letter));
}
