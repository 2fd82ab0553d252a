import { basename, optionValues, parseOptions } from '../commands/argv';
import { resolvePath } from '../commands/paths';
import { normalizePath } from '../shell/parse';
import type { Ecosystem } from './ecosystem';
import { distributionRuntime } from './images';
import type { PlanContribution, PlanInput } from './plan-input';

const COMPILER_DRIVERS = new Set(['gcc', 'g++', 'cc', 'c++', 'clang', 'clang++']);
const COMPILERS = new Set(['gcc', 'g++', 'cc', 'c++', 'clang', 'clang++', 'make', 'cmake', 'ninja', 'meson', 'scons', 'bazel', 'qmake', 'qmake6', 'autoreconf']);

export const cCpp: Ecosystem = {
  id: 'c-cpp',
  title: 'C and C++',
  commands: ['gcc', 'g++', 'cc', 'c++', 'clang', 'clang++', 'make', 'cmake', 'ninja', 'meson', 'configure', 'autoreconf', 'autogen.sh', 'scons', 'bazel', 'qmake', 'qmake6'],
  builds: () => true,
  compilers: ['gcc', 'cc', 'g++', 'c++', 'clang', 'make', 'cmake', 'ninja'],

  toolchainImages: [
    { matches: (image) => image.repository === 'gcc', keeps: 'gcc, g++, make and the full buildpack-deps toolchain', runtimeImage: distributionRuntime },
    { matches: (image) => image.repository === 'buildpack-deps', keeps: 'gcc, make, headers and version-control tools', runtimeImage: distributionRuntime },
  ],

  classifyStart(start) {
    const name = basename(start.words[0]) ?? '';
    return COMPILERS.has(name) ? { kind: 'build-environment', reason: `it runs \`${start.words.slice(0, 3).join(' ')}\` at start-up and needs its build tools` } : undefined;
  },

  contribute: planC,
};

/**
 * `make install` and `cmake --install` put the results under their prefix; a compiler driver's
 * `-o` names its output, which may lie outside the working directory (`gcc -o /usr/local/bin/app`).
 */
function planC(input: PlanInput): PlanContribution {
  const outputs: string[] = [];
  for (const { command } of input.builderCommands) {
    const name = basename(command.args[0]?.value) ?? '';
    const words = command.args.map((arg) => arg.value ?? '');
    if (COMPILER_DRIVERS.has(name) || /^(gcc|g\+\+|clang|clang\+\+)-\d+$/.test(name)) {
      const output = resolvePath(optionValues(parseOptions(command.args.slice(1), new Set(['-o'])), '-o')[0], command.cwd);
      if (output && output !== '/' && !(input.workdir && output.startsWith(`${input.workdir}/`))) outputs.push(output);
    } else if (name === 'make' && words.includes('install')) outputs.push(...installPrefixOutputs(words));
    else if (name === 'cmake' && words[1] === '--install') {
      const prefix = optionValues(parseOptions(command.args.slice(2), new Set(['--prefix'])), '--prefix')[0];
      outputs.push(...installPrefixOutputs(prefix ? [`PREFIX=${prefix}`] : []));
    }
  }
  const runtimePackages = input.toolchainBase && input.runtimeDistribution?.family.id === 'apt' ? ['ca-certificates'] : [];
  return { artefacts: outputs.map((path) => [path, path] as const), runtimePackages };
}

function installPrefixOutputs(words: readonly string[]): string[] {
  const setting = (name: string) => words.map((word) => new RegExp(`^${name}=(.+)$`).exec(word)?.[1]).find((value) => value !== undefined);
  const prefix = normalizePath(setting('PREFIX') ?? setting('prefix') ?? '/usr/local');
  const destdir = setting('DESTDIR');
  const root = destdir ? normalizePath(`${destdir}/${prefix}`) : prefix;
  // /usr/local of a language image holds the language itself; copy only what installs add there.
  return root === '/usr/local' ? ['/usr/local/bin', '/usr/local/lib', '/usr/local/share'] : [root];
}
