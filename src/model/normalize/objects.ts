/**
 * Namespaces, ConfigMaps, Secrets, PersistentVolumeClaims and Services with defaults:
 * Secret `stringData` merged into `data` (stringData wins), Service type ClusterIP, port
 * protocol TCP, targetPort = port.
 */
import type { PathSegment } from '../../manifests';
import type { DocProblems } from '../located';
import { parseBytes } from '../quantity';
import { arr, intOrString, num, obj, str, strList, strMap } from '../reader';
import type { ConfigMapResource, NamespaceResource, PersistentVolumeClaimResource, SecretResource, ServicePort, ServiceResource } from '../types';
import { normalizeMeta } from './meta';

export function normalizeNamespace(p: DocProblems): NamespaceResource {
  return { kind: 'Namespace', meta: normalizeMeta(p.doc, 'Namespace') };
}

export function normalizeConfigMap(p: DocProblems): ConfigMapResource {
  const b = p.doc.body;
  return { kind: 'ConfigMap', meta: normalizeMeta(p.doc, 'ConfigMap'), data: strMap(b.data), binaryData: strMap(b.binaryData) };
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function normalizeSecret(p: DocProblems): SecretResource {
  const b = p.doc.body;
  const data: Record<string, string> = {};
  for (const [key, value] of Object.entries(strMap(b.data))) {
    const compact = value.replace(/\s+/g, '');
    if (BASE64.test(compact)) data[key] = compact;
    else p.error(['data', key], 'secret.base64', `data key "${key}" is not valid base64 (put plain text under stringData instead)`);
  }
  for (const [key, value] of Object.entries(strMap(b.stringData))) data[key] = Buffer.from(value, 'utf8').toString('base64');
  return { kind: 'Secret', meta: normalizeMeta(p.doc, 'Secret'), type: str(b.type) ?? 'Opaque', data };
}

export interface ClaimSpec {
  accessModes: string[];
  storageBytes?: number;
  storageClassName?: string;
}

/** The spec of a PVC or of a StatefulSet volumeClaimTemplate; accessModes default ReadWriteOnce. */
export function normalizeClaimSpec(p: DocProblems, raw: unknown, path: readonly PathSegment[]): ClaimSpec {
  const spec = obj(raw);
  const out: ClaimSpec = { accessModes: strList(spec.accessModes) };
  if (out.accessModes.length === 0) out.accessModes = ['ReadWriteOnce'];
  const storage = obj(obj(spec.resources).requests).storage;
  if (typeof storage === 'string' || typeof storage === 'number') {
    const r = parseBytes(storage);
    if (r.ok) out.storageBytes = r.value;
    else p.error([...path, 'resources', 'requests', 'storage'], 'quantity.invalid', `storage ${r.reason}`);
  }
  if (str(spec.storageClassName)) out.storageClassName = str(spec.storageClassName);
  return out;
}

export function normalizePvc(p: DocProblems): PersistentVolumeClaimResource {
  return { kind: 'PersistentVolumeClaim', meta: normalizeMeta(p.doc, 'PersistentVolumeClaim'), ...normalizeClaimSpec(p, p.doc.body.spec, ['spec']) };
}

const SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'] as const;

export function normalizeService(p: DocProblems): ServiceResource {
  const spec = obj(p.doc.body.spec);
  const type = SERVICE_TYPES.find((t) => t === spec.type) ?? 'ClusterIP';
  const ports = arr(spec.ports).map((raw): ServicePort => {
    const o = obj(raw);
    const port = num(o.port) ?? 0;
    const out: ServicePort = { protocol: o.protocol === 'UDP' ? 'UDP' : 'TCP', port, targetPort: intOrString(o.targetPort) ?? port };
    if (str(o.name)) out.name = str(o.name);
    if (num(o.nodePort)) out.nodePort = num(o.nodePort);
    return out;
  });
  const svc: ServiceResource = { kind: 'Service', meta: normalizeMeta(p.doc, 'Service'), type, selector: strMap(spec.selector), ports };
  if (str(spec.clusterIP)) svc.clusterIP = str(spec.clusterIP);
  if (str(spec.externalName)) svc.externalName = str(spec.externalName);
  return svc;
}
