import { strict as assert } from 'node:assert';
import { expandVars } from '../../../src/plan/expansion';
import { plan } from '../../../src/plan/plan';
import type { ObservedState } from '../../../src/observe/types';
import type { Container, DesiredState } from '../../../src/model/types';
import type { CreatePodAction } from '../../../src/plan/types';
import { configMap, container, ctx, deployment, desired, pod, podSpec, secret } from './fixtures';

const EMPTY: ObservedState = { networks: [], volumes: [], pods: [] };

describe('$(VAR) expansion', () => {
  const vars: Record<string, string> = { A: 'a', B: 'b-$(A)', EMPTY: '' };
  const cases: [string, string][] = [
    ['plain', 'plain'],
    ['$(A)', 'a'],
    ['x$(A)y$(A)z', 'xayaz'],
    ['$(B)', 'b-$(A)'], // values are not expanded twice
    ['$(MISSING)', '$(MISSING)'],
    ['$$(A)', '$(A)'], // $$ escapes
    ['$$$(A)', '$a'],
    ['$$', '$'],
    ['$A', '$A'],
    ['$(A', '$(A'],
    ['a$', 'a$'],
    ['$()', '$()'],
    ['$(EMPTY)x', 'x'],
  ];
  for (const [input, want] of cases) {
    it(`${JSON.stringify(input)} -> ${JSON.stringify(want)}`, () => assert.equal(expandVars(input, (n) => vars[n]).value, want));
  }
});

function envOf(d: DesiredState, podName = 'p'): { env: string[]; secretEnv: string[]; entrypoint?: string[]; cmd?: string[]; warnings: string[] } {
  const p = plan(d, EMPTY, ctx());
  const create = p.actions.find((a): a is CreatePodAction => a.type === 'create-pod' && a.pod === podName);
  const c = create!.containers[0];
  return { env: c.env, secretEnv: c.secretEnv ?? [], entrypoint: c.entrypoint, cmd: c.cmd, warnings: p.warnings };
}

const withEnv = (over: Partial<Container>) =>
  desired({
    configMaps: [configMap('cm', { LEVEL: 'debug', 'bad key': 'x', PORT: '8080' })],
    secrets: [secret('sec', { PASSWORD: 'hunter2', TOKEN: 't0k' })],
    pods: [pod('p', podSpec([container('c', 'c:1', over)]), { labels: { app: 'shop', tier: 'web' } })],
  });

describe('plan: container environment', () => {
  const cases: { name: string; c: Partial<Container>; env: string[]; secretEnv?: string[] }[] = [
    { name: 'value', c: { env: [{ name: 'A', value: '1' }] }, env: ['A=1'] },
    {
      name: 'value referring to an earlier variable',
      c: {
        env: [
          { name: 'A', value: 'x' },
          { name: 'B', value: '$(A)-$(C)' },
          { name: 'C', value: 'late' },
        ],
      },
      env: ['A=x', 'B=x-$(C)', 'C=late'],
    },
    {
      name: 'configMapKeyRef',
      c: { env: [{ name: 'L', valueFrom: { configMapKeyRef: { name: 'cm', key: 'LEVEL', optional: false } } }] },
      env: ['L=debug'],
    },
    {
      name: 'optional missing key: unset',
      c: { env: [{ name: 'L', valueFrom: { configMapKeyRef: { name: 'cm', key: 'NOPE', optional: true } } }] },
      env: [],
    },
    {
      name: 'optional missing Secret: unset',
      c: { env: [{ name: 'S', valueFrom: { secretKeyRef: { name: 'nope', key: 'x', optional: true } } }] },
      env: [],
    },
    {
      name: 'secretKeyRef: decoded and marked secret',
      c: { env: [{ name: 'PW', valueFrom: { secretKeyRef: { name: 'sec', key: 'PASSWORD', optional: false } } }] },
      env: ['PW=hunter2'],
      secretEnv: ['PW'],
    },
    {
      name: 'a value built from a secret is secret too',
      c: {
        env: [
          { name: 'PW', valueFrom: { secretKeyRef: { name: 'sec', key: 'PASSWORD', optional: false } } },
          { name: 'URL', value: 'pg://u:$(PW)@db' },
        ],
      },
      env: ['PW=hunter2', 'URL=pg://u:hunter2@db'],
      secretEnv: ['PW', 'URL'],
    },
    {
      name: 'fieldRef metadata',
      c: {
        env: [
          { name: 'N', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
          { name: 'T', valueFrom: { fieldRef: { fieldPath: "metadata.labels['tier']" } } },
        ],
      },
      env: ['N=p', 'NS=default', 'T=web'],
    },
    {
      name: 'envFrom with prefix (invalid keys skipped), env overrides it in place',
      c: { envFrom: [{ prefix: 'CM_', configMapRef: { name: 'cm', optional: false } }], env: [{ name: 'CM_PORT', value: '9090' }] },
      env: ['CM_LEVEL=debug', 'CM_PORT=9090'],
    },
    {
      name: 'envFrom a Secret: every key secret',
      c: { envFrom: [{ prefix: '', secretRef: { name: 'sec', optional: false } }] },
      env: ['PASSWORD=hunter2', 'TOKEN=t0k'],
      secretEnv: ['PASSWORD', 'TOKEN'],
    },
    {
      name: 'a secret overridden by a plain value is no longer secret',
      c: { envFrom: [{ prefix: '', secretRef: { name: 'sec', optional: false } }], env: [{ name: 'TOKEN', value: 'public' }] },
      env: ['PASSWORD=hunter2', 'TOKEN=public'],
      secretEnv: ['PASSWORD'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = envOf(withEnv(c.c));
      assert.deepEqual([got.env, got.secretEnv], [c.env, c.secretEnv ?? []]);
    });
  }

  it('command and args: $(VAR) expanded against the environment; command -> entrypoint, args -> cmd', () => {
    const got = envOf(withEnv({ env: [{ name: 'PORT', value: '8080' }], command: ['httpd', '-p', '$(PORT)'], args: ['$$(PORT)', '$(NOPE)'] }));
    assert.deepEqual(
      [got.entrypoint, got.cmd],
      [
        ['httpd', '-p', '8080'],
        ['$(PORT)', '$(NOPE)'],
      ],
    );
  });

  it("status.podIP: set to '' with one warning for all replicas", () => {
    const d = desired({
      deployments: [
        deployment('w', podSpec([container('c', 'c:1', { env: [{ name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }] })]), { replicas: 3 }),
      ],
    });
    const p = plan(d, EMPTY, ctx());
    const envs = p.actions.flatMap((a) => (a.type === 'create-pod' ? a.containers[0].env : []));
    assert.deepEqual(
      [envs, p.warnings.filter((w) => w.includes('status.podIP'))],
      [['IP=', 'IP=', 'IP='], ["Deployment/default/w: container c: env IP: fieldRef status.podIP is not known before the pod starts; set to ''"]],
    );
  });

  it('envFrom key that is not a variable name: warned about', () => {
    const got = envOf(withEnv({ envFrom: [{ prefix: '', configMapRef: { name: 'cm', optional: false } }] }));
    assert.ok(
      got.warnings.some((w) => w.includes('key "bad key" of ConfigMap default/cm')),
      got.warnings.join('\n'),
    );
  });
});
