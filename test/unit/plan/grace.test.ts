/**
 * How long a removed pod gets between SIGTERM and SIGKILL. Pods a declared workload sheds
 * (scaled down, old template) use the workload's terminationGracePeriodSeconds; before, they
 * got Kubernetes' default of 30 s, so a scale-down of `terminationGracePeriodSeconds: 1` pods
 * whose process ignores SIGTERM (busybox httpd) waited 30 s per pod. Pods of workloads no
 * longer declared stop with the grace they were created with (label io.berth.grace).
 */
import { strict as assert } from 'node:assert';
import { plan } from '../../../src/plan/plan';
import { LABEL } from '../../../src/runtime/types';
import type { ObservedState } from '../../../src/observe/types';
import type { DesiredState } from '../../../src/model/types';
import { applyPlan } from './helpers';
import { container, ctx, deployment, desired, pod, podSpec, statefulSet } from './fixtures';

const EMPTY: ObservedState = { networks: [], volumes: [], pods: [] };
const run = (d: DesiredState) => applyPlan(EMPTY, plan(d, EMPTY, ctx()));
const spec = (image: string, grace: number) => podSpec([container('c', image)], { terminationGracePeriodSeconds: grace });
const deploy = (replicas: number, image = 'a:1', grace = 2) => desired({ deployments: [deployment('web', spec(image, grace), { replicas })] });
const sts = (replicas: number) => desired({ statefulSets: [statefulSet('db', spec('db:1', 3), { replicas })] });
const solo = (image: string, grace: number) => desired({ pods: [pod('solo', spec(image, grace))] });

/** `remove-pod:<reason> <grace>` for each removal of the plan from `from` to `to`. */
function removals(from: DesiredState, to: DesiredState): string[] {
  return plan(to, run(from), ctx()).actions.flatMap((a) => (a.type === 'remove-pod' ? [`${a.reason} ${a.graceSeconds}`] : []));
}

describe('plan: grace period of removed pods', () => {
  const cases: { name: string; from: DesiredState; to: DesiredState; want: string[] }[] = [
    { name: 'Deployment scaled down: its template grace', from: deploy(3), to: deploy(1), want: ['scaled-down 2', 'scaled-down 2'] },
    { name: 'Deployment scaled to zero: still declared, its template grace', from: deploy(1), to: deploy(0), want: ['scaled-down 2'] },
    { name: 'Deployment template changed: the current template grace', from: deploy(1, 'a:1', 2), to: deploy(1, 'a:2', 5), want: ['superseded 5'] },
    { name: 'StatefulSet scaled down', from: sts(3), to: sts(2), want: ['scaled-down 3'] },
    { name: 'Pod replaced', from: solo('a:1', 4), to: solo('a:2', 4), want: ['replace 4'] },
    { name: 'workload no longer declared: the grace its pod was created with (io.berth.grace)', from: deploy(1, 'a:1', 7), to: desired(), want: ['orphan 7'] },
    {
      name: 'multi-container pod no longer declared: its grace label',
      from: desired({ pods: [pod('duo', podSpec([container('a', 'a:1'), container('b', 'b:1')], { terminationGracePeriodSeconds: 6 }))] }),
      to: desired(),
      want: ['orphan 6'],
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(removals(c.from, c.to), c.want));

  it('a pod no longer declared without a grace label (made by an older berth): Kubernetes default 30 s', () => {
    const o = run(deploy(1));
    for (const c of o.pods[0].containers) delete c.labels[LABEL.grace];
    const p = plan(desired(), o, ctx());
    assert.deepEqual(
      p.actions.flatMap((a) => (a.type === 'remove-pod' ? [a.graceSeconds] : [])),
      [30],
    );
  });

  it('every container of a pod carries its grace label', () => {
    const o = run(desired({ pods: [pod('duo', podSpec([container('a', 'a:1'), container('b', 'b:1')], { terminationGracePeriodSeconds: 6 }))] }));
    assert.deepEqual(
      [o.pods[0].infra!, ...o.pods[0].containers].map((c) => c.labels[LABEL.grace]),
      ['6', '6', '6'],
    );
  });
});
