import { basename } from '../commands/argv';
import type { FamilyId } from '../families';
import type { Ecosystem } from './ecosystem';
import { slimVariant } from './images';
import type { PlanContribution, PlanInput } from './plan-input';

const GYP_REASON = 'node-gyp needs it only to build native addons';

/** What node-gyp builds native addons with, per family: build tools in a Node.js image, not elsewhere. */
const GYP_HELPERS: Readonly<Record<FamilyId, readonly string[]>> = {
  apt: ['python3', 'python3-minimal', 'python', 'python-is-python3', 'python2', 'make', 'g++', 'gcc', 'node-gyp'],
  apk: ['python3', 'python2', 'python', 'py3-pip', 'py3-setuptools', 'make', 'g++', 'gcc', 'build-base'],
  rpm: ['python3', 'python2', 'make', 'gcc-c++', 'gcc'],
  zypper: ['python3', 'make', 'gcc-c++', 'gcc'],
};

const DEV_SCRIPTS = new Set(['test', 'dev', 'watch', 'serve', 'storybook', 'lint']);

export const node: Ecosystem = {
  id: 'node',
  title: 'Node.js',
  commands: ['npm', 'npx', 'yarn', 'pnpm', 'node-gyp', 'corepack', 'bun'],
  dependencyInstallHint: /\bnpm\b[\s\S]*?\b(ci|install|i)\b|\bpnpm\b[\s\S]*?\b(install|i)\b|\b(yarn|bun)\b/,
  installNeedsOnlyManifests: true,

  interpret(tool, argv, command) {
    const words = argv.slice(1).map((arg) => arg.value ?? '');
    const operands = words.filter((word) => !word.startsWith('-'));
    const verb = operands[0];
    switch (tool) {
      case 'npm':
        // `npm install <pkg>` adds a package and `-g` installs a tool; only the bare form installs the project's dependencies.
        if (verb === 'ci' || ((verb === 'install' || verb === 'i') && operands.length === 1 && !words.includes('-g') && !words.includes('--global'))) {
          return [{ kind: 'dependency-install', ecosystem: 'node', command, manifests: ['package.json', 'package-lock.json*'] }];
        }
        return [];
      case 'yarn':
        return verb === undefined || verb === 'install' ? [{ kind: 'dependency-install', ecosystem: 'node', command, manifests: ['package.json', 'yarn.lock'] }] : [];
      case 'pnpm':
        return verb === 'install' || verb === 'i' ? [{ kind: 'dependency-install', ecosystem: 'node', command, manifests: ['package.json', 'pnpm-lock.yaml'] }] : [];
      case 'bun':
        return verb === 'install' || verb === 'i' ? [{ kind: 'dependency-install', ecosystem: 'node', command, manifests: ['package.json', 'bun.lockb*'] }] : [];
      default:
        return [];
    }
  },

  builds: (tool) => tool !== 'corepack',

  buildHelpers: (family) => Object.fromEntries(GYP_HELPERS[family].map((name) => [name, GYP_REASON])),

  toolchainImages: [
    {
      matches: (image) => image.repository === 'node',
      keeps: 'gcc, make, python3 and the buildpack-deps toolchain',
      interpreter: true,
      runtimeTag: /slim|alpine/,
      runtimeImage: (image) => slimVariant(image, true),
    },
  ],

  classifyStart(start) {
    const [first, ...rest] = start.words;
    const name = basename(first) ?? '';
    if (name === 'nodemon' || name === 'ts-node-dev') return { kind: 'build-environment', reason: `it runs \`${start.words.slice(0, 2).join(' ')}\`, a development server that reloads on changes` };
    if (name !== 'npm' && name !== 'yarn' && name !== 'pnpm') return undefined;
    const script = rest[0] === 'run' ? rest[1] : rest[0];
    if (script && DEV_SCRIPTS.has(script)) return { kind: 'build-environment', reason: `it runs \`${start.words.slice(0, 3).join(' ')}\`, which needs development dependencies` };
    return undefined;
  },

  contribute: planNode,
};

/** The runtime keeps production dependencies only. */
function planNode(input: PlanInput): PlanContribution {
  const builderAppend: string[] = [];
  const notes: string[] = [];
  const installs = input.builderCommands.map(({ command }) => ({ tool: basename(command.args[0]?.value) ?? '', words: command.args.map((arg) => arg.value ?? '') }));
  const production = input.scope('NODE_ENV') === 'production';
  const omitsDev = (words: readonly string[]) => words.some((word) => /^(--omit=dev|--production|--only=prod(uction)?|--prod)$/.test(word));
  const npm = installs.filter(({ tool, words }) => tool === 'npm' && ['ci', 'install', 'i'].includes(words[1] ?? ''));
  const yarn = installs.filter(({ tool, words }) => tool === 'yarn' && (words.length === 1 || words[1] === 'install' || words[1]?.startsWith('-')));
  const pnpm = installs.filter(({ tool, words }) => tool === 'pnpm' && ['install', 'i'].includes(words[1] ?? ''));
  if (!production && npm.length > 0 && !npm.some(({ words }) => omitsDev(words))) builderAppend.push('RUN npm prune --omit=dev');
  else if (!production && pnpm.length > 0 && !pnpm.some(({ words }) => omitsDev(words))) builderAppend.push('RUN pnpm prune --prod');
  else if (!production && yarn.length > 0 && !yarn.some(({ words }) => omitsDev(words))) {
    // Yarn 1 has no prune: installing again for production reuses the packages in its cache.
    builderAppend.push('RUN yarn install --production --frozen-lockfile --prefer-offline');
    notes.push('yarn installs the production dependencies again from its cache (Yarn 1); on Yarn 2 or later use `yarn workspaces focus --production`');
  }
  return { builderAppend, notes };
}
