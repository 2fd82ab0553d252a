import { basename } from '../commands/argv';
import type { Ecosystem } from './ecosystem';
import type { PlanContribution, PlanInput } from './plan-input';

/** Commands that compile PHP extensions: the builder keeps them, the runtime takes what they built. */
const EXTENSION_BUILDERS = new Set(['docker-php-ext-install', 'docker-php-ext-configure', 'docker-php-ext-enable', 'pecl', 'phpize', 'install-php-extensions', 'pear']);

export const php: Ecosystem = {
  id: 'php',
  title: 'PHP',
  commands: ['composer', 'docker-php-ext-install', 'docker-php-ext-configure', 'docker-php-ext-enable', 'pecl', 'pear', 'phpize', 'install-php-extensions'],
  dependencyInstallHint: /\bcomposer\b[\s\S]*?\binstall\b/,
  installNeedsOnlyManifests: true,

  interpret(tool, argv, command) {
    const verb = argv.slice(1).map((arg) => arg.value ?? '').find((word) => !word.startsWith('-'));
    return tool === 'composer' && verb === 'install' ? [{ kind: 'dependency-install', ecosystem: 'php', command, manifests: ['composer.json', 'composer.lock'] }] : [];
  },

  builds: () => true,

  contribute: planPhp,
};

/**
 * The official images' pattern: build the extensions in a builder FROM the same php image (with the
 * -dev packages), then run on that image again with only the runtime libraries, taking the built
 * extensions and the ini files that enable them. Debian's and Ubuntu's PHP keep them under
 * /usr/lib/php and /etc/php.
 */
function planPhp(input: PlanInput): PlanContribution {
  const buildsExtensions = input.builderCommands.some(({ command }) => EXTENSION_BUILDERS.has(basename(command.args[0]?.value) ?? ''));
  if (!buildsExtensions) return {};
  if (input.baseImage.repository === 'php') {
    const extensions = input.scope('PHP_EXTENSION_DIR') ? undefined : '/usr/local/lib/php/extensions';
    return {
      artefacts: [...(extensions ? [[extensions, extensions] as const] : []), ['/usr/local/etc/php/conf.d', '/usr/local/etc/php/conf.d']],
      notes: ['the PHP extensions are built in the builder, from the same php image, and copied with their ini files'],
    };
  }
  return { artefacts: [['/usr/lib/php', '/usr/lib/php'], ['/etc/php', '/etc/php']], notes: ['the PHP extensions are built in the builder and copied with their ini files'] };
}
