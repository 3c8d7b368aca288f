import { strict as assert } from 'node:assert';
import { plan } from '../../../src/plan/plan';
import { exitCodeOf, initBlocker, initProgress } from '../../../src/plan/initSteps';
import type { ObservedPod, ObservedState } from '../../../src/observe/types';
import type { PodSpec } from '../../../src/model/types';
import type { ContainerState, ContainerSummary } from '../../../src/runtime/types';
import type { CreatePodAction, RemovePodAction, StartPodAction } from '../../../src/plan/types';
import { planToJSON } from '../../../src/secrets/redact';
import { container, ctx, desired, pod, podSpec, secret } from './fixtures';
import { applyPlan, setState } from './helpers';

const EMPTY: ObservedState = { networks: [], volumes: [], pods: [] };
const sidecar = (name: string) => container(name, 'side:1', { restartPolicy: 'Always' });

function spec(init: string[], over: Partial<PodSpec> = {}): PodSpec {
  return podSpec([container('app', 'app:1')], { initContainers: init.map((n) => (n.startsWith('side') ? sidecar(n) : container(n, 'init:1'))), ...over });
}

function summary(name: string, kind: 'init' | 'sidecar', state: ContainerState, exitCode = 0): ContainerSummary {
  const c: ContainerSummary = {
    id: name,
    name,
    image: 'x',
    labels: { 'io.berth.container': name, 'io.berth.init': kind },
    state,
    status: '',
    createdAt: 0,
    networks: {},
  };
  setState(c, state, exitCode);
  return c;
}

function observedWith(init: ContainerSummary[]): ObservedPod {
  return { namespace: 'default', name: 'p', kind: 'Pod', owner: 'p', specHash: 'h', revision: 'r', containers: [], init };
}

const started = (p: { start: ContainerSummary[] }) => p.start.map((c) => c.name);

describe('init containers: what starts next (initSteps)', () => {
  const cases: { name: string; spec: PodSpec; init: ContainerSummary[]; start: string[]; blocked?: string }[] = [
    {
      name: 'nothing started yet: the first',
      spec: spec(['a', 'b']),
      init: [summary('a', 'init', 'created'), summary('b', 'init', 'created')],
      start: ['a'],
      blocked: 'running a',
    },
    {
      name: 'the first running: wait',
      spec: spec(['a', 'b']),
      init: [summary('a', 'init', 'running'), summary('b', 'init', 'created')],
      start: [],
      blocked: 'running a',
    },
    {
      name: 'the first done: the second',
      spec: spec(['a', 'b']),
      init: [summary('a', 'init', 'exited'), summary('b', 'init', 'created')],
      start: ['b'],
      blocked: 'running b',
    },
    { name: 'all done: the app may start', spec: spec(['a', 'b']), init: [summary('a', 'init', 'exited'), summary('b', 'init', 'exited')], start: [] },
    {
      name: 'sidecars before a regular one start with it',
      spec: spec(['side1', 'a', 'side2']),
      init: [summary('side1', 'sidecar', 'created'), summary('a', 'init', 'created'), summary('side2', 'sidecar', 'created')],
      start: ['side1', 'a'],
      blocked: 'running a',
    },
    {
      name: 'a sidecar after the last regular one starts before the app',
      spec: spec(['a', 'side2']),
      init: [summary('a', 'init', 'exited'), summary('side2', 'sidecar', 'created')],
      start: ['side2'],
    },
    { name: 'a running sidecar is never waited for', spec: spec(['side1']), init: [summary('side1', 'sidecar', 'running')], start: [] },
    {
      name: 'exit 3 in a Never pod: failed',
      spec: spec(['a'], { restartPolicy: 'Never' }),
      init: [summary('a', 'init', 'exited', 3)],
      start: [],
      blocked: 'failed a 3',
    },
    {
      name: 'exit 3 in an OnFailure pod, Docker restarting it: wait',
      spec: spec(['a'], { restartPolicy: 'OnFailure' }),
      init: [summary('a', 'init', 'restarting', 3)],
      start: [],
      blocked: 'restarting a 3',
    },
    {
      name: 'exit 3 in an Always pod, not restarting (stopped by hand): started again',
      spec: spec(['a']),
      init: [summary('a', 'init', 'exited', 3)],
      start: ['a'],
      blocked: 'restarting a 3',
    },
    { name: 'one missing: blocked (pair.ts repairs the pod)', spec: spec(['a', 'b']), init: [summary('a', 'init', 'exited')], start: [], blocked: 'missing b' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const p = initProgress(c.spec, observedWith(c.init));
      const b = p.blocked;
      const blocked = b ? [b.type, b.container, ...('exitCode' in b && b.exitCode !== undefined ? [b.exitCode] : [])].join(' ') : undefined;
      assert.deepEqual([started(p), blocked], [c.start, c.blocked]);
    });
  }

  it('reads exit codes from Docker status lines', () => {
    assert.deepEqual(['Exited (0) 2 seconds ago', 'Restarting (3) Less than a second ago', 'Up 3 minutes', 'Created'].map(exitCodeOf), [
      0,
      3,
      undefined,
      undefined,
    ]);
  });

  it('names the blocking init container from the engine alone (berth get pods)', () => {
    const o = observedWith([
      summary('a', 'init', 'exited'),
      summary('b', 'init', 'exited', 3),
      summary('c', 'init', 'created'),
      summary('side', 'sidecar', 'running'),
    ]);
    assert.equal(initBlocker(o)?.name, 'b');
    assert.equal(initBlocker(observedWith([summary('a', 'init', 'exited'), summary('side', 'sidecar', 'running')])), undefined);
  });
});

