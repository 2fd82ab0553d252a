import type { Readable } from 'node:stream';
import Docker from 'dockerode';
import type { EngineEndpoint } from './endpoint';
import { EngineError } from './errors';

export { EngineError } from './errors';

export interface BuildProgress {
  /** 1-based step of the Dockerfile being run, and the step count, when the Engine says. */
  readonly step?: number;
  readonly steps?: number;
  readonly instruction?: string;
  /** A line of build output. */
  readonly line: string;
  /** Whether this line starts a new step (`Step 3/9 : RUN ...`). */
  readonly startsStep: boolean;
  /** The image a step ended with (` ---> 1a2b3c4d5e6f`): the base image for FROM, else the step's own. */
  readonly image?: string;
}

export interface BuildRequest {
  readonly context: Readable;
  /** The Dockerfile's path inside the context. */
  readonly dockerfile: string;
  readonly tag: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
  readonly onProgress?: (progress: BuildProgress) => void;
}

export interface ImageFacts {
  readonly id: string;
  /** `docker image inspect`'s Size, in bytes. */
  readonly sizeBytes: number;
  readonly layers: ReadonlyArray<{ readonly createdBy: string; readonly sizeBytes: number }>;
}

export interface RunResult {
  readonly exitCode: number;
  readonly output: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The Docker Engine behind a small interface: every call can be cancelled and has a timeout, and
 * errors become sentences naming the endpoint that was tried.
 */
export class DockerEngine {
  readonly docker: Docker;

  constructor(readonly endpoint: EngineEndpoint) {
    this.docker = new Docker({ ...endpoint.options, timeout: undefined });
  }

  /** Resolves when a Docker Engine answers; otherwise throws an EngineError saying what to do. */
  async ping(timeoutMs = 5000, signal?: AbortSignal): Promise<void> {
    let answer: unknown;
    try {
      answer = await this.call('reach the Docker Engine', timeoutMs, signal, (abortSignal) => (this.docker.ping as unknown as (options: object) => Promise<unknown>)(withAbort({}, abortSignal)));
    } catch (error) {
      if (!(error instanceof EngineError) || error.kind !== 'engine') throw error;
      const status = /\(HTTP code (\d+)\)/.exec(error.message)?.[1];
      throw this.notAnEngine(status ? `GET /_ping answered HTTP ${status}` : error.message.replace(/^.*could not reach the Docker Engine: /, ''));
    }
    // An Engine answers GET /_ping with "OK"; any other server that happens to answer is not one.
    if (String(answer).trim() !== 'OK') throw this.notAnEngine(`GET /_ping answered ${JSON.stringify(String(answer).slice(0, 60))}`);
  }

  private notAnEngine(detail: string): EngineError {
    return new EngineError(
      `${this.endpoint.url} (from ${this.endpoint.source}) answers, but not as a Docker Engine (${detail.trim()}). Point DOCKER_HOST, the Docker context or the multistage.docker.host setting at a Docker Engine.`,
      'not-an-engine',
    );
  }

