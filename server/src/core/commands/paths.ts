import { normalizePath, type ShellArg, type ShellCommand } from '../shell/parse';
import { basename, parseOptions } from './argv';
import type { CommandEffect } from './effects';

/** Resolves a path word against the working directory; undefined when either is unknown. */
export function resolvePath(path: string | undefined, cwd: string | undefined): string | undefined {
  if (path === undefined || path === '') return undefined;
  if (path.startsWith('~/') || path === '~') return normalizePath(`/root/${path.slice(1)}`);
  if (path.startsWith('/')) return normalizePath(path);
  if (cwd === undefined) return undefined;
  return normalizePath(`${cwd}/${path}`);
}

/** Interprets `rm`, and downloads that leave files behind: `curl -o`, `wget -O`, `git clone`. */
export function interpretFileCommand(argv: readonly ShellArg[], command: ShellCommand): CommandEffect[] {
  const tool = basename(argv[0]?.value);
  switch (tool) {
    case 'rm': {
      const parsed = parseOptions(argv.slice(1), new Set());
      const paths = parsed.operands.flatMap((arg) => {
        const path = resolvePath(arg.value, command.cwd);
        return path ? [{ path, arg }] : [];
      });
      return paths.length > 0 ? [{ kind: 'remove-paths', command, paths }] : [];
    }
    case 'curl': {
      const parsed = parseOptions(argv.slice(1), new Set(['-o', '--output', '-H', '--header', '-d', '--data', '-u', '--user', '-X', '--request', '-A', '--user-agent', '-e', '--referer', '--retry', '-m', '--max-time', '--connect-timeout', '-w', '--write-out', '--cacert', '-x', '--proxy']));
      const output = parsed.options.find((option) => option.name === '-o' || option.name === '--output')?.value;
      const path = output && output !== '-' && output !== '/dev/null' ? resolvePath(output, command.cwd) : undefined;
      return path ? [{ kind: 'write-path', command, path, what: 'curl' }] : [];
    }
    case 'wget': {
      const parsed = parseOptions(argv.slice(1), new Set(['-O', '--output-document', '-P', '--directory-prefix', '-U', '--user-agent', '--header', '-t', '--tries', '-T', '--timeout']));
      const output = parsed.options.find((option) => option.name === '-O' || option.name === '--output-document')?.value;
      const path = output && output !== '-' && output !== '/dev/null' ? resolvePath(output, command.cwd) : undefined;
      return path ? [{ kind: 'write-path', command, path, what: 'wget' }] : [];
    }
    case 'git': {
      const parsed = parseOptions(argv.slice(1), new Set(['-b', '--branch', '--depth', '-C', '-c', '--config', '-o', '--origin', '--reference', '--separate-git-dir', '-j', '--jobs', '--filter']));
      const [verb, url, directory] = parsed.operands;
      if (verb?.value !== 'clone' || !url?.value) return [];
      const name = directory?.value ?? url.value.replace(/\/+$/, '').split('/').pop()?.replace(/\.git$/, '');
      const path = resolvePath(name, command.cwd);
      return path ? [{ kind: 'write-path', command, path, what: 'git clone' }] : [];
    }
    default:
      return [];
  }
}
