/**
 * Names of Docker objects. Decisions (DESIGN.md "Kubernetes kinds on Docker"):
 * - network per namespace: `berth_<instance>_<ns>`, per instance so two instances never share;
 * - containers: `berth_<instance>_<ns>_<pod>_<container>`, the infra container `..._POD`;
 * - PVC volume: `berth_<instance>_<ns>_pvc_<claim>`; a StatefulSet volumeClaimTemplate gives the
 *   claim `<template>-<sts>-<ordinal>` (Kubernetes' convention);
 * - emptyDir volume: `berth_<instance>_<ns>_<pod>_<volume>`.
 * Instance names are restricted to [a-z0-9-] and Kubernetes names never contain '_', so the
 * '_'-separated parts parse back uniquely: names of two instances can never collide. (One
 * exception is reported by the planner: a pod named `pvc` with an emptyDir.)
 */
import { createHash } from 'node:crypto';
import { BerthError } from '../util';

export const INSTANCE_PATTERN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

export function checkInstance(instance: string): void {
  if (!INSTANCE_PATTERN.test(instance) || instance.length > 40) {
    throw new BerthError(
      'E_USAGE',
      `instance name "${instance}" is invalid`,
      'use 1-40 lowercase letters, digits and "-", starting and ending with a letter or digit',
    );
  }
}

export function networkName(instance: string, namespace: string): string {
  return `berth_${instance}_${namespace}`;
}

export function containerName(instance: string, namespace: string, pod: string, container: string): string {
  return `berth_${instance}_${namespace}_${pod}_${container}`;
}

export function pvcVolumeName(instance: string, namespace: string, claim: string): string {
  return `berth_${instance}_${namespace}_pvc_${claim}`;
}

export function emptyDirVolumeName(instance: string, namespace: string, pod: string, volume: string): string {
  return `berth_${instance}_${namespace}_${pod}_${volume}`;
}

/** Kubernetes' name for the claim a StatefulSet pod gets from a volumeClaimTemplate. */
export function claimTemplateName(template: string, statefulSet: string, ordinal: number): string {
  return `${template}-${statefulSet}-${ordinal}`;
}

export function statefulSetPodName(statefulSet: string, ordinal: number): string {
  return `${statefulSet}-${ordinal}`;
}

/**
 * The template hash as it appears in pod names: Kubernetes' pod-template-hash is about 10
 * characters, as berth's template hashes are (model/hash.ts shortHash); a longer one is cut.
 */
const NAME_HASH_LENGTH = 10;

// Kubernetes' alphabet for generated suffixes (no vowels, no confusable digits).
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * `<deploy>-<hash>-<suffix>`: the suffix is derived from (deployment, template hash, slot), not
 * random, so the same desired state always names the same pods and planning stays pure.
 * `attempt` > 0 re-derives it when two slots' suffixes collide (see expand.ts).
 */
export function deploymentPodName(deployment: string, templateHash: string, slot: number, attempt = 0): string {
  const seed = attempt === 0 ? `${deployment}\0${templateHash}\0${slot}` : `${deployment}\0${templateHash}\0${slot}\0${attempt}`;
  const known = podNames.get(seed);
  if (known) return known;
  const digest = createHash('sha256').update(seed).digest();
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += SUFFIX_ALPHABET[digest[i] % SUFFIX_ALPHABET.length];
  const name = `${deployment}-${templateHash.slice(0, NAME_HASH_LENGTH)}-${suffix}`;
  // Every look expands every Deployment: remember names rather than hash them each time.
  if (podNames.size >= POD_NAME_CACHE) podNames.clear();
  podNames.set(seed, name);
  return name;
}

const POD_NAME_CACHE = 50_000;
const podNames = new Map<string, string>();

/**
 * `<ds>-<suffix>`, Kubernetes' shape for DaemonSet pods: the suffix is derived from (daemon
 * set, template hash, attempt), so a new template gives a new name (the old and the new pod
 * can run side by side under maxSurge) and planning stays pure.
 */
export function daemonSetPodName(daemonSet: string, templateHash: string, attempt = 0): string {
  const seed = `${daemonSet}\0${templateHash}\0daemon\0${attempt}`;
  const digest = createHash('sha256').update(seed).digest();
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += SUFFIX_ALPHABET[digest[i] % SUFFIX_ALPHABET.length];
  return `${daemonSet}-${suffix}`;
}

/** Hex sha256 of a string; used for content-addressed file directories. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
