import { basename } from '../commands/argv';
import type { FamilyId } from '../families';
import type { Ecosystem } from './ecosystem';
import { slimVariant } from './images';
import type { PlanContribution, PlanInput } from './plan-input';

const GYP_REASON = 'node-gyp needs it only to build native addons';
const BUILD_NODE_REASON = 'Node.js is used only to build (the running image starts no Node.js program)';

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
  compilers: ['node-gyp'],

  buildHelpers: (family) => ({
    ...Object.fromEntries(GYP_HELPERS[family].map((name) => [name, GYP_REASON])),
    ...Object.fromEntries(['nodejs', 'npm', 'yarnpkg'].map((name) => [name, BUILD_NODE_REASON])),
  }),

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

const NODE_PROGRAMS = /^(node|nodejs|npm|npx|yarn|pnpm|bun|pm2|pm2-runtime|next|nuxt)$/;

/**
 * The runtime keeps production dependencies only, pruned where they were installed. When nothing
 * the image runs is Node.js (a Python app that builds its front end), node_modules stays behind.
 */
function planNode(input: PlanInput): PlanContribution {
  const builderAppend: string[] = [];
  const notes: string[] = [];
  const production = input.scope('NODE_ENV') === 'production';
  const omitsDev = (words: readonly string[]) => words.some((word) => /^(--omit=dev|--production|--only=prod(uction)?|--prod)$/.test(word));
  const start = basename(input.startProgram) ?? '';
  const runsNode = input.baseImage.repository === 'node' || NODE_PROGRAMS.test(start) || /\.(sh|bash)$/.test(start);
  const installs = input.builderCommands.flatMap(({ command }) => {
    const tool = basename(command.args[0]?.value) ?? '';
    const words = command.args.map((arg) => arg.value ?? '');
    const installsDependencies =
      (tool === 'npm' && ['ci', 'install', 'i'].includes(words[1] ?? '') && !words.includes('-g') && !words.includes('--global')) ||
      (tool === 'pnpm' && ['install', 'i'].includes(words[1] ?? '')) ||
      (tool === 'yarn' && (words.length === 1 || words[1] === 'install' || (words[1] ?? '').startsWith('-')));
    return installsDependencies ? [{ tool, words, cwd: command.cwd }] : [];
  });
  const folders = [...new Set(installs.map(({ cwd }) => cwd ?? input.workdir ?? '/'))];
  for (const folder of folders) {
    const here = installs.filter(({ cwd }) => (cwd ?? input.workdir ?? '/') === folder);
    const inFolder = (command: string) => (folder === input.workdir ? command : `cd ${folder} && ${command}`);
    if (!runsNode) {
      builderAppend.push(`RUN rm -rf ${folder === '/' ? '' : folder}/node_modules`);
      continue;
    }
    if (production || here.some(({ words }) => omitsDev(words))) continue;
    if (here.some(({ tool }) => tool === 'npm')) builderAppend.push(`RUN ${inFolder('npm prune --omit=dev')}`);
    else if (here.some(({ tool }) => tool === 'pnpm')) builderAppend.push(`RUN ${inFolder('pnpm prune --prod')}`);
    else {
      // Yarn 1 has no prune: installing again for production reuses the packages in its cache.
      builderAppend.push(`RUN ${inFolder('yarn install --production --frozen-lockfile --prefer-offline')}`);
      notes.push('yarn installs the production dependencies again from its cache (Yarn 1); on Yarn 2 or later use `yarn workspaces focus --production`');
    }
  }
  if (!runsNode && folders.length > 0) notes.push('nothing the image runs is Node.js: it builds the front end in the builder, and node_modules stays there');
  return { builderAppend, notes };
}
