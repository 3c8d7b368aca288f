/**
 * imagePullPolicy on a swarm (pure). A swarm node's agent pulls a tagged image before every
 * task start, whatever is present, and falls back to its local copy only once the pull has
 * failed (on a machine without a registry that is ~20 s per task). It skips the pull only
 * for an image named by id, or by digest when that digest is present. So berth names the
 * image the way the policy means, from the manager's copy:
 * - Always: the tag (every start pulls, as kubelet does);
 * - IfNotPresent: `name@sha256:<digest>` when the manager knows the registry digest (a node
 *   that has it starts at once, one that lacks it pulls that digest), else the tag;
 * - Never: the image id, so no node ever pulls (a node without the image fails the task, as
 *   kubelet's ErrImageNeverPull does).
 * The spec hash stays that of the manifest: a new image behind the same tag replaces nothing
 * (as on one host, where a pod is not recreated because a tag moved).
 */
import type { Container } from '../model';

type PullPolicy = Container['imagePullPolicy'];

export function imageReference(image: string, policy: PullPolicy, local: { id: string; repoDigests: string[] } | undefined): string {
  if (policy === 'Always' || !local) return image;
  if (policy === 'Never') return local.id;
  const name = image.replace(/@.*$/, '').replace(/:[^/:]+$/, '');
  return local.repoDigests.find((d) => d.replace(/@.*$/, '') === name || d.replace(/@.*$/, '') === `docker.io/${name}`) ?? image;
}
