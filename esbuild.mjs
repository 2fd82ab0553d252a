// Bundles the extension client, the language server, the CLI and the core library with esbuild.
// Type-checking is separate (`npm run typecheck`, tsc -b), as rust-analyzer's editors/code does.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';

/** TypeScript files under a folder (fs.globSync needs Node 22). */
function typescriptFiles(folder) {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => `${entry.parentPath ?? entry.path}/${entry.name}`);
}

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

// The shell grammar is WebAssembly loaded at run time from next to the server bundle.
const require = createRequire(import.meta.url);

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  // ssh2 (dockerode's ssh transport) tries optional native addons inside try/catch: leave them out.
  external: ['vscode', 'cpu-features', '*.node'],
  // web-tree-sitter's ESM build needs import.meta.url, which a CommonJS bundle lacks: use its CJS build.
  alias: { 'web-tree-sitter': require.resolve('web-tree-sitter') },
  // Prefer packages' CommonJS builds: dockerfile-ast (CommonJS) reading the ESM build of
  // vscode-languageserver-types through esbuild's interop getters parses about 15% slower.
  mainFields: ['main'],
  conditions: [],
};

/** @type {esbuild.BuildOptions[]} */
const builds = [
  { ...common, entryPoints: ['client/src/extension.ts'], outfile: 'client/out/extension.js', external: [...common.external, './compare.js', './language-client.js'] },
  { ...common, entryPoints: ['client/src/language-client.ts'], outfile: 'client/out/language-client.js' },
  { ...common, entryPoints: ['client/src/compare/command.ts'], outfile: 'client/out/compare.js' },
  { ...common, entryPoints: ['server/src/server.ts'], outfile: 'server/out/server.js' },
  { ...common, entryPoints: ['server/src/cli.ts'], outfile: 'server/out/cli.js' },
  { ...common, entryPoints: ['server/src/core/index.ts'], outfile: 'server/out/core.js' },
  // Extension-host tests run inside VS Code, which loads plain JavaScript: mocha stays external.
  {
    ...common,
    entryPoints: typescriptFiles('test/e2e'),
    outdir: 'test/out/e2e',
    outbase: 'test/e2e',
    external: [...common.external, 'mocha', '@vscode/test-electron'],
  },
];

mkdirSync('server/out', { recursive: true });
for (const wasm of ['web-tree-sitter/web-tree-sitter.wasm', 'tree-sitter-bash/tree-sitter-bash.wasm']) {
  copyFileSync(require.resolve(wasm), `server/out/${wasm.split('/').pop()}`);
}

if (watch) {
  const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
  await Promise.all(contexts.map((context) => context.watch()));
  console.log('esbuild: watching for changes');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
