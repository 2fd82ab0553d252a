// Shared by the Docker and Podman suites that measure images.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { DockerfileParser } from 'dockerfile-ast';
import { attributeHistory } from '../../server/src/engine/attribution';
import { contextTar } from '../../server/src/engine/context-tar';
import type { DockerEngine } from '../../server/src/engine/engine';
import { CLI } from './engine-helpers';

/** Builds and returns, from the Engine's log, the image each step (1-based, FROM included) ended with. */
export async function buildWithSteps(engine: DockerEngine, directory: string, dockerfile: string, text: string, tag: string): Promise<Map<number, string>> {
  const steps = new Map<number, string>();
  const log: string[] = [];
  try {
    await engine.build({
      context: contextTar(directory, { extraDockerfiles: [{ name: dockerfile, text: Buffer.from(text) }] }),
      dockerfile,
      tag,
      timeoutMs: 20 * 60_000,
      onProgress: (progress) => {
        log.push(progress.line);
        if (progress.image && progress.step !== undefined) steps.set(progress.step, progress.image);
      },
    });
  } catch (error) {
    throw new Error(`${tag} did not build: ${(error as Error).message}\n${log.slice(-30).join('\n')}`);
  }
  return steps;
}

/**
 * Checks the attribution of every history entry against the build log: the step whose image is the
 * entry's id names the instruction (steps count every instruction of the file, FROM included).
 */
export async function assertAttribution(engine: DockerEngine, tag: string, text: string, steps: ReadonlyMap<number, string>): Promise<number> {
  const history = ((await engine.docker.getImage(tag).history()) as Array<{ Id: string; CreatedBy: string }>).reverse();
  const attributed = attributeHistory(
    history.map((entry) => entry.CreatedBy),
    text,
  );
  const instructions = DockerfileParser.parse(text).getInstructions();
  let checked = 0;
  for (const [index, entry] of history.entries()) {
    const id = entry.Id.replace(/^sha256:/, '');
    // The last step whose image this is: a FROM shares its image with the base image's own entries.
    const step = Math.max(-1, ...[...steps].filter(([, image]) => id !== '<missing>' && id.startsWith(image)).map(([number]) => number));
    const got = attributed[index]!;
    const where = `${tag} entry ${index} (${entry.CreatedBy.slice(0, 60)})`;
    if (step < 0 || instructions[step - 1]!.getKeyword() === 'FROM') {
      // The base image's entries: named by the FROM the final stage's chain starts from.
      assert.ok(got.base, `${where} should be the base image's, got line ${got.instruction?.line}`);
      assert.equal(got.instruction?.keyword, 'FROM', where);
      if (step > 0) assert.equal(got.instruction?.line, instructions[step - 1]!.getRange().start.line + 1, where);
    } else {
      const instruction = instructions[step - 1]!;
      assert.deepStrictEqual([got.base, got.instruction?.line, got.instruction?.keyword], [false, instruction.getRange().start.line + 1, instruction.getKeyword()], where);
    }
    checked++;
  }
  return checked;
}

/** `docker run IMAGE dpkg-query ...` through the API: installed size in KiB per package. */
export async function dpkgSizes(engine: DockerEngine, image: string): Promise<Map<string, number>> {
  const result = await engine.run(image, ['-c', "dpkg-query -W -f='${db:Status-Abbrev} ${Package} ${Installed-Size}\\n'"], { entrypoint: ['/bin/sh'] });
  assert.equal(result.exitCode, 0, result.output);
  return new Map(
    result.output
      .split('\n')
      .filter((line) => line.startsWith('ii '))
      .map((line) => line.split(/\s+/))
      .map(([, name, kib]) => [name!, Number(kib || 0)] as const),
  );
}

/** A Dockerfile that installs a compiler in one RUN and purges it in a later one: the waste late-removal warns about. */
export const WASTE_DOCKERFILE = [
  'FROM debian:bookworm-slim',
  'RUN apt-get update && apt-get install -y --no-install-recommends gcc-12 && rm -rf /var/lib/apt/lists/*',
  'RUN apt-get purge -y --auto-remove gcc-12',
  'CMD ["true"]',
  '',
].join('\n');
/** The same image before the purge, to ask dpkg what the compiler occupies. */
export const INSTALLED_DOCKERFILE = WASTE_DOCKERFILE.split('\n').slice(0, 2).join('\n') + '\n';

export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

