import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Node options that size the heap; the VS Code client passes two of them (client/src/language-client.ts). */
const HEAP_OPTIONS = /^--(max-old-space-size|max-semi-space-size|max-heap-size|max-young-generation-size)(=|$)/;

/** Whoever started the process chose the heap's size (on the command line or in NODE_OPTIONS). */
export function heapConfigured(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  return [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].some((option) => HEAP_OPTIONS.test(option));
}

/**
 * Other editors start the server without the VS Code client's Node options, and V8's defaults then
 * let the young generation grow to 16 MB semi-spaces and the old one grow 4x between collections:
 * each edit's parse garbage kept the process at 105-150 MB. The sizes themselves are fixed at start,
 * but these two flags are read at run time and give the same shape: the young generation stays at its
 * initial 1 MB and the old one grows by 30% (what V8 picks under the client's 96 MB ceiling).
 * Measured in scripts/bench-server.mjs.
 */
export function limitHeapGrowth(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString('--heap-growing-percent=30');
}

/**
 * A full collection once edits pause: V8 keeps the heap an editing burst grew, and its own memory
 * reducer acts seconds later or not at all (measured). Returns the function to call after each
 * analysis; the collection runs once, `idleMs` after the last call, while the user is not typing.
 */
export function collectWhenIdle(idleMs = 1000): () => void {
  // gc() is reachable only with --expose-gc, which applies to contexts created after it is set.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  let timer: NodeJS.Timeout | undefined;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(gc, idleMs);
    timer.unref();
  };
}
