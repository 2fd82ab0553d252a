// smol-toml reads Cargo.toml; it is an ES module, so it loads with the shell grammar in initialize().
let parseToml: ((text: string) => unknown) | undefined;

export async function loadToml(): Promise<void> {
  parseToml ??= (await import('smol-toml')).parse;
}

/** The TOML document as data; throws on malformed TOML. */
export function parseTomlText(text: string): unknown {
  if (!parseToml) throw new Error('The Dockerfile analysis is not initialized: await initialize() before rewrite().');
  return parseToml(text);
}
