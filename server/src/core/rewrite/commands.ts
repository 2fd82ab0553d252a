import { basename, stripWrappers } from '../commands/argv';
import type { ShellCommand } from '../shell/parse';

/** What a RUN command is, for deciding which stage it belongs to. */
export type CommandRole = 'package-manager' | 'build' | 'setup' | 'other';

const PACKAGE_MANAGERS = new Set(['apt-get', 'apt', 'aptitude', 'apt-mark', 'apk', 'yum', 'dnf', 'microdnf', 'tdnf', 'zypper', 'dpkg']);

// Tools that compile, fetch dependencies or create build environments: their RUNs go to the builder.
const BUILD_TOOLS = new Set([
  'gcc', 'g++', 'cc', 'c++', 'clang', 'clang++', 'make', 'cmake', 'ninja', 'meson', 'configure', 'autoreconf', 'autogen.sh',
  'javac', 'jar', 'mvn', 'mvnw', 'gradle', 'gradlew', 'ant', 'sbt', 'go', 'cargo', 'rustc', 'rustup',
  'npm', 'npx', 'yarn', 'pnpm', 'tsc', 'bundle', 'bundler', 'gem', 'composer', 'dotnet', 'virtualenv', 'poetry', 'pipenv', 'uv',
]);

// Commands that set the system up and are as useful in the runtime stage as in the builder.
const SETUP_COMMANDS = new Set([
  'useradd', 'adduser', 'groupadd', 'addgroup', 'usermod', 'mkdir', 'chown', 'chmod', 'chgrp', 'ln', 'touch', 'echo', 'printf',
  'sed', 'true', 'set', 'export', 'cd', 'locale-gen', 'update-locale', 'update-ca-certificates', 'ldconfig', 'setcap', 'tee',
  'test', '[', 'id', 'update-alternatives', 'dpkg-reconfigure', 'ulimit', 'umask', 'rm',
]);

export function commandName(command: ShellCommand): string | undefined {
  return basename(stripWrappers(command.args)[0]?.value);
}

export function roleOf(command: ShellCommand): CommandRole {
  const name = commandName(command) ?? '';
  const args = command.args.map((arg) => arg.value ?? '');
  if (PACKAGE_MANAGERS.has(name)) return 'package-manager';
  if (BUILD_TOOLS.has(name) || /^(\.\/)?(configure|autogen\.sh|build\.sh)$/.test(args[0] ?? '')) return 'build';
  if (/^pip\d*(\.\d+)?$/.test(name) && args.includes('install')) return 'build';
  if (/^python\d*(\.\d+)?$/.test(name) && (args.includes('venv') || args.includes('pip') || args.includes('setup.py') || args.includes('build') || args.includes('compileall'))) return 'build';
  if (SETUP_COMMANDS.has(name)) return 'setup';
  return 'other';
}

