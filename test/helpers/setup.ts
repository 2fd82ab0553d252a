// Root hooks for every mocha run: the shell grammar (WebAssembly) loads once, before any test.
import { initialize } from '../../server/src/core';

export const mochaHooks = {
  async beforeAll(): Promise<void> {
    await initialize();
  },
};
