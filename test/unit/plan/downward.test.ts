import { strict as assert } from 'node:assert';
import { plan } from '../../../src/plan/plan';
import { formatMap } from '../../../src/plan/downward';
import type { ObservedState } from '../../../src/observe/types';
import type { Container, EnvVar, Volume } from '../../../src/model/types';
import type { Action } from '../../../src/plan/types';
import { configMap, container, ctx, desired, pod, podSpec, secret } from './fixtures';

const EMPTY: ObservedState = { networks: [], volumes: [], pods: [] };
const NODE = { nanoCpus: 4e9, memoryBytes: 8 * 2 ** 30 };
const LIMITS = { resources: { limits: { nanoCpus: 5e8, memoryBytes: 64 * 2 ** 20 }, requests: { nanoCpus: 25e7, memoryBytes: 32 * 2 ** 20 } } };

function planned(volumes: Volume[], env: EnvVar[] = [], over: Partial<Container> = LIMITS) {
  const spec = podSpec(
    [container('app', 'app:1', { ...over, env, volumeMounts: volumes.map((v) => ({ name: v.name, mountPath: `/${v.name}`, readOnly: false })) })],
    { volumes },
  );
  const d = desired({
    configMaps: [configMap('cm', { 'a.conf': 'A' })],
    secrets: [secret('sec', { token: 't0k3n' })],
    pods: [pod('p', spec, { labels: { app: 'web', tier: 'front "x"' } })],
  });
  d.pods[0].meta.annotations = { note: 'hi' };
  const p = plan(d, EMPTY, ctx({ node: NODE }));
  const files = p.actions.filter((a) => a.type === 'write-files') as Extract<Action, { type: 'write-files' }>[];
  const text = (path: string) => {
    const f = files.flatMap((w) => w.files).find((x) => x.path === path);
    return f ? Buffer.from(f.contentBase64, 'base64').toString('utf8') : undefined;
  };
  const create = p.actions.find((a) => a.type === 'create-pod') as Extract<Action, { type: 'create-pod' }>;
  return { p, files, text, env: create.containers[0].env, mounts: create.containers[0].mounts };
}

const res = (resource: string, divisor = '1', containerName?: string) => ({
  resource: resource as never,
  divisor,
  ...(containerName ? { containerName } : {}),
});

describe('plan: the downward API', () => {
  it('formats a map as kubelet does: sorted key="value" lines, no trailing newline', () => {
    assert.equal(formatMap({ tier: 'front "x"', app: 'web' }), 'app="web"\ntier="front \\"x\\""');
  });

  it('a downwardAPI volume holds the pod labels, annotations, name and namespace, bind-mounted read-only', () => {
    const vol: Volume = {
      name: 'info',
      type: 'downwardAPI',
      defaultMode: 0o644,
      items: [
        { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
        { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' } },
        { path: 'meta/name', fieldRef: { fieldPath: 'metadata.name' }, mode: 0o400 },
        { path: 'ns', fieldRef: { fieldPath: 'metadata.namespace' } },
        { path: 'app', fieldRef: { fieldPath: "metadata.labels['app']" } },
      ],
    };
    const r = planned([vol]);
    assert.deepEqual(['labels', 'annotations', 'meta/name', 'ns', 'app'].map(r.text), ['app="web"\ntier="front \\"x\\""', 'note="hi"', 'p', 'default', 'web']);
    assert.deepEqual(r.files[0].files.find((f) => f.path === 'meta/name')?.mode, 0o400);
    assert.equal(r.files[0].secret, false);
    assert.deepEqual(
      r.mounts.map((m) => [m.type, m.target, m.readOnly, m.source === r.files[0].dir]),
      [['bind', '/info', true, true]],
    );
  });

  it('resourceFieldRef files: ceil(value / divisor) of a named container', () => {
    const vol: Volume = {
      name: 'res',
      type: 'downwardAPI',
      defaultMode: 0o644,
      items: [
        { path: 'cpu_limit', resourceFieldRef: res('limits.cpu', '1m', 'app') },
        { path: 'cpu_cores', resourceFieldRef: res('limits.cpu', '1', 'app') },
        { path: 'mem_limit', resourceFieldRef: res('limits.memory', '1Mi', 'app') },
        { path: 'mem_request', resourceFieldRef: res('requests.memory', '1', 'app') },
      ],
    };
    const r = planned([vol]);
    assert.deepEqual(['cpu_limit', 'cpu_cores', 'mem_limit', 'mem_request'].map(r.text), ['500', '1', '64', String(32 * 2 ** 20)]);
  });

  it('env resourceFieldRef: the container itself by default; an unset limit is the node allocatable', () => {
    const env: EnvVar[] = [
      { name: 'CPU', valueFrom: { resourceFieldRef: res('limits.cpu', '1m') } },
      { name: 'MEM_MI', valueFrom: { resourceFieldRef: res('limits.memory', '1Mi') } },
    ];
    assert.deepEqual(planned([], env).env, ['CPU=500', 'MEM_MI=64']);
    assert.deepEqual(planned([], env, {}).env, ['CPU=4000', 'MEM_MI=8192']);
  });

  it('a projected volume merges configMap, secret and downwardAPI sources into one secret directory', () => {
    const vol: Volume = {
      name: 'all',
      type: 'projected',
      defaultMode: 0o644,
      sources: [
        { type: 'configMap', name: 'cm', optional: false },
        { type: 'secret', name: 'sec', optional: false, items: [{ key: 'token', path: 'creds/token' }] },
        { type: 'downwardAPI', items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] },
      ],
    };
    const r = planned([vol]);
    assert.equal(r.files.length, 1);
    assert.deepEqual(
      r.files[0].files.map((f) => [f.path, f.mode]),
      [
        ['a.conf', 0o644],
        ['creds/token', 0o400],
        ['labels', 0o644],
      ],
    );
    assert.equal(r.text('creds/token'), 't0k3n');
    assert.equal(r.files[0].secret, true, 'a projected volume with a Secret source is written and shown as secret');
  });

  it('a label change is another directory (content-addressed)', () => {
    const vol: Volume = { name: 'info', type: 'downwardAPI', defaultMode: 0o644, items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] };
    const spec = podSpec([container('app', 'app:1', { volumeMounts: [{ name: 'info', mountPath: '/info', readOnly: false }] })], { volumes: [vol] });
    const dirOf = (labels: Record<string, string>) =>
      (plan(desired({ pods: [pod('p', spec, { labels })] }), EMPTY, ctx()).actions.find((a) => a.type === 'write-files') as { dir: string }).dir;
    assert.notEqual(dirOf({ app: 'a' }), dirOf({ app: 'b' }));
  });
});