describe('plan: a pod with init containers', () => {
  const d = desired({ pods: [pod('p', spec(['side1', 'migrate']))] });
  const first = plan(d, EMPTY, ctx());
  const create = first.actions.find((a): a is CreatePodAction => a.type === 'create-pod')!;

  it('is created with an infra container, its init containers in spec order, labelled and with their restart policies', () => {
    assert.ok(create.infra, 'no infra container: init containers could not share the network');
    assert.deepEqual(
      (create.init ?? []).map((s) => [s.labels['io.berth.container'], s.labels['io.berth.init'], s.restartPolicy, s.network.type]),
      [
        ['side1', 'sidecar', 'always', 'container'],
        ['migrate', 'init', 'on-failure', 'container'],
      ],
    );
    assert.deepEqual(create.pulls.map((p) => p.image).sort(), ['app:1', 'init:1', 'side:1', ctx().pauseImage].sort());
    assert.deepEqual(first.warnings, []);
  });

  it('a regular init container of a Never pod is not restarted by Docker', () => {
    const never = plan(desired({ pods: [pod('p', spec(['migrate'], { restartPolicy: 'Never' }))] }), EMPTY, ctx());
    const c = never.actions.find((a): a is CreatePodAction => a.type === 'create-pod')!;
    assert.equal(c.init?.[0].restartPolicy, 'no');
  });

  it('holds the app container back while an init container runs, starts it once all succeeded', () => {
    const during = applyPlan(EMPTY, first);
    assert.deepEqual(
      plan(d, during, ctx()).actions.filter((a) => a.type !== 'write-files'),
      [],
      'nothing to do while migrate runs',
    );
    const migrate = during.pods[0].init!.find((c) => c.name.endsWith('migrate'))!;
    setState(migrate, 'exited', 0);
    const starts = plan(d, during, ctx()).actions.filter((a): a is StartPodAction => a.type === 'start-pod');
    assert.deepEqual(
      starts.map((s) => s.containers),
      [['app']],
    );
  });

  it('a failed init container (Never pod) starts nothing and is not replaced', () => {
    const dn = desired({ pods: [pod('p', spec(['migrate'], { restartPolicy: 'Never' }))] });
    const o = applyPlan(EMPTY, plan(dn, EMPTY, ctx()));
    setState(o.pods[0].init![0], 'exited', 3);
    assert.deepEqual(plan(dn, o, ctx()).actions, []);
  });

  it('a pod whose init container was removed by hand is repaired; removal lists app, init, infra and names the sidecars', () => {
    const o = applyPlan(EMPTY, first);
    const sidecarId = o.pods[0].init!.find((c) => c.name.endsWith('side1'))!.id;
    o.pods[0].init = o.pods[0].init!.filter((c) => !c.name.endsWith('migrate'));
    const removal = plan(d, o, ctx()).actions.find((a): a is RemovePodAction => a.type === 'remove-pod')!;
    assert.equal(removal.detail, 'init container migrate missing');
    assert.equal(removal.containerIds.length, 3);
    assert.equal(removal.containerIds.at(-1), o.pods[0].infra!.id);
    assert.deepEqual(removal.sidecarIds, [sidecarId]);
  });

  it("an init container's Secret env is redacted in the plan's JSON", () => {
    const withSecret = podSpec([container('app', 'app:1')], {
      initContainers: [
        container('migrate', 'init:1', { env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password', optional: false } } }] }),
      ],
    });
    const p = plan(desired({ secrets: [secret('db', { password: 'hunter2-Wombat' })], pods: [pod('p', withSecret)] }), EMPTY, ctx());
    const text = JSON.stringify(planToJSON(p));
    assert.ok(!text.includes('hunter2-Wombat'), text);
    assert.match(text, /DB_PASSWORD=/);
  });
});
