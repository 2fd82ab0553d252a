import { DockerEngine, EngineError } from '../../server/src/engine/engine';
import { resolveEndpoint } from '../../server/src/engine/endpoint';

export const BASE_IMAGE = 'debian:bookworm-slim';

/**
 * The real Docker Engine for a test, or a skip with the reason printed; under CI=true a missing
 * Engine or base image fails the test instead (.ci/run provides both).
 */
export async function engineOrSkip(context: Mocha.Context): Promise<DockerEngine> {
  const engine = new DockerEngine(resolveEndpoint({ env: process.env }));
  let problem: string | undefined;
  try {
    await engine.ping(5000);
    if (!(await engine.imageExists(BASE_IMAGE))) problem = `the base image ${BASE_IMAGE} is not on the Engine (make it with ../shared/tools/docker-offline/make-base-image.sh)`;
  } catch (error) {
    problem = error instanceof EngineError ? error.message : String(error);
  }
  if (!problem) return engine;
  if (process.env.CI === 'true') throw new Error(`CI needs a Docker Engine: ${problem}`);
  console.log(`      SKIPPED (no Docker Engine here): ${problem}`);
  context.skip();
}

/** Drains a build's progress into a log, for messages when a build fails. */
export function collectLog(): { onProgress: (p: { line: string }) => void; text: () => string } {
  const lines: string[] = [];
  return { onProgress: (p) => lines.push(p.line), text: () => lines.slice(-40).join('\n') };
}
