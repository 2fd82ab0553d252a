// Helpers for the Docker suites that check what a comparison leaves on the Engine. Other builds
// may run on the same Engine meanwhile, so every check is scoped to what this test made.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CACHE_REPOSITORY, COMPARE_LABEL, cacheTagPrefix } from '../../server/src/engine/compare';
import type { DockerEngine } from '../../server/src/engine/engine';

export const CLI = join(__dirname, '../../server/out/cli.js');
const COMPARE_REPOSITORY = 'dockerfile-multistage-compare';

/** A unique word for this test's Dockerfile, so that its images and containers can be told apart. */
export function nonce(): string {
  return `n${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

export function folder(files: Record<string, string>): string {
  const directory = mkdtempSync(join(tmpdir(), 'multistage-docker-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(directory, name, '..'), { recursive: true });
    writeFileSync(join(directory, name), text);
  }
  return directory;
}

/** Image ids (sha256:...) on the Engine, intermediate images included (`docker images -a`). */
export async function allImageIds(engine: DockerEngine): Promise<Set<string>> {
  return new Set((await engine.docker.listImages({ all: true })).map((image) => image.Id));
}

export async function danglingImageIds(engine: DockerEngine): Promise<Set<string>> {
  return new Set((await engine.docker.listImages({ filters: JSON.stringify({ dangling: ['true'] }) } as object)).map((image) => image.Id));
}

/** The temporary tags (dockerfile-multistage-compare:*) and the containers compare labels. */
export async function temporaryLeftovers(engine: DockerEngine): Promise<{ tags: string[]; containers: string[] }> {
  const tags = (await engine.docker.listImages({ filters: JSON.stringify({ reference: [`${COMPARE_REPOSITORY}:*`] }) } as object)).flatMap((image) => image.RepoTags ?? []).sort();
  const containers = (await engine.docker.listContainers({ all: true, filters: JSON.stringify({ label: [COMPARE_LABEL] }) } as object)).map((container) => container.Id).sort();
  return { tags, containers };
}

/** The cache tags a compare of this file keeps, with the image each names. */
export async function cacheTags(engine: DockerEngine, dockerfile: string, context: string): Promise<Map<string, string>> {
  const prefix = cacheTagPrefix(dockerfile, context);
  const images = await engine.docker.listImages({ filters: JSON.stringify({ reference: [`${CACHE_REPOSITORY}:${prefix}-*`] }) } as object);
  return new Map(images.flatMap((image) => (image.RepoTags ?? []).map((tag) => [tag, image.Id] as const)));
}

/** Removes the cache a test's temporary Dockerfile left, so that test runs do not pile up. */
export async function removeCache(engine: DockerEngine, dockerfile: string, context: string): Promise<void> {
  for (const tag of (await cacheTags(engine, dockerfile, context)).keys()) await engine.docker.getImage(tag).remove().catch(() => undefined);
}

/** An image and every image it is built on. */
export async function selfAndAncestors(engine: DockerEngine, image: string): Promise<Set<string>> {
  const chain = new Set<string>();
  for (let current: string | undefined = image; current; ) {
    const inspect: { Id: string; Parent: string } = await engine.docker.getImage(current).inspect();
    chain.add(inspect.Id);
    current = inspect.Parent || undefined;
  }
  return chain;
}

/** Resolves with the first container the Engine starts whose command contains `word` (the Engine's event stream). */
export async function containerStarting(engine: DockerEngine, word: string): Promise<{ id: string; stop(): void }> {
  const stream = (await engine.docker.getEvents({ filters: JSON.stringify({ type: ['container'], event: ['start'] }) } as object)) as NodeJS.ReadableStream & { destroy(): void };
  return new Promise((resolve, reject) => {
    let buffered = '';
    stream.on('error', reject);
    stream.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines.filter(Boolean)) {
        const event = JSON.parse(line) as { id: string };
        engine.docker
          .getContainer(event.id)
          .inspect()
          .then((container) => {
            if ([...(container.Config.Cmd ?? []), ...(container.Config.Entrypoint ?? [])].join(' ').includes(word)) {
              stream.destroy();
              resolve({ id: event.id, stop: () => stream.destroy() });
            }
          })
          .catch(() => undefined); // already gone: not the one
      }
    });
  });
}

/** Containers, running or not, whose command contains `word`. */
export async function containersRunning(engine: DockerEngine, word: string): Promise<string[]> {
  return (await engine.docker.listContainers({ all: true })).filter((container) => container.Command.includes(word)).map((container) => container.Id);
}

export interface Child {
  readonly process: ChildProcessWithoutNullStreams;
  readonly exited: Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** The built CLI as a child process. */
export function startCli(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Child {
  const child = spawn(process.execPath, [CLI, ...args], { env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr })),
  );
  return { process: child, exited };
}
