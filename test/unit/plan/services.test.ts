import { strict as assert } from 'node:assert';
import { plan } from '../../../src/plan/plan';
import type { ObservedState } from '../../../src/observe/types';
import type { CreatePodAction } from '../../../src/plan/types';
import type { DesiredState, ServiceResource } from '../../../src/model/types';
import { applyPlan, clone, summary } from './helpers';
import { container, ctx, deployment, desired, pod, podSpec, service, statefulSet, web } from './fixtures';

const EMPTY: ObservedState = { networks: [], volumes: [], pods: [] };

function aliasesOf(d: DesiredState, podName: string): string[] | undefined {
  const create = plan(d, EMPTY, ctx()).actions.find((a): a is CreatePodAction => a.type === 'create-pod' && a.pod === podName);
  const owner = create?.infra ?? create?.containers[0];
  return owner?.network.type === 'network' ? owner.network.aliases : undefined;
}

const labelled = (labels: Record<string, string>, ns = 'default') => pod('p', web(), { labels, namespace: ns });

describe('plan: Service aliases', () => {
  const cases: { name: string; d: DesiredState; pod: string; want: string[] | undefined }[] = [
    { name: 'no Service: its own name', d: desired({ pods: [labelled({ app: 'x' })] }), pod: 'p', want: ['p'] },
    {
      name: 'selected by a ClusterIP Service',
      d: desired({ pods: [labelled({ app: 'x' })], services: [service('svc', { app: 'x' })] }),
      pod: 'p',
      want: ['p', 'svc', 'svc.default.svc.cluster.local'],
    },
    {
      name: 'selected by a headless Service',
      d: desired({ pods: [labelled({ app: 'x' })], services: [service('h', { app: 'x' }, { clusterIP: 'None' })] }),
      pod: 'p',
      want: ['h', 'h.default.svc.cluster.local', 'p'],
    },
    {
      name: 'selector not matching',
      d: desired({ pods: [labelled({ app: 'x' })], services: [service('svc', { app: 'y' })] }),
      pod: 'p',
      want: ['p'],
    },
    {
      name: 'Service of another namespace',
      d: desired({ pods: [labelled({ app: 'x' })], services: [service('svc', { app: 'x' }, {}, 'other')] }),
      pod: 'p',
      want: ['p'],
    },
    {
      name: 'ExternalName Service',
      d: desired({ pods: [labelled({ app: 'x' })], services: [service('ext', { app: 'x' }, { type: 'ExternalName', externalName: 'example.com' })] }),
      pod: 'p',
      want: ['p'],
    },
    {
      name: 'StatefulSet pod: its stable name under the governing Service',
      d: desired({ statefulSets: [statefulSet('db', web('db:1'), { replicas: 2 })], services: [service('db', { app: 'db' }, { clusterIP: 'None' })] }),
      pod: 'db-1',
      want: ['db', 'db-1', 'db-1.db', 'db-1.db.default.svc.cluster.local', 'db.default.svc.cluster.local'],
    },
    {
      name: 'hostNetwork pod: no endpoint, no aliases',
      d: desired({ pods: [pod('h', podSpec([container('h', 'h:1')], { hostNetwork: true }))], services: [service('svc', {})] }),
      pod: 'h',
      want: undefined,
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(aliasesOf(c.d, c.pod), c.want));
  }
});

