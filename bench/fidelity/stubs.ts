/**
 * The objects a documentation example expects from another step (`kubectl create configmap`,
 * `kubectl create namespace`, the Service of the next file): read off berth's own reference
 * errors and written as the smallest manifests that satisfy them, so a file can be judged on
 * what it says itself. Only the reference codes below are answered; nothing else is waived.
 */
import type { Problem } from '../../src/util/problems';

const REF = /^(ConfigMap|Secret|PersistentVolumeClaim|Service) "([^"]+)" does not exist in namespace "([^"]+)"/;
const KEY = /^key "([^"]+)" does not exist in (ConfigMap|Secret) "([^"]+)"/;
const NAMESPACE = /^namespace "([^"]+)" is not declared/;

export const REFERENCE_CODES = new Set([
  'ref.configmap',
  'ref.secret',
  'ref.configmap-key',
  'ref.secret-key',
  'ref.pvc',
  'ref.service',
  'namespace.undeclared',
]);

export interface Stubs {
  /** `Kind/namespace/name` -> keys. */
  objects: Map<string, Set<string>>;
  namespaces: Set<string>;
}

export function emptyStubs(): Stubs {
  return { objects: new Map(), namespaces: new Set() };
}

/** Adds what `problems` say is missing; false when a problem is not a reference (so stubs cannot help). */
export function learn(stubs: Stubs, problems: readonly Problem[]): boolean {
  let onlyReferences = true;
  for (const p of problems.filter((x) => x.severity === 'error')) {
    if (!REFERENCE_CODES.has(p.code)) {
      onlyReferences = false;
      continue;
    }
    const ns = NAMESPACE.exec(p.message);
    if (ns) stubs.namespaces.add(ns[1]);
    const ref = REF.exec(p.message);
    const keys = ref ? add(stubs, `${ref[1]}/${ref[3]}/${ref[2]}`) : undefined;
    // an Ingress's spec.tls[].secretName names a kubernetes.io/tls Secret
    if (keys && ref![1] === 'Secret' && /^spec\.tls\[/.test(p.path)) keys.add('tls.crt').add('tls.key');
    const key = KEY.exec(p.message);
    if (key) {
      // the namespace of a key error is the namespace of the object it names: look it up
      const found = [...stubs.objects.keys()].find((k) => k.startsWith(`${key[2]}/`) && k.endsWith(`/${key[3]}`));
      add(stubs, found ?? `${key[2]}/default/${key[3]}`).add(key[1]);
    }
  }
  return onlyReferences;
}

function add(stubs: Stubs, id: string): Set<string> {
  const keys = stubs.objects.get(id) ?? new Set<string>();
  stubs.objects.set(id, keys);
  return keys;
}

export function stubYaml(stubs: Stubs): string {
  const docs = [...stubs.namespaces].map((n) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${n}\n`);
  for (const [id, keys] of stubs.objects) {
    const [kind, namespace, name] = id.split('/');
    const meta = `metadata:\n  name: ${name}\n  namespace: ${namespace}\n`;
    const data = [...keys].map((k) => `  ${JSON.stringify(k)}: ${kind === 'Secret' ? 'eA==' : 'x'}\n`).join('');
    const tls = kind === 'Secret' && keys.has('tls.crt') && keys.has('tls.key') ? 'type: kubernetes.io/tls\n' : '';
    if (kind === 'ConfigMap' || kind === 'Secret') docs.push(`apiVersion: v1\nkind: ${kind}\n${meta}${tls}${data ? `data:\n${data}` : ''}`);
    if (kind === 'PersistentVolumeClaim')
      docs.push(`apiVersion: v1\nkind: PersistentVolumeClaim\n${meta}spec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n`);
    if (kind === 'Service') docs.push(`apiVersion: v1\nkind: Service\n${meta}spec:\n  clusterIP: None\n`);
  }
  return docs.join('---\n');
}
