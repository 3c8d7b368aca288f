import { strict as assert } from 'node:assert';
import { buildAppView, type ViewInputs } from '../../../src/api/view/build';
import type { PodView } from '../../../src/health/workload';
import type { DesiredState } from '../../../src/model/types';
import { emptyObservedState, type ObservedState } from '../../../src/observe/types';
import { plan } from '../../../src/plan';
import { converged } from '../plan/helpers';
import { ctx, deployment, desired, secret, service, container, podSpec } from '../plan/fixtures';
import type { StatusSnapshot } from '../../../src/api/types';
import type { ProxyStatus } from '../../../src/services';

const NOW = 1_700_000_000_000;

/** web (2 replicas) using Secret creds, behind Service web. */
function app(image = 'web:1'): DesiredState {
  const spec = podSpec([container('web', image, { env: [{ name: 'PW', valueFrom: { secretKeyRef: { name: 'creds', key: 'password', optional: false } } }] })]);
  return desired({
    deployments: [deployment('web', spec, { replicas: 2 })],
    services: [service('web', { app: 'web' })],
    secrets: [secret('creds', { password: 'hunter2-value' })],
  });
}

function running(d: DesiredState): ObservedState {
  return converged((o) => plan(d, o, ctx()));
}

function views(o: ObservedState, over: Partial<PodView> = {}): PodView[] {
  return o.pods.map((p) => ({
    ownerKey: `${p.kind}/${p.namespace}/${p.owner}`,
    namespace: p.namespace,
    name: p.name,
    specHash: p.specHash,
    running: true,
    ready: true,
    readySince: NOW - 60_000,
    restarts: 0,
    ...over,
  }));
}

function status(over: Partial<StatusSnapshot> = {}): StatusSnapshot {
  return {
    instance: 'unit',
    source: { repo: 'r', branch: 'main', path: '.' },
    phase: 'idle',
    resources: [{ kind: 'Deployment', namespace: 'default', name: 'web', health: 'Healthy', message: '2 of 2 updated replicas are available' }],
    lastAppliedRevision: 'a'.repeat(40),
    ...over,
  };
}

function inputs(d: DesiredState, o: ObservedState, v: PodView[], over: Partial<ViewInputs> = {}): ViewInputs {
  return {
    status: status(),
    look: { desired: d, observed: o, views: v },
    selfHeal: { enabled: true, paused: false },
    actions: { tokenRequired: false, writeBack: false },
    restarts: {},
    now: NOW,
    ...over,
  };
}

