/**
 * Programs whose presence on an image's PATH means build tools shipped: compilers, build systems and
 * SDK drivers. The compare report looks for them in both images.
 */
export const BUILD_TOOL_PROGRAMS: readonly string[] = [
  'gcc', 'cc', 'g++', 'c++', 'clang', 'make', 'cmake', 'ninja', 'go', 'cargo', 'rustc', 'javac', 'mvn', 'gradle', 'node-gyp',
];
