/** Model rules and defaults of DaemonSet and Ingress: each case one manifest set, one assertion. */
import { strict as assert } from 'node:assert';
import { build, deployment, secret, service, template } from './helpers';

type Obj = Record<string, unknown>;

function daemonSet(name: string, spec: Obj = {}): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name },
    spec: { selector: { matchLabels: { app: name } }, template: template({ app: name }), ...spec },
  };
}

function ingress(spec: Obj, meta: Obj = {}): Obj {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', ...meta }, spec };
}

const toWeb = (port: Obj = { number: 80 }) => ({ service: { name: 'web', port } });
const rules = (port?: Obj) => [{ host: 'a.test', http: { paths: [{ path: '/', pathType: 'Prefix', backend: toWeb(port) }] } }];
const codes = (objects: Obj[]) => build(objects).problems.map((p) => `${p.severity} ${p.path} ${p.code}`);

describe('model: DaemonSet', () => {
  it("defaults: RollingUpdate, maxUnavailable 1, maxSurge 0 (Kubernetes')", () => {
    assert.deepEqual(build([daemonSet('agent')]).desired.daemonSets[0].updateStrategy, { type: 'RollingUpdate', maxSurge: 0, maxUnavailable: 1 });
  });

  it('maxSurge and maxUnavailable both 0 is an error', () => {
    const ds = daemonSet('agent', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } } });
    assert.deepEqual(codes([ds]), ['error spec.updateStrategy.rollingUpdate.maxUnavailable strategy.invalid']);
  });

  it('a selector that does not match the template labels is an error', () => {
    assert.deepEqual(codes([daemonSet('agent', { selector: { matchLabels: { app: 'other' } } })]), ['error spec.selector.matchLabels.app selector.mismatch']);
  });

  it('a template change changes its hash; OnDelete is kept', () => {
    const a = build([daemonSet('agent', { updateStrategy: { type: 'OnDelete' } })]).desired.daemonSets[0];
    const b = build([daemonSet('agent', { updateStrategy: { type: 'OnDelete' }, template: template({ app: 'agent' }, { terminationGracePeriodSeconds: 5 }) })])
      .desired.daemonSets[0];
    assert.deepEqual([a.updateStrategy.type, a.templateHash !== b.templateHash], ['OnDelete', true]);
  });
});

describe('model: Ingress', () => {
  const web = [deployment('web'), service('web', { ports: [{ name: 'http', port: 80 }] })];

  it('routes to a declared Service port, by number or by name: no problem', () => {
    assert.deepEqual(codes([...web, ingress({ rules: rules() }), ingress({ rules: rules({ name: 'http' }) }, { name: 'by-name' })]), []);
  });

  it('a backend Service that does not exist, or a port it lacks, is a warning (503 at run time)', () => {
    assert.deepEqual(codes([ingress({ rules: rules() })]), ['warning spec.rules[0].http.paths[0].backend.service.name ref.service']);
    assert.deepEqual(codes([...web, ingress({ rules: rules({ name: 'grpc' }) })]), [
      'warning spec.rules[0].http.paths[0].backend.service.port ref.service-port',
    ]);
  });

  it('an ingressClassName other than berth is ignored with a warning', () => {
    assert.deepEqual(codes([ingress({ ingressClassName: 'nginx', rules: rules() })]), ['warning spec.ingressClassName ingress.class']);
  });

  it('a TLS Secret must exist and be kubernetes.io/tls with tls.crt and tls.key', () => {
    const tls = { tls: [{ hosts: ['a.test'], secretName: 'cert' }], rules: rules() };
    assert.deepEqual(codes([...web, ingress(tls)]), ['error spec.tls[0].secretName ref.secret']);
    assert.deepEqual(codes([...web, secret('cert', { 'tls.crt': 'x' }), ingress(tls)]), ['error spec.tls[0].secretName ingress.tls']);
    const ok = { ...secret('cert', { 'tls.crt': 'c', 'tls.key': 'k' }), type: 'kubernetes.io/tls' };
    assert.deepEqual(codes([...web, ok, ingress(tls)]), []);
  });

  it("another controller's annotations are named in a warning", () => {
    assert.deepEqual(codes([...web, ingress({ rules: rules() }, { annotations: { 'nginx.ingress.kubernetes.io/rewrite-target': '/' } })]), [
      'warning metadata.annotations ingress.annotations',
    ]);
  });
});
