import { basename, optionValues, parseOptions } from '../commands/argv';
import { resolvePath } from '../commands/paths';
import type { Ecosystem } from './ecosystem';
import { slimVariant } from './images';
import type { PlanContribution, PlanInput } from './plan-input';

export const ruby: Ecosystem = {
  id: 'ruby',
  title: 'Ruby',
  commands: ['bundle', 'bundler', 'gem', 'rake'],
  dependencyInstallHint: /\bbundler?\b/,
  installNeedsOnlyManifests: true,

  interpret(tool, argv, command) {
    const verb = argv.slice(1).map((arg) => arg.value ?? '').find((word) => !word.startsWith('-'));
    return (tool === 'bundle' || tool === 'bundler') && (verb === 'install' || verb === undefined)
      ? [{ kind: 'dependency-install', ecosystem: 'ruby', command, manifests: ['Gemfile', 'Gemfile.lock'] }]
      : [];
  },

  builds: (tool, argv) => tool !== 'rake' || argv.some((arg) => /assets:precompile|compile/.test(arg.value ?? '')),

  // Rails needs a JavaScript runtime to precompile assets, not to serve them.
  buildHelpers: (_family, commands): Record<string, string> =>
    commands.some((command) => /assets:precompile/.test(command)) ? { nodejs: 'Rails needs Node.js only to precompile assets', yarn: 'Rails needs Yarn only to precompile assets' } : {},

  toolchainImages: [
    { matches: (image) => image.repository === 'ruby', keeps: 'gcc, make, headers and the buildpack-deps toolchain', interpreter: true, runtimeTag: /slim|alpine/, runtimeImage: (image) => slimVariant(image) },
  ],

  contribute: planRuby,
};

/** Gems land outside the working directory: in the bundle path, or the gem home. */
function planRuby(input: PlanInput): PlanContribution {
  const artefacts: Array<readonly [string, string]> = [];
  const official = input.baseImage.repository === 'ruby';
  const gemHome = input.scope('GEM_HOME') ?? (official ? '/usr/local/bundle' : '/var/lib/gems');
  for (const { command } of input.builderCommands) {
    const tool = basename(command.args[0]?.value) ?? '';
    const words = command.args.map((arg) => arg.value ?? '');
    if ((tool === 'bundle' || tool === 'bundler') && (words[1] === 'install' || words.length === 1)) {
      const path = optionValues(parseOptions(command.args.slice(2), new Set(['--path'])), '--path')[0];
      const bundle = (path && resolvePath(path, command.cwd)) ?? input.scope('BUNDLE_PATH') ?? gemHome;
      artefacts.push([bundle, bundle]);
    } else if (tool === 'gem' && words[1] === 'install') {
      const installDir = optionValues(parseOptions(command.args.slice(2), new Set(['-i', '--install-dir', '--bindir', '-n'])), '-i', '--install-dir')[0];
      const home = (installDir && resolvePath(installDir, command.cwd)) ?? gemHome;
      artefacts.push([home, home]);
      // The distribution's gem puts executables in /usr/local/bin; the official image's in the gem home.
      if (!official) artefacts.push(['/usr/local/bin', '/usr/local/bin']);
    }
  }
  return { artefacts };
}
