/**
 * A container's securityContext on Docker (pure):
 * - runAsUser[:runAsGroup] -> User "uid[:gid]"; runAsGroup alone -> the image's user with
 *   that group, completed at creation (Docker's User cannot name a group without a user);
 * - the pod's supplementalGroups -> GroupAdd;
 * - allowPrivilegeEscalation: false -> SecurityOpt no-new-privileges;
 * - seccompProfile Unconfined -> SecurityOpt seccomp=unconfined; RuntimeDefault is Docker's
 *   own default profile; Localhost is not supported (a warning; the default applies);
 * - runAsNonRoot -> checked against the image's USER before the container is created, by
 *   kubelet's rules (verifyRunAsNonRoot): refused when the effective uid is 0, or when the
 *   image names its user by name (it cannot be verified without the image's /etc/passwd).
 */
import type { Container } from '../model';
import type { ContainerCreateSpec, ImageUserCheck } from '../runtime';

export type SecurityFields = Pick<ContainerCreateSpec, 'user' | 'groupAdd' | 'securityOpt' | 'imageUserCheck'>;

export function securityFields(c: Container, warn: (m: string) => void): SecurityFields {
  const sc = c.securityContext;
  const out: SecurityFields = {};
  if (sc.runAsUser !== undefined) out.user = sc.runAsGroup === undefined ? String(sc.runAsUser) : `${sc.runAsUser}:${sc.runAsGroup}`;
  if (sc.supplementalGroups && sc.supplementalGroups.length > 0) out.groupAdd = sc.supplementalGroups.map(String);
  const opts: string[] = [];
  if (sc.allowPrivilegeEscalation === false) opts.push('no-new-privileges');
  if (sc.seccompProfile === 'Unconfined') opts.push('seccomp=unconfined');
  if (sc.seccompProfile === 'Localhost')
    warn("securityContext.seccompProfile Localhost is not supported on a Docker host; the engine's default profile applies");
  if (opts.length > 0) out.securityOpt = opts;
  const groupOnly = sc.runAsUser === undefined && sc.runAsGroup !== undefined;
  if (sc.runAsNonRoot === true || groupOnly) {
    const check: ImageUserCheck = { runAsNonRoot: sc.runAsNonRoot === true };
    if (groupOnly) check.runAsGroup = sc.runAsGroup;
    out.imageUserCheck = check;
  }
  return out;
}

export type ImageUserVerdict = { ok: true; user?: string } | { ok: false; reason: string };

/**
 * What the container runs as, given the image's USER (`name|uid[:group|gid]`, '' = root):
 * `user` to set when it must change (runAsGroup alone), or why it is refused.
 */
export function judgeImageUser(spec: Pick<ContainerCreateSpec, 'user' | 'image'>, check: ImageUserCheck, imageUser: string): ImageUserVerdict {
  const [imageName = ''] = imageUser.split(':');
  const user = check.runAsGroup !== undefined && spec.user === undefined ? `${imageName || '0'}:${check.runAsGroup}` : spec.user;
  if (!check.runAsNonRoot) return user === spec.user ? { ok: true } : { ok: true, user: user as string };
  const effective = (user ?? imageUser).split(':')[0];
  const fromImage = spec.user === undefined;
  if (effective === '' || effective === '0' || effective === 'root') {
    const why = fromImage ? `image "${spec.image}" runs as root (${imageUser ? `USER ${imageUser}` : 'no USER'}) and no runAsUser is set` : 'runAsUser is 0';
    return { ok: false, reason: `runAsNonRoot: ${why}; set securityContext.runAsUser to a non-zero uid` };
  }
  if (!/^\d+$/.test(effective)) {
    return {
      ok: false,
      reason: `runAsNonRoot: image "${spec.image}" has a non-numeric user (${effective}), cannot verify it is not root; set securityContext.runAsUser`,
    };
  }
  return user === spec.user ? { ok: true } : { ok: true, user: user as string };
}
