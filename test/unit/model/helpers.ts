/**
 * Test input for the model: ManifestDocs built from YAML text (or from plain objects,
 * stringified to YAML) with a tiny `locate` over the `yaml` AST, plus small builders.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, stringify, type Node } from 'yaml';
import type { ManifestDoc, PathSegment, Position } from '../../../src/manifests/types';
import { buildDesiredState, type DesiredState, type ModelOptions } from '../../../src/model';
import type { Problem } from '../../../src/util/problems';

type Obj = Record<string, unknown>;

function locateIn(root: Node | null, lines: LineCounter) {
  return (path: readonly PathSegment[], at: 'key' | 'value' = 'key'): Position => {
    let node: Node | null = root;
    let key: Node | null = null;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        key = pair.key as Node;
        node = pair.value as Node;
      } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
        key = null;
        node = node.items[seg] as Node;
      } else break;
    }
    const target = at === 'key' && key ? key : (node ?? key);
    const offset = target?.range?.[0] ?? 0;
    return lines.linePos(offset);
  };
}

export function docsFromYaml(text: string, file = 'test.yaml'): ManifestDoc[] {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines });
  if (!Array.isArray(docs)) throw new Error('empty YAML');
  return docs
    .filter((d) => d.contents !== null)
    .map((d, docIndex) => {
      if (d.errors.length) throw new Error(d.errors[0].message);
      return { file, docIndex, body: d.toJS() as Obj, locate: locateIn(d.contents as Node, lines) };
    });
}

export function docsFromObjects(objects: readonly Obj[], file = 'test.yaml'): ManifestDoc[] {
  return docsFromYaml(objects.map((o) => stringify(o)).join('---\n'), file);
}

export const NO_ALLOW: ModelOptions = { allowHostPath: [], allowPrivileged: false };

export function build(input: string | readonly Obj[], opts: Partial<ModelOptions> = {}): { desired: DesiredState; problems: Problem[] } {
  const docs = typeof input === 'string' ? docsFromYaml(input) : docsFromObjects(input);
  return buildDesiredState(docs, { ...NO_ALLOW, ...opts });
}

/** Problems with the given code. */
export function withCode(problems: readonly Problem[], code: string): Problem[] {
  return problems.filter((p) => p.code === code);
}

// ---------- builders ----------

export function container(extra: Obj = {}): Obj {
  return { name: 'app', image: 'berth-test/busybox:1.36', ...extra };
}

export function template(labels: Record<string, string>, spec: Obj = {}): Obj {
  return { metadata: { labels }, spec: { containers: [container()], ...spec } };
}

export function namespace(name: string): Obj {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

export function pod(name: string, spec: Obj = {}, meta: Obj = {}): Obj {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: name }, ...meta }, spec: { containers: [container()], ...spec } };
}

export function deployment(name: string, spec: Obj = {}, meta: Obj = {}): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, ...meta },
    spec: { selector: { matchLabels: { app: name } }, template: template({ app: name }), ...spec },
  };
}

export function statefulSet(name: string, spec: Obj = {}, meta: Obj = {}): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, ...meta },
    spec: { serviceName: name, selector: { matchLabels: { app: name } }, template: template({ app: name }), ...spec },
  };
}

export function service(name: string, spec: Obj = {}, meta: Obj = {}): Obj {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, ...meta }, spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec } };
}

export function configMap(name: string, data: Record<string, string> = {}, meta: Obj = {}): Obj {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...meta }, data };
}

export function secret(name: string, stringData: Record<string, string> = {}, meta: Obj = {}): Obj {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, ...meta }, stringData };
}

export function pvc(name: string, meta: Obj = {}): Obj {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, ...meta },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
  };
}
