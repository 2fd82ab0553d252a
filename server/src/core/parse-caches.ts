import { clearChunkCache } from './model';
import { clearShellCache } from './shell/parse';

/** Forgets every cached parse (stages and RUN lines): the next analysis is a cold one, as when a file is first opened. */
export function clearParseCaches(): void {
  clearChunkCache();
  clearShellCache();
}
