// Kept apart from engine.ts so that commands that never reach an Engine do not load dockerode.

/** A failure the user can act on; `message` is a whole sentence. */
export class EngineError extends Error {
  constructor(
    message: string,
    /** `context`: the build context cannot be sent; `not-an-engine`: the address answers, but not as a Docker Engine. */
    readonly kind: 'unreachable' | 'permission' | 'not-an-engine' | 'context' | 'build-failed' | 'base-image-missing' | 'cancelled' | 'timeout' | 'engine',
    readonly log = '',
  ) {
    super(message);
  }
}
