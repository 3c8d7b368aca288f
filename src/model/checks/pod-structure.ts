/**
 * The inside of a pod must hang together: every volumeMount names a volume of the pod (or a
 * StatefulSet volumeClaimTemplate); container names, volume names, and the mountPaths of
 * one container are unique.
 */
import type { Problem } from '../../util';
import { containersOf, problemAt, volumePath, type PodSite, type Rule } from '../located';

function mountsNameVolumes(site: PodSite): Problem[] {
  const known = new Set([...site.spec.volumes.map((v) => v.name), ...site.claimTemplates]);
  const list = [...known].join(', ') || 'none';
  return containersOf(site).flatMap(({ container, path }) =>
    container.volumeMounts.flatMap((mount, j) =>
      known.has(mount.name)
        ? []
        : [
            problemAt(
              site.doc,
              [...path, 'volumeMounts', j, 'name'],
              'error',
              'ref.volume',
              `volumeMount "${mount.name}" of container "${container.name}" names no volume of the pod (volumes: ${list})`,
            ),
          ],
    ),
  );
}

function uniqueContainerNames(site: PodSite): Problem[] {
  const seen = new Set<string>();
  const out: Problem[] = [];
  for (const { container, path } of containersOf(site)) {
    if (seen.has(container.name))
      out.push(problemAt(site.doc, [...path, 'name'], 'error', 'dup.container', `container name "${container.name}" is used twice in the pod`));
    seen.add(container.name);
  }
  return out;
}

function uniqueVolumeNames(site: PodSite): Problem[] {
  const seen = new Set<string>();
  const out: Problem[] = [];
  site.spec.volumes.forEach((v, i) => {
    if (seen.has(v.name))
      out.push(problemAt(site.doc, [...volumePath(site, i), 'name'], 'error', 'dup.volume', `volume name "${v.name}" is used twice in the pod`));
    seen.add(v.name);
  });
  return out;
}

function uniqueMountPaths(site: PodSite): Problem[] {
  return containersOf(site).flatMap(({ container, path }) => {
    const seen = new Set<string>();
    const out: Problem[] = [];
    container.volumeMounts.forEach((mount, j) => {
      const p = mount.mountPath.replace(/\/+$/, '') || '/';
      if (seen.has(p)) {
        out.push(
          problemAt(
            site.doc,
            [...path, 'volumeMounts', j, 'mountPath'],
            'error',
            'dup.mount-path',
            `mountPath "${mount.mountPath}" is used twice in container "${container.name}"`,
          ),
        );
      }
      seen.add(p);
    });
    return out;
  });
}

export const podStructure: Rule = (m) =>
  m.pods.flatMap((site) => [...mountsNameVolumes(site), ...uniqueContainerNames(site), ...uniqueVolumeNames(site), ...uniqueMountPaths(site)]);