describe('plan: Service changes re-alias running pods', () => {
  const state = (selector: Record<string, string>) =>
    desired({
      deployments: [deployment('web', web(), { replicas: 2 }), deployment('api', web('api:1'))],
      services: [service('front', selector)],
    });
  const before = applyPlan(EMPTY, plan(state({ app: 'web' }), EMPTY, ctx()));

  it('a selector change gives set-aliases only, no pod replaced', () => {
    assert.deepEqual(
      summary(plan(state({ app: 'api' }), before, ctx())).map((s) => s.split(' ')[0]),
      ['set-aliases', 'set-aliases', 'set-aliases'],
    );
  });

  it('the new aliases add the Service to the selected pods and drop it from the others', () => {
    const p = plan(state({ app: 'api' }), before, ctx());
    const api = p.actions.find((a) => a.type === 'set-aliases' && a.key === 'Deployment/default/api');
    assert.deepEqual(api?.type === 'set-aliases' && api.aliases.filter((a) => a.startsWith('front')), ['front', 'front.default.svc.cluster.local']);
  });

  it('after set-aliases the plan is empty', () => {
    const p = plan(state({ app: 'api' }), before, ctx());
    assert.deepEqual(plan(state({ app: 'api' }), applyPlan(before, p), ctx()).actions, []);
  });

  const unreported = () => {
    const o = clone(before);
    for (const p of o.pods) for (const c of p.containers) delete c.aliases;
    return o;
  };

  it('aliases not reported by the runtime, a Service change: no set-aliases, a warning naming the pods', () => {
    const p = plan(state({ app: 'api' }), unreported(), ctx());
    const api = before.pods.find((x) => x.owner === 'api')!.name;
    const web = before.pods.filter((x) => x.owner === 'web').map((x) => `default/${x.name}`);
    assert.deepEqual(
      [p.actions, p.warnings],
      [
        [],
        [
          `Service changes do not reach running pods default/${api}, ${web.join(', ')} yet: the runtime does not report network aliases; they apply when the pods are replaced`,
        ],
      ],
    );
  });

  it('aliases not reported by the runtime, nothing changed: no action, no warning', () => {
    assert.deepEqual(plan(state({ app: 'web' }), unreported(), ctx()), { actions: [], warnings: [], held: [] });
  });

  it('the engine-made alias (short container id) is not taken for a difference', () => {
    const withId = clone(before);
    for (const p of withId.pods) for (const c of p.containers) c.aliases![Object.keys(c.networks)[0]].push(c.id.slice(0, 12));
    assert.deepEqual(plan(state({ app: 'web' }), withId, ctx()).actions, []);
  });
});

describe('plan: Service warnings', () => {
  const warnings = (svc: ServiceResource) =>
    plan(
      desired({
        pods: [pod('p', podSpec([container('c', 'c:1', { ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] })]), { labels: { app: 'x' } })],
        services: [svc],
      }),
      EMPTY,
      ctx(),
    ).warnings;
  const cases: { name: string; svc: ServiceResource; want: string[] }[] = [
    { name: 'port = targetPort: none', svc: service('s', { app: 'x' }, { ports: [{ protocol: 'TCP', port: 8080, targetPort: 8080 }] }), want: [] },
    {
      name: 'port 80 -> targetPort 8080',
      svc: service('s', { app: 'x' }, { ports: [{ protocol: 'TCP', port: 80, targetPort: 8080 }] }),
      want: ['Service default/s: port 80 -> targetPort 8080 is not forwarded inside the namespace: clients of the name must use port 8080'],
    },
    {
      name: 'named targetPort resolved through the pods',
      svc: service('s', { app: 'x' }, { ports: [{ protocol: 'TCP', port: 80, targetPort: 'http' }] }),
      want: ['Service default/s: port 80 -> targetPort 8080 is not forwarded inside the namespace: clients of the name must use port 8080'],
    },
    { name: 'headless: none', svc: service('s', { app: 'x' }, { clusterIP: 'None', ports: [{ protocol: 'TCP', port: 80, targetPort: 8080 }] }), want: [] },
    {
      name: 'NodePort',
      svc: service('s', { app: 'x' }, { type: 'NodePort', ports: [{ protocol: 'TCP', port: 8080, targetPort: 8080, nodePort: 30080 }] }),
      want: [],
    },
    {
      name: 'NodePort with port 80 -> 8080: the host port forwards, the name does not',
      svc: service('s', { app: 'x' }, { type: 'NodePort', ports: [{ protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 }] }),
      want: [
        'Service default/s: port 80 -> targetPort 8080 is not forwarded inside the namespace: clients of the name must use port 8080 (its nodePort 30080 forwards to 8080)',
      ],
    },
    {
      name: 'ExternalName',
      svc: service('s', {}, { type: 'ExternalName', externalName: 'example.com', ports: [] }),
      want: ['Service default/s: type ExternalName (-> example.com) is not implemented yet; the name does not resolve'],
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(warnings(c.svc), c.want));
});
