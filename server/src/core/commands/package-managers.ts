import type { PackageFamily } from '../knowledge/build-tools';
import type { ShellArg, ShellCommand } from '../shell/parse';
import { basename, hasOption, hasShortFlag, optionValues, parseOptions } from './argv';
import type { CommandEffect, PackageArg } from './effects';

const APT_VALUE_OPTIONS = new Set(['-o', '--option', '-c', '--config-file', '-t', '--target-release', '--default-release', '-a', '--host-architecture']);
const APK_VALUE_OPTIONS = new Set(['-X', '--repository', '-t', '--virtual', '-p', '--root', '--arch', '--repositories-file', '--cache-dir', '--keys-dir']);
const RPM_VALUE_OPTIONS = new Set(['--setopt', '--enablerepo', '--disablerepo', '-c', '--config', '--installroot', '--releasever', '-x', '--exclude', '--repo', '--repofrompath']);
const ZYPPER_VALUE_OPTIONS = new Set(['-t', '--type', '-r', '--repo', '--from', '-R', '--root', '--installroot']);

/** Interprets apt-get/apt/aptitude, apt-mark, apk, yum/dnf/microdnf and zypper commands. */
export function interpretPackageManager(argv: readonly ShellArg[], command: ShellCommand): CommandEffect[] {
  const tool = basename(argv[0]?.value);
  switch (tool) {
    case 'apt-get':
    case 'apt':
    case 'aptitude':
      return interpretApt(tool, argv, command);
    case 'apt-mark':
      return interpretAptMark(argv, command);
    case 'apk':
      return interpretApk(argv, command);
    case 'yum':
    case 'dnf':
    case 'microdnf':
    case 'tdnf':
      return interpretRpm(tool, argv, command);
    case 'zypper':
      return interpretZypper(argv, command);
    default:
      return [];
  }
}

