/**
 * Secret material beyond Secrets' data: what came from sops files (its plaintexts are
 * redacted wherever berth prints, a sealed ConfigMap is handled like a Secret), and the
 * keyed digests that pod hashes cover instead of the values themselves.
 *
 * Why keyed: `io.berth.spec-hash` is a label (readable by anyone who can list containers,
 * and exported by monitoring tools) and part of pod names. A plain hash over content that
 * holds a Secret value is a fingerprint of it: with the template known from git, a short
 * value (a PIN, a word) is found by trying candidates. An HMAC with a key only the state
 * directory holds cannot be tried offline, still changes when the value changes (so its pods
 * roll), and is the same at every pass, so the pods keep matching their labels.
 */
import { createHmac } from 'node:crypto';
import { canonicalJson } from './hash';
import type { Located } from './located';
import { resourceKey, type DesiredState, type SealedMaterial } from './types';

export function sealedMaterial(entries: readonly Located[]): SealedMaterial | undefined {
  const sealed = entries.filter((e) => e.doc.sealedValues !== undefined);
  if (sealed.length === 0) return undefined;
  return { values: [...new Set(sealed.flatMap((e) => e.doc.sealedValues ?? []))], keys: sealed.map((e) => resourceKey(e.resource)) };
}

/** resourceKey -> HMAC-SHA256 (hex) of the data of every Secret and sealed ConfigMap. */
export function contentDigests(desired: DesiredState, key: Buffer): Record<string, string> {
  const digest = (content: unknown) => createHmac('sha256', key).update(canonicalJson(content)).digest('hex');
  const out: Record<string, string> = {};
  for (const s of desired.secrets) out[resourceKey(s)] = digest({ data: s.data });
  const sealed = new Set(desired.sealed?.keys ?? []);
  for (const cm of desired.configMaps) if (sealed.has(resourceKey(cm))) out[resourceKey(cm)] = digest({ data: cm.data, binaryData: cm.binaryData });
  return out;
}
