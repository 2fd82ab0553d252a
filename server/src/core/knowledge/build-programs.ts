import { ECOSYSTEMS } from '../ecosystems';
import { FAMILIES } from '../families';

/**
 * Programs whose presence on an image's PATH means build tools shipped: every ecosystem's
 * compilers, build systems and SDK drivers. The compare report looks for them in both images.
 */
export const BUILD_TOOL_PROGRAMS: readonly string[] = ECOSYSTEMS.flatMap((ecosystem) => ecosystem.compilers ?? []);

/**
 * Folders where package managers and language tools keep indexes and downloads (what
 * package-cache-left names): bytes there are a cache left in the layer, whatever wrote them.
 */
export const PACKAGE_CACHE_PATHS: readonly string[] = [
  ...FAMILIES.flatMap((family) => [...family.cache.paths, ...(family.cache.downloads ?? [])]),
  ...ECOSYSTEMS.flatMap((ecosystem) => (ecosystem.caches ?? []).flatMap((cache) => cache.paths)),
];
