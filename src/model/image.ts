/**
 * Image references: Kubernetes' default imagePullPolicy is Always when the image has no
 * tag or the tag `latest` (and no digest), IfNotPresent otherwise.
 */
export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';

export interface ImageRef {
  /** Everything before the tag/digest, registry included: `registry:5000/team/app`. */
  repository: string;
  tag?: string;
  digest?: string;
}

export function parseImageRef(image: string): ImageRef {
  const at = image.indexOf('@');
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const named = at >= 0 ? image.slice(0, at) : image;
  // A tag is a ':' after the last '/': `localhost:5000/app` has a registry port, no tag.
  const colon = named.lastIndexOf(':');
  const slash = named.lastIndexOf('/');
  if (colon > slash) return { repository: named.slice(0, colon), tag: named.slice(colon + 1), digest };
  return { repository: named, digest };
}

export function defaultPullPolicy(image: string): PullPolicy {
  const ref = parseImageRef(image);
  if (ref.digest) return 'IfNotPresent';
  return ref.tag === undefined || ref.tag === 'latest' ? 'Always' : 'IfNotPresent';
}

/*
 * The reference grammar of the Docker engine (github.com/distribution/reference,
 * regexp.go), the one kubelet parses an image with: a name that does not match fails every
 * pull (InvalidImageName), so it is refused at validation instead.
 */
const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])`;
const DOMAIN = `${HOST}(?::[0-9]+)?`;
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^(${NAME})(?::${TAG})?(?:@${DIGEST})?$`);
const NAME_MAX = 255;

/** Why `image` is not a valid image reference, or undefined when it is one. */
export function imageReferenceProblem(image: string): string | undefined {
  const m = REFERENCE.exec(image);
  if (!m) {
    const hint = /[A-Z]/.test(image.split(/[:@]/)[0].split('/').slice(-1)[0] ?? '') ? ' (repository names are lowercase)' : '';
    return `is not an image reference like nginx:1.27 or registry.example.com/team/app@sha256:...${hint}`;
  }
  if (m[1].length > NAME_MAX) return `has a repository name longer than ${NAME_MAX} characters`;
  return undefined;
}
