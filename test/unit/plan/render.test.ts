import { strict as assert } from 'node:assert';
import { plan } from '../../../src/plan/plan';
import { planToJSON } from '../../../src/secrets/redact';
import { renderPlan } from '../../../src/plan/render';
import type { ObservedState } from '../../../src/observe/types';
import type { DesiredState } from '../../../src/model/types';
import { applyPlan, clone, setState } from './helpers';
import { container, ctx, deployment, desired, namespace, pod, podSpec, secret, service, web } from './fixtures';

const EMPTY: ObservedState = { networks: [], volumes: [], pods: [] };
const run = (d: DesiredState, o: ObservedState = EMPTY) => applyPlan(o, plan(d, o, ctx()));
const lines = (d: DesiredState, o: ObservedState = EMPTY) =>
  renderPlan(plan(d, o, ctx()))
    .trimEnd()
    .split('\n');
const webApp = (image: string, replicas = 3) => desired({ deployments: [deployment('web', web(image), { replicas })] });
const hashOf = (d: DesiredState) => d.deployments[0].templateHash.slice(0, 6);

describe('renderPlan', () => {
  it('creation of a Deployment', () => {
    assert.deepEqual(lines(webApp('nginx:1.25')), [
      '+ Namespace default: create network berth_unit_default',
      '+ Deployment default/web: create 3 pods (image nginx:1.25)',
    ]);
  });

  it('image change: one replace line naming the template hashes and the image change', () => {
    const [a, b] = [webApp('nginx:1.25'), webApp('nginx:1.27')];
    assert.deepEqual(lines(b, run(a)), [
      `~ Deployment default/web: replace 3 pods (template ${hashOf(a)} -> ${hashOf(b)}: containers[web].image nginx:1.25 -> nginx:1.27)`,
    ]);
  });

  it('a change other than the image: "pod template changed"', () => {
    const a = webApp('nginx:1');
    const b = desired({ deployments: [deployment('web', podSpec([container('web', 'nginx:1', { env: [{ name: 'X', value: '1' }] })]), { replicas: 3 })] });
    assert.deepEqual(lines(b, run(a)), [`~ Deployment default/web: replace 3 pods (template ${hashOf(a)} -> ${hashOf(b)}: pod template changed)`]);
  });

  it('scaling down names the pods removed', () => {
    const out = lines(webApp('nginx:1', 1), run(webApp('nginx:1', 2)));
    assert.match(out.join('\n'), /^~ Deployment default\/web: remove 1 pod \(scaled down\): web-[0-9a-f]{10}-[a-z0-9]{5}$/);
  });

  it('pruned pods and namespace', () => {
    const before = run(desired({ namespaces: [namespace('old')], pods: [pod('gone', web(), { namespace: 'old' })] }));
    assert.deepEqual(lines(desired(), before), ['- Pod old/gone: remove 1 pod (no longer declared): gone', '- Namespace old: remove network berth_unit_old']);
  });

  it('started and re-aliased pods', () => {
    const d = (sel: Record<string, string>) => desired({ pods: [pod('p', web(), { labels: { app: 'p' } })], services: [service('svc', sel)] });
    const o = clone(run(d({ app: 'p' })));
    setState(o.pods[0].containers[0], 'exited');
    assert.deepEqual(lines(d({ app: 'none' }), o), [
      '~ Pod default/p: start 1 stopped container (p/web)',
      '~ Pod default/p: set aliases of 1 pod (-svc, -svc.default.svc.cluster.local)',
    ]);
  });

  it('no changes', () => {
    assert.deepEqual(lines(webApp('nginx:1'), run(webApp('nginx:1'))), ['No changes.']);
  });

  it('warnings come last, marked with !', () => {
    const d = desired({
      pods: [pod('p', web(), { labels: { app: 'p' } })],
      services: [service('s', { app: 'p' }, { ports: [{ protocol: 'TCP', port: 80, targetPort: 8080 }] })],
    });
    assert.equal(
      lines(d).at(-1),
      '! Service default/s: port 80 -> targetPort 8080 is not forwarded inside the namespace: clients of the name must use port 8080',
    );
  });
});

describe('secrets never appear in rendered plans or JSON', () => {
  const SECRET = 'correct-horse-battery-staple';
  const B64 = Buffer.from(SECRET).toString('base64');
  const withSecret = desired({
    secrets: [secret('db', { password: SECRET })],
    pods: [
      pod(
        'app',
        podSpec(
          [
            container('app', 'app:1', {
              env: [
                { name: 'PW', valueFrom: { secretKeyRef: { name: 'db', key: 'password', optional: false } } },
                { name: 'DSN', value: 'pg://app:$(PW)@db/app' },
              ],
              envFrom: [{ prefix: 'S_', secretRef: { name: 'db', optional: false } }],
              command: ['run', '--password=$(PW)'],
              volumeMounts: [{ name: 'creds', mountPath: '/run/creds', readOnly: true }],
            }),
          ],
          { volumes: [{ name: 'creds', type: 'secret', secretName: 'db', defaultMode: 0o644, optional: false }] },
        ),
      ),
    ],
  });
  const p = plan(withSecret, EMPTY, ctx());

  it('the unredacted plan does carry it (so the checks below can fail)', () => {
    assert.ok(JSON.stringify(p).includes(SECRET) && JSON.stringify(p).includes(B64));
  });

  const outputs: [string, () => string][] = [
    ['renderPlan', () => renderPlan(p)],
    ['renderPlan verbose', () => renderPlan(p, { verbose: true })],
    ['planToJSON', () => JSON.stringify(planToJSON(p))],
  ];
  for (const [name, out] of outputs) {
    it(`${name}: neither the value nor its base64`, () => {
      const text = out();
      assert.deepEqual([text.includes(SECRET), text.includes(B64)], [false, false]);
    });
  }

  it('verbose rendering shows secret env as (secret) and the file by name', () => {
    const text = renderPlan(p, { verbose: true });
    const shown = ['env PW=(secret)', 'env DSN=(secret)', 'env S_password=(secret)', 'command ["run","--password=(secret)"]', 'password (mode 0400)'];
    assert.deepEqual(
      shown.filter((s) => !text.includes(s)),
      [],
    );
  });

  it('planToJSON keeps everything else', () => {
    const json = planToJSON(p);
    assert.deepEqual([json.actions.length, json.actions.map((a) => a.type)], [p.actions.length, p.actions.map((a) => a.type)]);
  });
});