describe('api view: the application tree', () => {
  it('a converged Deployment: one declared template, its pods ready, synced; the Service has them as ready endpoints', () => {
    const d = app();
    const o = running(d);
    const v = buildAppView(inputs(d, o, views(o)));
    const w = v.workloads[0]!;
    assert.deepEqual(
      [w.sync, w.templates.length, w.templates[0]!.current, w.templates[0]!.pods.length, w.templates[0]!.hash],
      ['Synced', 1, true, 2, d.deployments[0]!.templateHash],
    );
    assert.deepEqual(
      v.services[0]!.endpoints.map((e) => e.state),
      ['ready', 'ready'],
    );
    assert.deepEqual([v.app.sync, v.app.health], ['Synced', 'Healthy']);
  });

  it('open connections per endpoint, counted once though every listener of the Service (node port, ClusterIP) reports them', () => {
    const d = app();
    const o = running(d);
    const ip = buildAppView(inputs(d, o, views(o))).services[0]!.endpoints[0]!.ip;
    const listener = (port: number, source: string) =>
      ({
        protocol: 'TCP',
        address: '0.0.0.0',
        port,
        service: 'default/web',
        servicePort: 80,
        source,
        endpoints: [{ ip, port: 8080, pod: 'default/x', connections: 2 }],
        bound: true,
        forwarded: 2,
        rejected: 0,
      }) as unknown as ProxyStatus['listeners'][number];
    const services: ProxyStatus = {
      running: true,
      publishedGeneration: 1,
      appliedGeneration: 1,
      listeners: [listener(31001, 'nodePort'), listener(80, 'clusterIP')],
      draining: [{ endpoint: `${ip}:9090`, connections: 1 }],
    };
    const v = buildAppView(inputs(d, o, views(o), { status: status({ services }) }));
    assert.equal(v.services[0]!.endpoints.find((e) => e.ip === ip)!.connections, 3, 'two through the listeners, one draining on an old port');
  });

  it("a rollout in progress: the old template's pods under it, the declared one missing, out of sync with the reason", () => {
    const o = running(app('web:1'));
    const d = app('web:2');
    const v = buildAppView(inputs(d, o, views(o)));
    const w = v.workloads[0]!;
    assert.deepEqual(
      w.templates.map((t) => [t.current, t.pods.length]),
      [
        [true, 0],
        [false, 2],
      ],
    );
    assert.equal(w.syncReason, `2 pod(s) of an older template; 2 of 2 pod(s) of template ${d.deployments[0]!.templateHash} missing`);
  });

  it('RollingUpdate bounds and the progress deadline counting down', () => {
    const d = app();
    const o = running(d);
    const s = status({ resources: [{ kind: 'Deployment', namespace: 'default', name: 'web', health: 'Progressing', message: '1 of 2' }] });
    const v = buildAppView(
      inputs(d, o, views(o), { status: s, progress: { target: 'rollout:x', last: { 'Deployment/default/web': NOW - 20_000 }, best: {} } }),
    );
    assert.deepEqual(v.workloads[0]!.bounds, {
      strategy: 'RollingUpdate (maxSurge 25%, maxUnavailable 25%)',
      replicas: 2,
      maxPods: 3,
      minAvailable: 2,
      progressDeadlineSeconds: 600,
      deadlineSecondsLeft: 580,
    });
  });

  it('a terminating pod: seconds left, out of every count, a terminating endpoint', () => {
    const d = app();
    const o = running(d);
    const [gone, ...rest] = o.pods;
    const observed: ObservedState = { ...o, pods: rest, terminating: [{ ...gone!, since: NOW - 1000, deadline: NOW + 7000 }] };
    const v = buildAppView(inputs(d, observed, views(observed)));
    const pod = v.workloads[0]!.templates[0]!.pods.find((p) => p.name === gone!.name)!;
    assert.deepEqual([pod.terminatingSecondsLeft, pod.ready], [7, false]);
    assert.equal(v.services[0]!.endpoints.find((e) => e.pod === gone!.name)?.state, 'terminating');
    assert.match(v.workloads[0]!.syncReason, /1 of 2 pod\(s\) of template .* missing/);
  });

  it('a Secret shows its keys and the pods that use it, never its value, even quoted by a probe', () => {
    const d = app();
    const o = running(d);
    const v = buildAppView(inputs(d, o, views(o, { ready: false, reason: 'probe said hunter2-value' })));
    const creds = v.configs.find((c) => c.name === 'creds')!;
    assert.deepEqual([creds.kind, creds.keys, creds.usedBy.length], ['Secret', ['password'], 2]);
    const text = JSON.stringify(v);
    assert.ok(!text.includes('hunter2-value'));
    assert.ok(!text.includes(Buffer.from('hunter2-value').toString('base64')));
  });

  it('the head rejected: the app is out of sync with the reason in words', () => {
    const d = app();
    const o = running(d);
    const s = status({ lastAttemptedRevision: { sha: 'b'.repeat(40), status: 'rejected', reason: '1 validation error(s)' } });
    const v = buildAppView(inputs(d, o, views(o), { status: s }));
    assert.deepEqual([v.app.sync, v.app.syncReason], ['OutOfSync', 'head bbbbbbbb is rejected: 1 validation error(s)']);
  });

  it('before the first look: an empty tree, nothing applied', () => {
    const v = buildAppView({ ...inputs(app(), emptyObservedState(), []), look: undefined, status: status({ lastAppliedRevision: undefined, resources: [] }) });
    assert.deepEqual([v.workloads.length, v.app.health], [0, 'Missing']);
  });

  it('pods of a workload the revision no longer declares are shown under it, out of sync', () => {
    const o = running(app());
    const d = desired({ secrets: app().secrets });
    const v = buildAppView(inputs(d, o, views(o)));
    assert.deepEqual(
      v.workloads.map((w) => [w.kind, w.name, w.sync, w.templates[0]!.pods.length]),
      [['Deployment', 'web', 'OutOfSync', 2]],
    );
  });
});
