import { basename, stripWrappers } from './argv';
import { ecosystemOfCommand, toolName } from '../ecosystems';
import { familyOfTool } from '../families';
import type { ShellCommand } from '../shell/parse';

/** What a RUN command is, for deciding which stage it belongs to. */
export type CommandRole = 'package-manager' | 'build' | 'setup' | 'other';

// Commands that set the system up and are as useful in the runtime stage as in the builder.
const SETUP_COMMANDS = new Set([
  'useradd', 'adduser', 'groupadd', 'addgroup', 'usermod', 'mkdir', 'chown', 'chmod', 'chgrp', 'ln', 'touch', 'echo', 'printf',
  'sed', 'true', 'set', 'export', 'cd', 'locale-gen', 'update-locale', 'update-ca-certificates', 'ldconfig', 'setcap', 'tee',
  'test', '[', 'id', 'update-alternatives', 'dpkg-reconfigure', 'ulimit', 'umask', 'rm', 'localedef', 'a2enmod', 'a2enconf', 'a2ensite',
  'a2dismod', 'a2disconf', 'a2dissite', 'crontab', 'fc-cache', 'mkfifo', 'groupmod', 'userdel', 'groupdel', 'passwd', 'chpasswd',
  'update-rc.d', 'ssh-keygen', 'ssh-keyscan', 'setfacl', 'sysctl', 'timedatectl', 'cut', 'head', 'tail', 'wc', 'basename', 'dirname',
]);

// Programs that build without belonging to an ecosystem: build scripts, and the fetch-and-unpack idiom.
const BUILD_SCRIPTS = /^(\.\/)?(configure|autogen\.sh|build\.sh|bootstrap(\.sh)?)$/;

export function commandName(command: ShellCommand): string | undefined {
  return basename(stripWrappers(command.args)[0]?.value);
}

export function roleOf(command: ShellCommand): CommandRole {
  const argv = stripWrappers(command.args);
  const name = basename(argv[0]?.value) ?? '';
  if (familyOfTool(name) || name === 'dpkg') return 'package-manager';
  const ecosystem = ecosystemOfCommand(name);
  if (ecosystem?.builds?.(toolName(name), argv)) return 'build';
  if (BUILD_SCRIPTS.test(argv[0]?.value ?? '')) return 'build';
  if (SETUP_COMMANDS.has(name)) return 'setup';
  // `git config` prepares git for the running application: it belongs wherever git is used.
  if (name === 'git' && argv[1]?.value === 'config') return 'setup';
  return 'other';
}

// Programs a RUN may run in the runtime stage, after the build: interpreters, file and text tools.
const RUNTIME_SAFE = new Set([
  'python', 'python3', 'node', 'ruby', 'php', 'java', 'perl', 'cp', 'mv', 'cat', 'find', 'xargs', 'grep', 'awk', 'sort', 'date', 'env',
  'rmdir', 'sleep', 'which', 'whoami', 'hostname', 'getent',
]);

/** Whether a command runs as well in a runtime stage as in a builder: setup, or a file or text tool. */
export function runsInRuntime(command: ShellCommand): boolean {
  const name = commandName(command) ?? '';
  return roleOf(command) === 'setup' || RUNTIME_SAFE.has(name.replace(/^(python|ruby|php|node)[\d.]+$/, '$1'));
}

/** Whether a command builds something: a build tool, or a program the runtime stage would not have. */
export function buildsSomething(command: ShellCommand): boolean {
  const role = roleOf(command);
  return role === 'build' || (role === 'other' && !runsInRuntime(command));
}
