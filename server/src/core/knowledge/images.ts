/** An image reference split into its parts: `registry/path/name:tag@digest`. */
export interface ImageReference {
  /**
   * A registry or mirror path in front of an official image (`public.ecr.aws/docker/library/`,
   * `docker.io/library/`, `mirror.gcr.io/library/`), kept on the images a rewrite derives from it.
   */
  readonly prefix: string;
  /** Repository as Docker Hub spells it for official images (`golang`, not `docker.io/library/golang`). */
  readonly repository: string;
  readonly tag: string;
  readonly digest: string | undefined;
  /** Whether the reference named a tag explicitly (`python` has no explicit tag: `latest`). */
  readonly explicitTag: boolean;
}

export function parseImageReference(reference: string): ImageReference {
  let rest = reference.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  let tag = 'latest';
  let explicitTag = false;
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    explicitTag = true;
  }
  const { prefix, repository } = splitRegistry(rest.toLowerCase());
  return { prefix, repository, tag, digest, explicitTag };
}

const DOCKER_HUB_HOSTS = ['docker.io/', 'index.docker.io/', 'registry-1.docker.io/'];

/** Official images behind any mirror end in `library/NAME`; Docker Hub's host may also be spelled out. */
function splitRegistry(path: string): { prefix: string; repository: string } {
  const library = /^(.*\/)?library\/([^/]+)$/.exec(path);
  if (library) return { prefix: `${library[1] ?? ''}library/`, repository: library[2]! };
  const hub = DOCKER_HUB_HOSTS.find((host) => path.startsWith(host));
  if (hub) return { prefix: hub, repository: path.slice(hub.length) };
  return { prefix: '', repository: path };
}

/**
 * An image on the same registry or mirror as `reference`: `debian:bookworm-slim` next to
 * `public.ecr.aws/docker/library/golang:1.22` is `public.ecr.aws/docker/library/debian:bookworm-slim`.
 * Images of other registries (`mcr.microsoft.com/...`) stay as they are.
 */
export function onSameRegistry(reference: ImageReference, image: string): string {
  if (!reference.prefix) return image;
  const path = image.split(/[:@]/)[0]!;
  if (path.includes('.') && path.includes('/')) return image; // another registry's host
  if (reference.prefix.endsWith('library/') && path.includes('/')) return `${reference.prefix.slice(0, -'library/'.length)}${image}`;
  return `${reference.prefix}${image}`;
}

// Docker's reference grammar (github.com/distribution/reference, regexp.go), written as a regular
// expression: a reference the rewrite writes must be one Docker accepts.
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^${NAME}(?::${TAG})?(?:@${DIGEST})?$`);

/** Whether Docker accepts the reference; a `${VARIABLE}` in it stands for a valid part. */
export function isValidImageReference(reference: string): boolean {
  return REFERENCE.test(reference.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*(?::?[-+][^}]*)?\}|\$[A-Za-z_][A-Za-z0-9_]*/g, 'x0'));
}
