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
