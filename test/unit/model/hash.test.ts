import { strict as assert } from 'node:assert';
import { canonicalJson, hashPodTemplate } from '../../../src/model';
import { build, configMap, container, deployment, pod, secret, template } from './helpers';

type Obj = Record<string, unknown>;

function envFromCm(): Obj {
  return container({ env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'a' } } }], envFrom: [{ secretRef: { name: 'creds' } }] });
}

function set(
  over: {
    dep?: Obj;
    cfg?: Record<string, string>;
    creds?: Record<string, string>;
    other?: Record<string, string>;
    c?: Obj;
    labels?: Record<string, string>;
  } = {},
): Obj[] {
  const labels = over.labels ?? { app: 'web' };
  return [
    deployment('web', { selector: { matchLabels: { app: 'web' } }, template: template(labels, { containers: [over.c ?? envFromCm()] }), ...over.dep }),
    configMap('cfg', over.cfg ?? { a: '1' }),
    secret('creds', over.creds ?? { password: 'x' }),
    configMap('unrelated', over.other ?? { z: '1' }),
  ];
}

function hashOf(objs: Obj[]): string {
  const r = build(objs);
  assert.deepEqual(r.problems, []);
  return r.desired.deployments[0].templateHash;
}

describe('model/hash', () => {
  const base = hashOf(set());

  it('canonicalJson sorts keys and drops undefined', () => assert.equal(canonicalJson({ b: 1, a: [{ d: undefined, c: 'x' }] }), '{"a":[{"c":"x"}],"b":1}'));
  it('is 10 hex digits', () => assert.match(base, /^[0-9a-f]{10}$/));
  it('same input, same hash', () => assert.equal(hashOf(set()), base));
  it('key order in the manifest is irrelevant', () => {
    const a = 'kind: Pod\napiVersion: v1\nmetadata: {name: p, labels: {a: "1", b: "2"}}\nspec:\n  containers: [{name: c, image: x:1}]\n';
    const b = 'apiVersion: v1\nspec:\n  containers: [{image: x:1, name: c}]\nmetadata: {labels: {b: "2", a: "1"}, name: p}\nkind: Pod\n';
    assert.equal(build(a).desired.pods[0].specHash, build(b).desired.pods[0].specHash);
  });

  const differs: [string, Obj[]][] = [
    ['image change', set({ c: { ...envFromCm(), image: 'berth-test/busybox:1.37' } })],
    ['env change', set({ c: { ...envFromCm(), env: [{ name: 'A', value: '2' }, ...(envFromCm().env as Obj[])] } })],
    ['template label change', set({ labels: { app: 'web', tier: 'front' } })],
    ['referenced ConfigMap data change', set({ cfg: { a: '2' } })],
    ['referenced Secret data change', set({ creds: { password: 'y' } })],
  ];
  for (const [what, objs] of differs) it(`changes with ${what}`, () => assert.notEqual(hashOf(objs), base));

  const same: [string, Obj[]][] = [
    ['replicas change', set({ dep: { replicas: 5 } })],
    ['strategy change', set({ dep: { strategy: { type: 'Recreate' } } })],
    ['unreferenced ConfigMap change', set({ other: { z: '2' } })],
  ];
  for (const [what, objs] of same) it(`is unchanged by ${what}`, () => assert.equal(hashOf(objs), base));

  it('an absent optional ConfigMap appearing changes the hash', () => {
    const c = container({ envFrom: [{ configMapRef: { name: 'maybe', optional: true } }] });
    const without = build([pod('p', { containers: [c] })]).desired.pods[0].specHash;
    const withIt = build([pod('p', { containers: [c] }), configMap('maybe', { k: 'v' })]).desired.pods[0].specHash;
    assert.notEqual(without, withIt);
  });
  it('a volume-referenced ConfigMap counts', () => {
    const spec = (data: Record<string, string>) => [pod('p', { volumes: [{ name: 'v', configMap: { name: 'files' } }] }), configMap('files', data)];
    assert.notEqual(build(spec({ f: '1' })).desired.pods[0].specHash, build(spec({ f: '2' })).desired.pods[0].specHash);
  });
  it('hashPodTemplate reproduces the stored templateHash', () => {
    const r = build(set());
    const d = r.desired.deployments[0];
    assert.equal(hashPodTemplate(d.template, r.desired, 'default'), d.templateHash);
  });
});
