import { ECOSYSTEMS } from '../ecosystems';

/**
 * Programs whose presence on an image's PATH means build tools shipped: every ecosystem's
 * compilers, build systems and SDK drivers. The compare report looks for them in both images.
 */
export const BUILD_TOOL_PROGRAMS: readonly string[] = ECOSYSTEMS.flatMap((ecosystem) => ecosystem.compilers ?? []);