  async build(request: BuildRequest): Promise<{ imageId: string; seconds: number; log: string }> {
    const started = Date.now();
    const controller = linkedController(request.signal, request.timeoutMs ?? 30 * 60_000);
    let log = '';
    let step: number | undefined;
    let instruction: string | undefined;
    // The classic builder runs each RUN in a container it names in the log: " ---> Running in 1a2b3c".
    const buildContainers = new Set<string>();
    // A context that cannot be sent (a file unreadable or changed) must not read as an Engine failure.
    let contextFailure: EngineError | undefined;
    request.context.once('error', (error: unknown) => {
      contextFailure = error instanceof EngineError ? error : new EngineError(`Could not send the build context: ${error instanceof Error ? error.message : String(error)}`, 'context');
      controller.abort(contextFailure);
    });
    try {
      const stream = await this.docker.buildImage(request.context, {
        t: request.tag,
        dockerfile: request.dockerfile,
        rm: true,
        forcerm: true,
        // Podman rejects an empty `labels` parameter (HTTP 400): send it only with labels.
        ...(request.labels ? { labels: request.labels } : {}),
        abortSignal: controller.signal,
      } as Docker.ImageBuildOptions & { abortSignal: AbortSignal });
      const imageId = await new Promise<string>((resolve, reject) => {
        let id = '';
        let failure: string | undefined;
        this.docker.modem.followProgress(
          stream,
          (error: Error | null) => {
            if (error) reject(error);
            else if (failure) reject(new EngineError(failure, 'build-failed', log));
            else resolve(id);
          },
          (event: { stream?: string; error?: string; aux?: { ID?: string }; status?: string }) => {
            if (event.aux?.ID) id = event.aux.ID;
            const text = event.stream ?? event.status ?? '';
            if (event.error) {
              failure = event.error.trim();
              log += `${failure}\n`;
            }
            for (const line of text.split('\n').filter((l) => l.trim() !== '')) {
              log += `${line}\n`;
              const running = /---> Running in ([0-9a-f]{12,64})/.exec(line);
              if (running) buildContainers.add(running[1]!);
              // Docker: "Step 3/9 : RUN make" and " ---> 1a2b3c4d5e6f"; Podman (Buildah): "STEP 3/9: RUN make" and "--> 1a2b3c4d5e6".
              const match = /^(?:Step|STEP) (\d+)\/(\d+) ?: (.*)$/.exec(line);
              const image = /^\s*-{2,3}> ([0-9a-f]{11,64})\s*$/.exec(line)?.[1];
              if (match) {
                step = Number(match[1]);
                instruction = match[3];
                request.onProgress?.({ step, steps: Number(match[2]), instruction, line, startsStep: true });
              } else {
                request.onProgress?.({ step, instruction, line, startsStep: false, ...(image ? { image } : {}) });
              }
              const built = /^Successfully built ([0-9a-f]+)/.exec(line);
              if (built && !id) id = built[1]!;
            }
          },
        );
      });
      return { imageId, seconds: (Date.now() - started) / 1000, log };
    } catch (error) {
      if (contextFailure) {
        await this.removeBuildContainers(buildContainers);
        throw contextFailure;
      }
      if (controller.signal.aborted) {
        await this.removeBuildContainers(buildContainers);
        // A build that runs past its time failed as a build (exit 1), not as an unreachable Engine.
        throw request.signal?.aborted ? new EngineError('The build was cancelled.', 'cancelled', log) : new EngineError(`The build did not finish within ${Math.round((request.timeoutMs ?? 30 * 60_000) / 1000)} s.`, 'build-failed', log);
      }
      if (error instanceof EngineError) throw this.describeBuildFailure(error, step, instruction);
      throw this.describe(error, 'build the image');
    } finally {
      controller.dispose();
    }
  }

