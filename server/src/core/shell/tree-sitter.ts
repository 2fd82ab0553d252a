// tree-sitter-bash (the grammar GitHub and editors use for shell) through web-tree-sitter. Chosen by
// measurement on this project's benchmark RUN lines: about 0.03 ms a RUN for parse and extraction,
// against about 0.6 ms for mvdan-sh (GopherJS, where every AST property read crosses a slow bridge)
// and about 13 ms for sh-syntax (WebAssembly behind an async call per parse). It also recovers from
// errors, so a half-typed RUN still yields the commands before the mistake. Its one cost: the
// WebAssembly loads asynchronously, once, before the first analysis.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Language, Parser } from 'web-tree-sitter';
import { loadToml } from '../knowledge/toml';

let parser: Parser | undefined;
let loading: Promise<void> | undefined;

/** A .wasm file next to the bundle (server/out) or, unbundled, in its package. */
function wasmFile(bundledName: string, packagePath: string): string {
  const bundled = join(__dirname, bundledName);
  return existsSync(bundled) ? bundled : require.resolve(packagePath);
}

/** Loads the shell grammar; call once before analyze() or rewrite(). Later calls share the load. */
export function initialize(): Promise<void> {
  loading ??= (async () => {
    await Parser.init({ locateFile: (name: string) => wasmFile(name, `web-tree-sitter/${name}`) });
    const bash = await Language.load(wasmFile('tree-sitter-bash.wasm', 'tree-sitter-bash/tree-sitter-bash.wasm'));
    const instance = new Parser();
    instance.setLanguage(bash);
    parser = instance;
    await loadToml();
  })();
  return loading;
}

export function shellParser(): Parser {
  if (!parser) throw new Error('The Dockerfile analysis is not initialized: await initialize() before analyze() or rewrite().');
  return parser;
}

export type { Node as SyntaxNode, TreeCursor } from 'web-tree-sitter';
