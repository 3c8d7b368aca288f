/**
 * A pod's volumes on Docker:
 * - persistentVolumeClaim -> the named volume `berth_<instance>_<ns>_pvc_<claim>`; a StatefulSet
 *   volumeClaimTemplate -> the claim `<template>-<sts>-<ordinal>`, a PVC volume owned by the
 *   StatefulSet, kept on scale-down and pod replacement;
 * - emptyDir -> a volume `berth_<instance>_<ns>_<pod>_<volume>` owned by the pod (created and
 *   removed with it); medium Memory -> a tmpfs mount instead;
 * - configMap / secret -> a read-only bind mount of the files' directory (files.ts);
 * - downwardAPI / projected -> the same, of the pod's own files (downward.ts);
 * - hostPath -> a bind mount of that path.
 */
import type { Container, Volume } from '../model';
import type { Mount } from '../runtime';
import { isSafeRelative, volumeFiles, type FileSet } from './files';
import { downwardFiles } from './downward';
import { claimLabels, emptyDirLabels } from './labels';
import type { ConfigLookup } from './lookup';
import { emptyDirVolumeName, pvcVolumeName } from './names';
import type { DesiredPod, PlanContext, VolumeCreate } from './types';
import type { Warnings } from './warnings';

type ResolvedVolume =
  { type: 'volume'; source: string; readOnly: boolean; what: string } | { type: 'tmpfs' } | { type: 'bind'; source: string; readOnly: boolean; what: string };

/** A PVC volume with the key of its claim: `PersistentVolumeClaim/<ns>/<claim>`. */
export interface ClaimVolume extends VolumeCreate {
  key: string;
}

export interface PodVolumes {
  byName: Map<string, ResolvedVolume>;
  /** emptyDir volumes the pod owns. */
  emptyDirs: VolumeCreate[];
  /** PVC volumes the pod needs. */
  claims: ClaimVolume[];
  fileSets: FileSet[];
}

export function resolvePodVolumes(pod: DesiredPod, ctx: PlanContext, lookup: ConfigLookup, warnings: Warnings): PodVolumes {
  const out: PodVolumes = { byName: new Map(), emptyDirs: [], claims: [], fileSets: [] };
  const warn = (m: string) => warnings.add(`${pod.key}: ${m}`);
  for (const vol of pod.spec.volumes) {
    if (pod.claimTemplates[vol.name] === undefined) out.byName.set(vol.name, resolveOne(vol, pod, ctx, lookup, out, warn));
  }
  for (const [volume, claim] of Object.entries(pod.claimTemplates)) {
    const name = pvcVolumeName(ctx.instance, pod.namespace, claim);
    const key = `PersistentVolumeClaim/${pod.namespace}/${claim}`;
    out.claims.push({ key, name, labels: claimLabels(ctx, pod.namespace, pod.owner, pod.ordinal) });
    out.byName.set(volume, { type: 'volume', source: name, readOnly: false, what: 'PersistentVolumeClaim' });
  }
  return out;
}

function resolveOne(vol: Volume, pod: DesiredPod, ctx: PlanContext, lookup: ConfigLookup, out: PodVolumes, warn: (m: string) => void): ResolvedVolume {
  switch (vol.type) {
    case 'emptyDir': {
      if (vol.medium === 'Memory') return { type: 'tmpfs' };
      if (pod.name === 'pvc') warn(`pod name "pvc" makes emptyDir ${vol.name} share its volume name with PVC ${vol.name}; rename the pod`);
      const name = emptyDirVolumeName(ctx.instance, pod.namespace, pod.name, vol.name);
      out.emptyDirs.push({ name, labels: emptyDirLabels(ctx, pod) });
      return { type: 'volume', source: name, readOnly: false, what: 'emptyDir' };
    }
    case 'persistentVolumeClaim': {
      const name = pvcVolumeName(ctx.instance, pod.namespace, vol.claimName);
      const key = `PersistentVolumeClaim/${pod.namespace}/${vol.claimName}`;
      out.claims.push({ key, name, labels: claimLabels(ctx, pod.namespace, vol.claimName) });
      return { type: 'volume', source: name, readOnly: vol.readOnly, what: 'PersistentVolumeClaim' };
    }
    case 'configMap':
    case 'secret': {
      const set = volumeFiles(vol, pod, ctx, lookup, warn);
      out.fileSets.push(set);
      return { type: 'bind', source: set.dir, readOnly: true, what: vol.type };
    }
    case 'hostPath':
      return { type: 'bind', source: vol.path, readOnly: false, what: 'hostPath' };
    case 'downwardAPI':
    case 'projected': {
      const set = downwardFiles(vol, pod, ctx, lookup, warn);
      out.fileSets.push(set);
      return { type: 'bind', source: set.dir, readOnly: true, what: vol.type };
    }
  }
}

export function containerMounts(c: Container, pod: DesiredPod, vols: PodVolumes, warnings: Warnings): Mount[] {
  const mounts: Mount[] = [];
  for (const m of c.volumeMounts) {
    const v = vols.byName.get(m.name);
    const where = `${pod.key}: container ${c.name}: volumeMount ${m.name}`;
    if (!v) {
      warnings.add(`${where}: no volume of that name; not mounted`);
      continue;
    }
    if (m.subPath !== undefined && m.subPath !== '' && !isSafeRelative(m.subPath)) {
      warnings.add(`${where}: subPath "${m.subPath}" must be relative and stay inside the volume; not mounted`);
      continue;
    }
    if (v.type === 'tmpfs') {
      if (m.subPath) warnings.add(`${where}: subPath is not supported on a Memory emptyDir; the whole volume is mounted`);
      mounts.push({ type: 'tmpfs', source: '', target: m.mountPath, readOnly: m.readOnly });
    } else if (v.type === 'bind') {
      // A subPath of a bind mount is just a deeper host path.
      const source = m.subPath ? `${v.source}/${m.subPath}` : v.source;
      mounts.push({ type: 'bind', source, target: m.mountPath, readOnly: v.readOnly || m.readOnly });
    } else {
      if (m.subPath) warnings.add(`${where}: subPath is not supported on ${v.what} volumes yet; the whole volume is mounted at ${m.mountPath}`);
      mounts.push({ type: 'volume', source: v.source, target: m.mountPath, readOnly: v.readOnly || m.readOnly });
    }
  }
  return mounts;
}