  /** After a cancelled build the Engine removes its step container itself; wait for that, or remove it. */
  private async removeBuildContainers(ids: ReadonlySet<string>): Promise<void> {
    for (const id of ids) {
      const container = this.docker.getContainer(id);
      for (let attempt = 0; attempt < 40; attempt++) {
        try {
          await container.inspect();
        } catch {
          break; // gone
        }
        if (attempt === 39) await container.remove({ force: true }).catch(() => undefined);
        else await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  async imageFacts(tag: string, signal?: AbortSignal): Promise<ImageFacts> {
    const image = this.docker.getImage(tag);
    const inspect = await this.call(`inspect ${tag}`, DEFAULT_TIMEOUT_MS, signal, () => image.inspect());
    const history = await this.call(`read the history of ${tag}`, DEFAULT_TIMEOUT_MS, signal, () => image.history());
    return {
      id: inspect.Id,
      sizeBytes: inspect.Size,
      layers: (history as Array<{ CreatedBy: string; Size: number }>).map((layer) => ({ createdBy: layer.CreatedBy, sizeBytes: layer.Size })).reverse(),
    };
  }

  /**
   * The image as the Engine exports it (GET /images/{name}/get: a tar of its layer tars and its
   * configuration), as a stream read by the caller. Cancelling, or destroying the stream, closes the
   * connection: the Engine stops sending, and removes its own temporary export files.
   */
  async exportImage(reference: string, signal?: AbortSignal): Promise<Readable> {
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    if (signal?.aborted) controller.abort(signal.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    // Docker 20.10 answers only once it has copied every layer to a temporary folder: allow for that.
    const stream = await this.call(`export ${reference}`, 15 * 60_000, signal, () =>
      new Promise<Readable>((resolve, reject) =>
        this.docker.modem.dial(
          { path: `/images/${reference}/get?`, method: 'GET', isStream: true, abortSignal: controller.signal, statusCodes: { 200: true, 404: 'no such image', 500: 'server error' } } as never,
          (error: unknown, data: unknown) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(data as Readable)),
        ),
      ),
    ).catch((error: unknown) => {
      signal?.removeEventListener('abort', onAbort);
      controller.abort();
      throw error;
    });
    const release = () => signal?.removeEventListener('abort', onAbort);
    stream.once('close', release);
    stream.once('end', release);
    // The request's own abort ends the response with an error the reader sees; name it as cancelled.
    controller.signal.addEventListener('abort', () => stream.destroy(new EngineError(`Cancelled while exporting ${reference}.`, 'cancelled')), { once: true });
    return stream;
  }

  /** `docker image inspect`: the id, Size and RootFS of an image. */
  async inspectImage(reference: string, signal?: AbortSignal): Promise<Docker.ImageInspectInfo> {
    return this.call(`inspect ${reference}`, DEFAULT_TIMEOUT_MS, signal, () => this.docker.getImage(reference).inspect());
  }

  /** Runs a throwaway container (removed afterwards) and returns its exit code and combined output. */
  async run(image: string, command: readonly string[] | undefined, options: { timeoutMs?: number; signal?: AbortSignal; entrypoint?: readonly string[]; labels?: Record<string, string> } = {}): Promise<RunResult> {
    try {
      return await this.runOnce(image, command, options, undefined);
    } catch (error) {
      // Podman raises each container's open-file and process limits to its own defaults, which fails
      // where the service itself runs under lower hard limits ("error setting rlimit"); Docker keeps
      // the daemon's. Then run again with modest limits that any host allows.
      if (!(error instanceof EngineError && /error setting rlimit/i.test(error.message))) throw error;
      return this.runOnce(image, command, options, [
        { Name: 'nofile', Soft: 1024, Hard: 4096 },
        { Name: 'nproc', Soft: 4096, Hard: 4096 },
      ]);
    }
  }

  private async runOnce(
    image: string,
    command: readonly string[] | undefined,
    options: { timeoutMs?: number; signal?: AbortSignal; entrypoint?: readonly string[]; labels?: Record<string, string> },
    ulimits: Array<{ Name: string; Soft: number; Hard: number }> | undefined,
  ): Promise<RunResult> {
    const timeoutMs = options.timeoutMs ?? 60_000;
    if (options.signal?.aborted) throw new EngineError(`Cancelled before running a container of ${image}.`, 'cancelled');
    // Creating is not cancelled midway: an aborted create request can still make the container on
    // the Engine, and then nothing would know its id to remove it. It takes well under a second.
    const container = await this.call(`create a container from ${image}`, DEFAULT_TIMEOUT_MS, undefined, (abortSignal) =>
      this.docker.createContainer({
        Image: image,
        Cmd: command ? [...command] : undefined,
        Entrypoint: options.entrypoint ? [...options.entrypoint] : undefined,
        Labels: options.labels,
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
        NetworkDisabled: true,
        HostConfig: { AutoRemove: false, ...(ulimits ? { Ulimits: ulimits } : {}) },
        abortSignal,
      } as Docker.ContainerCreateOptions),
    );
    try {
      if (options.signal?.aborted) throw new EngineError(`Cancelled before starting a container of ${image}.`, 'cancelled');
      await this.call(`start a container from ${image}`, DEFAULT_TIMEOUT_MS, options.signal, (abortSignal) => container.start(withAbort({}, abortSignal)));
      const waited = (await this.call(`wait for a container of ${image}`, timeoutMs, options.signal, (abortSignal) => container.wait(withAbort({}, abortSignal)))) as { StatusCode: number };
      const logs = (await this.call(`read the output of a container of ${image}`, DEFAULT_TIMEOUT_MS, options.signal, () => container.logs({ stdout: true, stderr: true, follow: false }))) as unknown as Buffer;
      return { exitCode: waited.StatusCode, output: demultiplex(logs) };
    } finally {
      await container.remove({ force: true }).catch(() => undefined);
    }
  }

  /**
   * Removes a tag or an image. With `prune`, as `docker rmi` does: a tag that is not the image's
   * last is only untagged, otherwise the image goes with its untagged parents that nothing else
   * needs, and an image still needed (a child, a container) is kept. Without it, the image goes and
   * its parents stay (the build cache, left dangling). A missing image is not an error.
   */
  async removeImage(reference: string, options: { prune?: boolean } = {}): Promise<void> {
    const how = options.prune ? {} : { force: true, noprune: true };
    await this.call(`remove ${reference}`, DEFAULT_TIMEOUT_MS, undefined, () => this.docker.getImage(reference).remove(how)).catch((error: unknown) => {
      if (!(error instanceof EngineError && /No such image|not found|conflict|being used|has dependent child|must be forced/i.test(error.message))) throw error;
    });
  }

  /** Tags an image (by id or name) as repository:tag, moving the tag if it named another image. */
  async tagImage(image: string, repository: string, tag: string): Promise<void> {
    await this.call(`tag ${image} as ${repository}:${tag}`, DEFAULT_TIMEOUT_MS, undefined, () => this.docker.getImage(image).tag({ repo: repository, tag }));
  }

  /** Image ids (sha256:...) with their tags; `dangling` lists only untagged images no other image builds on. */
  async listImages(filter: { dangling?: boolean; reference?: string } = {}): Promise<Array<{ id: string; tags: string[] }>> {
    const filters: Record<string, string[]> = {};
    if (filter.dangling) filters.dangling = ['true'];
    if (filter.reference) filters.reference = [filter.reference];
    const images = await this.call('list images', DEFAULT_TIMEOUT_MS, undefined, () => this.docker.listImages({ filters: JSON.stringify(filters) } as Docker.ListImagesOptions));
    return images.map((image) => ({ id: image.Id, tags: (image.RepoTags ?? []).filter((tag) => tag !== '<none>:<none>') }));
  }

  /** Force-removes every container carrying the label (probe and smoke containers of one compare). */
  async removeContainers(label: string, value: string): Promise<void> {
    const containers = await this.call('list containers', DEFAULT_TIMEOUT_MS, undefined, () => this.docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${label}=${value}`] }) } as Docker.ContainerListOptions));
    for (const container of containers) await this.docker.getContainer(container.Id).remove({ force: true }).catch(() => undefined);
  }

  async imageExists(tag: string): Promise<boolean> {
    try {
      await this.docker.getImage(tag).inspect();
      return true;
    } catch {
      return false;
    }
  }

  /** Runs one Engine call with a timeout and a cancellation signal, turning failures into sentences. */
  private async call<T>(what: string, timeoutMs: number, signal: AbortSignal | undefined, body: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = linkedController(signal, timeoutMs);
    try {
      // Not every dockerode call honours abortSignal: stop waiting on abort either way.
      const aborted = new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));
      return await Promise.race([body(controller.signal), aborted]);
    } catch (error) {
      if (signal?.aborted) throw new EngineError(`Cancelled while trying to ${what}.`, 'cancelled');
      if (controller.signal.aborted) throw new EngineError(`The Docker Engine at ${this.endpoint.url} (from ${this.endpoint.source}) did not answer within ${Math.round(timeoutMs / 1000)} s when asked to ${what}. Is Docker running?`, 'timeout');
      throw this.describe(error, what);
    } finally {
      controller.dispose();
    }
  }

  private describe(error: unknown, what: string): EngineError {
    const raw = error instanceof Error ? error.message : String(error);
    const code = (error as NodeJS.ErrnoException).code;
    const where = `${this.endpoint.url} (from ${this.endpoint.source})`;
    // ENOENT only from connect() (no socket there): a missing local file is not an unreachable Engine.
    const connecting = (error as NodeJS.ErrnoException).syscall === 'connect' || /connect ENOENT|ECONNREFUSED/.test(raw);
    if ((code === 'ENOENT' && connecting) || code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ECONNRESET' || /ECONNREFUSED/.test(raw)) {
      return new EngineError(`Could not reach the Docker Engine at ${where}. Is Docker running? Start it (for example \`sudo systemctl start docker\`), or point DOCKER_HOST or the multistage.docker.host setting at a running Engine.`, 'unreachable');
    }
    const ssh = this.endpoint.ssh;
    if (ssh && /Host denied|verification failed/i.test(raw)) {
      return new EngineError(`The SSH host key of ${ssh.knownHostsName} is not in ${ssh.knownHostsFiles.join(' or ')}, or differs from the one there, so the Docker Engine at ${where} was not contacted. Connect once with \`ssh ${ssh.login}\` to check the key and accept it, as the Docker CLI needs too.`, 'permission');
    }
    if (ssh && /authentication methods failed|no (supported )?authentication/i.test(raw)) {
      return new EngineError(`SSH refused the login for ${where}: the key must be loaded in an ssh-agent (SSH_AUTH_SOCK, \`ssh-add\`) and allowed on the host (\`ssh ${ssh.login}\` must log in without a password).`, 'permission');
    }
    // An HTTP answer (e.g. Podman's "OCI permission denied" from a container runtime) is the Engine's own failure, not the socket's.
    if (code === 'EACCES' || (/EACCES|permission denied/i.test(raw) && !/\(HTTP code \d+\)/.test(raw))) {
      return new EngineError(`Permission denied on the Docker Engine at ${where}. Add your user to the docker group (\`sudo usermod -aG docker $USER\`, then log in again) or use a rootless Docker context.`, 'permission');
    }
    return new EngineError(`The Docker Engine at ${where} could not ${what}: ${raw.trim()}`, 'engine');
  }

  private describeBuildFailure(error: EngineError, step: number | undefined, instruction: string | undefined): EngineError {
    const pullFailed = /pull access denied|manifest unknown|not found: manifest|dial tcp|no such host|i\/o timeout|TLS handshake|failed to resolve|Get "https:\/\/registry/i.test(error.message);
    if (pullFailed && (step === 1 || /^FROM/i.test(instruction ?? ''))) {
      return new EngineError(`The base image of "${instruction ?? 'FROM'}" is not on this Engine and no registry could be reached: ${error.message}. Pull or load it first (docker pull / docker load).`, 'base-image-missing', error.log);
    }
    const where = step ? `step ${step}${instruction ? ` (${instruction})` : ''}` : 'a step';
    return new EngineError(`The build failed at ${where}: ${error.message}`, 'build-failed', error.log);
  }
}

/** dockerode honours `abortSignal` on these calls; @types/dockerode does not declare it. */
function withAbort<T extends object>(options: T, abortSignal: AbortSignal): T {
  return { ...options, abortSignal } as T;
}

/** An AbortController that aborts with the caller's signal or after the timeout. */
function linkedController(signal: AbortSignal | undefined, timeoutMs: number): AbortController & { dispose(): void } {
  const controller = new AbortController() as AbortController & { dispose(): void };
  const onAbort = () => controller.abort(signal?.reason);
  if (signal?.aborted) controller.abort(signal.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new Error('timeout')), timeoutMs);
  controller.dispose = () => {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  };
  return controller;
}

/** Docker multiplexes stdout and stderr in 8-byte-header frames when there is no TTY. */
function demultiplex(buffer: Buffer): string {
  if (!Buffer.isBuffer(buffer)) return String(buffer);
  let output = '';
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const length = buffer.readUInt32BE(offset + 4);
    output += buffer.subarray(offset + 8, offset + 8 + length).toString('utf8');
    offset += 8 + length;
  }
  return offset === 0 && buffer.length > 0 ? buffer.toString('utf8') : output;
}
