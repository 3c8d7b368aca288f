/**
 * The link between a normalised resource and the document it came from, so every later
 * check can point at the offending field (`FILE:LINE:COL: path: message`).
 */
import type { ManifestDoc, PathSegment } from '../manifests';
import { compareText, fieldPath, type Problem, type Severity } from '../util';
import type { Container, CronJobResource, DesiredState, Kind, PodSpec, Resource, SourceRef, Volume, WorkloadResource } from './types';

export interface Located<R extends Resource = Resource> {
  resource: R;
  doc: ManifestDoc;
}

/** Collects the problems of one document. */
export class DocProblems {
  readonly problems: Problem[] = [];
  constructor(readonly doc: ManifestDoc) {}

  error(path: readonly PathSegment[], code: string, message: string): void {
    this.problems.push(problemAt(this.doc, path, 'error', code, message));
  }

  warn(path: readonly PathSegment[], code: string, message: string): void {
    this.problems.push(problemAt(this.doc, path, 'warning', code, message));
  }
}

export function problemAt(doc: ManifestDoc, path: readonly PathSegment[], severity: Severity, code: string, message: string): Problem {
  const pos = doc.locate(path, 'value');
  return { severity, file: doc.file, line: pos.line, col: pos.col, path: fieldPath(path), message, code };
}

export function sourceText(src: SourceRef): string {
  return `${src.file}:${src.line}`;
}

/** `Deployment "web"`, or `Deployment "shop/web"` outside the default namespace. */
export function describe(r: { kind: Kind; meta: { namespace: string; name: string } }): string {
  if (r.kind === 'Namespace' || r.meta.namespace === 'default') return `${r.kind} "${r.meta.name}"`;
  return `${r.kind} "${r.meta.namespace}/${r.meta.name}"`;
}

/** A pod spec wherever it stands: a Pod's own spec, or the template of a Deployment/StatefulSet. */
export interface PodSite {
  owner: WorkloadResource | CronJobResource;
  doc: ManifestDoc;
  namespace: string;
  labels: Record<string, string>;
  spec: PodSpec;
  /** Path of the pod spec inside the document: ['spec'] or ['spec', 'template', 'spec']. */
  specPath: PathSegment[];
  /** How many pods run this spec at once on the host (the replicas). */
  replicas: number;
  /** StatefulSet volumeClaimTemplates names: valid targets of a volumeMount. */
  claimTemplates: string[];
  /** Index in the document of each `spec.volumes` entry (unsupported volumes were dropped). */
  volumeIndexes: number[];
}

/** A container of a pod site with its path in the document; init containers included. */
export interface SitedContainer {
  container: Container;
  path: PathSegment[];
  init: boolean;
}

export function containersOf(site: Pick<PodSite, 'spec' | 'specPath'>): SitedContainer[] {
  return [
    ...site.spec.initContainers.map((container, i) => ({ container, path: [...site.specPath, 'initContainers', i], init: true })),
    ...site.spec.containers.map((container, i) => ({ container, path: [...site.specPath, 'containers', i], init: false })),
  ];
}

export function volumePath(site: Pick<PodSite, 'specPath' | 'volumeIndexes'>, volumeIndex: number): PathSegment[] {
  return [...site.specPath, 'volumes', site.volumeIndexes[volumeIndex] ?? volumeIndex];
}

/**
 * Normalised volumes are the document's volumes in order, minus unsupported ones: a forward
 * scan matching names recovers each one's index in the document.
 */
function documentVolumeIndexes(doc: ManifestDoc, specPath: readonly PathSegment[], volumes: readonly Volume[]): number[] {
  let raw: unknown = doc.body;
  for (const seg of [...specPath, 'volumes']) raw = raw !== null && typeof raw === 'object' ? (raw as Record<string | number, unknown>)[seg] : undefined;
  const rawNames = Array.isArray(raw) ? raw.map((v) => (v !== null && typeof v === 'object' ? (v as { name?: unknown }).name : undefined)) : [];
  const out: number[] = [];
  let next = 0;
  for (const v of volumes) {
    while (next < rawNames.length && rawNames[next] !== v.name) next++;
    out.push(next < rawNames.length ? next++ : out.length);
  }
  return out;
}

export function podSites(entries: readonly Located[]): PodSite[] {
  const out: PodSite[] = [];
  for (const { resource: r, doc } of entries) {
    if (r.kind === 'Pod') {
      const specPath = ['spec'];
      const volumeIndexes = documentVolumeIndexes(doc, specPath, r.spec.volumes);
      out.push({ owner: r, doc, namespace: r.meta.namespace, labels: r.meta.labels, spec: r.spec, specPath, replicas: 1, claimTemplates: [], volumeIndexes });
    } else if (r.kind === 'Deployment' || r.kind === 'StatefulSet' || r.kind === 'DaemonSet') {
      const specPath = ['spec', 'template', 'spec'];
      out.push({
        owner: r,
        doc,
        namespace: r.meta.namespace,
        labels: r.template.labels,
        spec: r.template.spec,
        specPath,
        // A DaemonSet runs one pod on this host.
        replicas: r.kind === 'DaemonSet' ? 1 : r.replicas,
        claimTemplates: r.kind === 'StatefulSet' ? r.volumeClaimTemplates.map((v) => v.name) : [],
        volumeIndexes: documentVolumeIndexes(doc, specPath, r.template.spec.volumes),
      });
    } else if (r.kind === 'Job' || r.kind === 'CronJob') {
      const specPath = r.kind === 'Job' ? ['spec', 'template', 'spec'] : ['spec', 'jobTemplate', 'spec', 'template', 'spec'];
      const t = r.kind === 'Job' ? r.template : r.jobTemplate.spec.template;
      const replicas = r.kind === 'Job' ? r.parallelism : r.jobTemplate.spec.parallelism;
      out.push({
        owner: r,
        doc,
        namespace: r.meta.namespace,
        labels: t.labels,
        spec: t.spec,
        specPath,
        replicas,
        claimTemplates: [],
        volumeIndexes: documentVolumeIndexes(doc, specPath, t.spec.volumes),
      });
    }
  }
  return out;
}

/** Everything a rule may look at: the located entries, the desired state, and lookups. */
export interface ModelIndex {
  entries: Located[];
  desired: DesiredState;
  pods: PodSite[];
  find<K extends Kind>(kind: K, namespace: string, name: string): Located<Extract<Resource, { kind: K }>> | undefined;
}

export function buildIndex(entries: Located[], desired: DesiredState): ModelIndex {
  const byKey = new Map<string, Located>();
  for (const e of entries) {
    const key = `${e.resource.kind}/${e.resource.meta.namespace}/${e.resource.meta.name}`;
    if (!byKey.has(key)) byKey.set(key, e);
  }
  return {
    entries,
    desired,
    pods: podSites(entries),
    find: (kind, namespace, name) => byKey.get(`${kind}/${namespace}/${name}`) as never,
  };
}

export type Rule = (m: ModelIndex) => Problem[];

export function byNamespaceThenName(a: { meta: { namespace: string; name: string } }, b: { meta: { namespace: string; name: string } }): number {
  return compareText(a.meta.namespace, b.meta.namespace) || compareText(a.meta.name, b.meta.name);
}
