/**
 * A field written with no value (`resources:`, `storageClassName: ,`) is null in YAML.
 * Kubernetes decodes a null as the field's zero value, i.e. as if it were not written, and
 * accepts the manifest; so does berth, before the schema sees it. In a string map (labels,
 * a ConfigMap's data, ...) Go's decoder turns a null value into "", so that is kept.
 */
const STRING_MAPS = new Set(['labels', 'annotations', 'data', 'stringData', 'binaryData', 'nodeSelector', 'matchLabels']);

export function nullsAsAbsent(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) return value.map((v) => nullsAsAbsent(v));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null) {
      if (key !== undefined && STRING_MAPS.has(key)) out[k] = '';
      continue;
    }
    out[k] = nullsAsAbsent(v, k);
  }
  return out;
}