function interpretApt(tool: string, argv: readonly ShellArg[], command: ShellCommand): CommandEffect[] {
  const parsed = parseOptions(argv.slice(1), APT_VALUE_OPTIONS);
  const [verb, ...rest] = parsed.operands;
  const verbEnd = verb?.end ?? command.end;
  const family: PackageFamily = 'apt';
  switch (verb?.value) {
    case 'install':
    case 'reinstall': {
      const noRecommends =
        hasOption(parsed, '--no-install-recommends', '--without-recommends') ||
        (tool === 'aptitude' && hasShortFlag(parsed, 'R')) ||
        optionValues(parsed, '-o', '--option').some((value) => /^APT::Install-Recommends=("?)(false|0|no)\1$/i.test(value));
      return [{ kind: 'package-install', family, tool, command, verbEnd, packages: packageArgs(rest, normalizeAptName), noRecommends, keepsIndexCache: false, virtualGroup: undefined }];
    }
    case 'remove':
    case 'purge': {
      const autoremove = hasOption(parsed, '--auto-remove', '--autoremove') || optionValues(parsed, '-o', '--option').some((v) => /^APT::Get::AutomaticRemove=("?)(true|1|yes)\1$/i.test(v));
      return [{ kind: 'package-remove', family, tool, command, packages: packageArgs(rest, normalizeAptName), autoremove: autoremove || tool === 'aptitude' }];
    }
    case 'autoremove':
    case 'autopurge':
      return [{ kind: 'package-autoremove', family, tool, command }];
    case 'update':
      return [{ kind: 'package-index-update', family, tool, command, verbEnd }];
    case 'clean':
    case 'autoclean':
      return [{ kind: 'package-cache-clean', family, tool, command, removesIndexes: false }];
    default:
      return [];
  }
}

function interpretAptMark(argv: readonly ShellArg[], command: ShellCommand): CommandEffect[] {
  const parsed = parseOptions(argv.slice(1), new Set(['-f', '--file', '-o', '--option', '-c', '--config-file']));
  const [verb, ...rest] = parsed.operands;
  if (verb?.value !== 'auto' && verb?.value !== 'manual') return [];
  // `apt-mark auto '.*'` is the official images' idiom for "everything", before purging auto packages.
  const everything = rest.some((arg) => arg.value === '.*' || arg.value === '*' || arg.value === '~i');
  const names = rest.flatMap((arg) => (arg.value === undefined ? [] : [normalizeAptName(arg.value)].filter((n): n is string => n !== undefined)));
  return [{ kind: 'package-mark', family: 'apt', command, manual: verb.value === 'manual', names: everything ? 'all' : names }];
}

function interpretApk(argv: readonly ShellArg[], command: ShellCommand): CommandEffect[] {
  const parsed = parseOptions(argv.slice(1), APK_VALUE_OPTIONS);
  const [verb, ...rest] = parsed.operands;
  const verbEnd = verb?.end ?? command.end;
  const noCache = hasOption(parsed, '--no-cache');
  switch (verb?.value) {
    case 'add': {
      const virtualGroup = optionValues(parsed, '-t', '--virtual')[0];
      const effects: CommandEffect[] = [];
      if (hasOption(parsed, '-U', '--update') && !noCache) effects.push({ kind: 'package-index-update', family: 'apk', tool: 'apk', command, verbEnd });
      effects.push({ kind: 'package-install', family: 'apk', tool: 'apk', command, verbEnd, packages: packageArgs(rest, normalizeApkName), noRecommends: true, keepsIndexCache: !noCache, virtualGroup });
      return effects;
    }
    case 'del':
      // apk removes what nothing else needs as it deletes: its world file tracks explicit packages only.
      return [{ kind: 'package-remove', family: 'apk', tool: 'apk', command, packages: packageArgs(rest, normalizeApkName), autoremove: true }];
    case 'update':
      return noCache ? [] : [{ kind: 'package-index-update', family: 'apk', tool: 'apk', command, verbEnd }];
    case 'cache':
      return rest[0]?.value === 'clean' || rest[0]?.value === 'purge' ? [{ kind: 'package-cache-clean', family: 'apk', tool: 'apk', command, removesIndexes: true }] : [];
    default:
      return [];
  }
}

function interpretRpm(tool: string, argv: readonly ShellArg[], command: ShellCommand): CommandEffect[] {
  const parsed = parseOptions(argv.slice(1), RPM_VALUE_OPTIONS);
  let [verb, ...rest] = parsed.operands;
  if ((verb?.value === 'group' || verb?.value === 'groups') && rest[0]?.value) {
    const groupVerb = rest[0].value;
    rest = rest.slice(1);
    verb = { ...rest[0]!, value: groupVerb === 'install' ? 'groupinstall' : groupVerb === 'remove' ? 'groupremove' : groupVerb, start: verb.start, end: verb.end };
  }
  const verbEnd = verb?.end ?? command.end;
  const family: PackageFamily = 'rpm';
  switch (verb?.value) {
    case 'install':
    case 'in':
    case 'reinstall':
    case 'groupinstall': {
      const packages = packageArgs(rest, (name) => (verb!.value === 'groupinstall' && !name.startsWith('@') ? `@${name}` : name));
      const noWeakDeps = optionValues(parsed, '--setopt').some((v) => /^install_weak_deps=(false|0|no)$/i.test(v)) ;
      return [{ kind: 'package-install', family, tool, command, verbEnd, packages: packages.map(normalizeGroupName), noRecommends: noWeakDeps, keepsIndexCache: false, virtualGroup: undefined }];
    }
    case 'remove':
    case 'erase':
    case 'groupremove':
      // dnf removes dependencies nothing else needs (clean_requirements_on_remove defaults to true); yum 3 did not.
      return [{ kind: 'package-remove', family, tool, command, packages: packageArgs(rest, (name) => name).map(normalizeGroupName), autoremove: tool !== 'yum' }];
    case 'autoremove':
      return [{ kind: 'package-autoremove', family, tool, command }];
    case 'makecache':
      return [{ kind: 'package-index-update', family, tool, command, verbEnd }];
    case 'clean':
      return [{ kind: 'package-cache-clean', family, tool, command, removesIndexes: rest.some((arg) => arg.value === 'all' || arg.value === 'metadata') }];
    default:
      return [];
  }
}

function interpretZypper(argv: readonly ShellArg[], command: ShellCommand): CommandEffect[] {
  const parsed = parseOptions(argv.slice(1), ZYPPER_VALUE_OPTIONS);
  const [verb, ...rest] = parsed.operands;
  const verbEnd = verb?.end ?? command.end;
  const family: PackageFamily = 'zypper';
  switch (verb?.value) {
    case 'install':
    case 'in': {
      const packages = packageArgs(rest, (name) => name);
      return [{ kind: 'package-install', family, tool: 'zypper', command, verbEnd, packages, noRecommends: hasOption(parsed, '--no-recommends'), keepsIndexCache: false, virtualGroup: undefined }];
    }
    case 'remove':
    case 'rm':
      return [{ kind: 'package-remove', family, tool: 'zypper', command, packages: packageArgs(rest, (name) => name), autoremove: hasOption(parsed, '--clean-deps', '-u') }];
    case 'refresh':
    case 'ref':
      return [{ kind: 'package-index-update', family, tool: 'zypper', command, verbEnd }];
    case 'clean':
    case 'cc':
      return [{ kind: 'package-cache-clean', family, tool: 'zypper', command, removesIndexes: true }];
    default:
      return [];
  }
}

function packageArgs(args: readonly ShellArg[], normalize: (name: string) => string | undefined): PackageArg[] {
  const packages: PackageArg[] = [];
  for (const arg of args) {
    if (arg.value === undefined || arg.value === '' || arg.value.startsWith('-')) continue;
    const name = normalize(arg.value);
    if (name) packages.push({ name, arg });
  }
  return packages;
}

/** `gcc=4:12.2.0-3`, `gcc/bookworm`, `gcc:amd64` -> `gcc`; local `.deb` files and globs are not names. */
function normalizeAptName(value: string): string | undefined {
  if (/^[./~]/.test(value) || /[*?[\]]/.test(value)) return undefined;
  const name = value.split(/[=/]/)[0]!.split(':')[0]!.toLowerCase();
  return /^[a-z0-9][a-z0-9+.-]+$/.test(name) ? name : undefined;
}

/** `gcc=13.2.1-r0`, `gcc>13`, `gcc@edge` -> `gcc`. */
function normalizeApkName(value: string): string | undefined {
  if (value.startsWith('/') || value.startsWith('./') || value.endsWith('.apk')) return undefined;
  const name = value.split(/[=<>~@]/)[0]!;
  return name || undefined;
}

function normalizeGroupName(pkg: PackageArg): PackageArg {
  return pkg.name.startsWith('@') ? { ...pkg, name: pkg.name.toLowerCase().replace(/\s+/g, '-') } : pkg;
}

