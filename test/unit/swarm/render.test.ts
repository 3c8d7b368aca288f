/** The desired state as swarm objects (pure; manifests read from the repo-template and temp dirs). */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { renderSwarm, deploymentUpdate, placement, fileName } from '../../../src/swarm/render';
import { validateDirectory } from '../../../src/validate';
import type { DeploymentResource, DesiredState } from '../../../src/model/types';
import { LABEL } from '../../../src/runtime/types';
import { preferredNodePort } from '../../../src/model/nodeports';
import { ManifestDir, REPO_ROOT, disposeManifestDirs } from '../../helpers/manifests';

async function desiredOf(dir: string): Promise<DesiredState> {
  const outcome = await validateDirectory(dir);
  if (!outcome.ok) throw new Error(outcome.problems.map((p) => p.message).join('\n'));
  return outcome.desired;
}

const template = (): Promise<DesiredState> => desiredOf(path.join(REPO_ROOT, 'repo-template'));

describe('swarm render', () => {
  afterEach(disposeManifestDirs);

  it('makes one service per Deployment and one per StatefulSet ordinal, labelled like containers', async () => {
    const s = renderSwarm(await template(), 'i1', 'r1');
    assert.deepEqual(
      s.services.map((x) => x.spec.Name),
      ['i1-default-web', 'i1-default-store-0', 'i1-default-store-1'],
    );
    const web = s.services[0].spec;
    assert.deepEqual(web.Mode, { Replicated: { Replicas: 2 } });
    assert.equal(web.Labels[LABEL.instance], 'i1');
    assert.equal(web.Labels[LABEL.revision], 'r1');
    assert.equal(web.TaskTemplate.ContainerSpec.Labels[LABEL.revision], undefined, 'a new commit alone must not replace tasks');
  });

  it('publishes a NodePort on the host, Services as dnsrr aliases on the namespace overlay', async () => {
    const s = renderSwarm(await template(), 'i1', 'r1');
    const [web, store0] = s.services.map((x) => x.spec);
    assert.deepEqual(web.EndpointSpec, { Mode: 'dnsrr', Ports: [{ Protocol: 'tcp', TargetPort: 8080, PublishedPort: 30080, PublishMode: 'host' }] });
    assert.deepEqual(web.TaskTemplate.Networks, [{ Target: 'berth_i1_default', Aliases: ['web', 'web.default.svc.cluster.local'] }]);
    assert.deepEqual(store0.TaskTemplate.Networks[0].Aliases, [
      'store',
      'store-0',
      'store-0.store',
      'store-0.store.default.svc.cluster.local',
      'store.default.svc.cluster.local',
    ]);
  });

  it('mounts a ConfigMap key as a config named by its content; a new content is a new name', async () => {
    const d = await template();
    const first = renderSwarm(d, 'i1', 'r1');
    assert.deepEqual(
      first.files.map((f) => [f.kind, f.name]),
      [['config', fileName('i1', 'default', 'web-content', 'index.html', first.files[0].data)]],
    );
    assert.equal(first.services[0].spec.TaskTemplate.ContainerSpec.Configs[0].File.Name, '/www/index.html');
    d.configMaps[0].data['index.html'] = 'changed';
    const second = renderSwarm(d, 'i1', 'r2');
    assert.notEqual(second.files[0].name, first.files[0].name);
    assert.notEqual(second.services[0].specHash, first.services[0].specHash);
  });

  it('turns the readiness probe into a health check and resources into reservations and limits', async () => {
    const web = renderSwarm(await template(), 'i1', 'r1').services[0].spec;
    assert.deepEqual(web.TaskTemplate.ContainerSpec.HealthCheck?.Test, ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:8080/index.html']);
    assert.deepEqual(web.TaskTemplate.Resources.Limits, { NanoCPUs: 250_000_000, MemoryBytes: 32 * 1024 * 1024 });
  });

  it('makes a DaemonSet a global service and nodeSelector placement constraints', async () => {
    const dir = await ManifestDir.create({
      'ds.yaml': `apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent }
spec:
  selector: { matchLabels: { app: agent } }
  template:
    metadata: { labels: { app: agent } }
    spec:
      nodeSelector: { disk: ssd }
      containers: [{ name: a, image: busybox:1.36, resources: { requests: { memory: 64Mi, cpu: 100m } } }]
`,
    });
    const agent = renderSwarm(await desiredOf(dir.path), 'i1', 'r1').services[0];
    assert.deepEqual(agent.spec.Mode, { Global: {} });
    assert.equal(agent.replicas, undefined);
    assert.deepEqual(agent.spec.TaskTemplate.Placement.Constraints, ['node.labels.disk==ssd']);
    assert.deepEqual(agent.spec.TaskTemplate.Resources.Reservations, { NanoCPUs: 100_000_000, MemoryBytes: 64 * 1024 * 1024 });
  });

  it('maps what swarm constraints can say of a required node affinity, and warns about the rest', async () => {
    const ds = (affinity: string) => `apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent }
spec:
  selector: { matchLabels: { app: agent } }
  template:
    metadata: { labels: { app: agent } }
    spec:
      nodeSelector: { disk: ssd }
      affinity:
        nodeAffinity:
${affinity}
      containers: [{ name: a, image: busybox:1.36 }]
`;
    const render = async (affinity: string) => {
      const dir = await ManifestDir.create({ 'ds.yaml': ds(affinity) });
      const s = renderSwarm(await desiredOf(dir.path), 'i1', 'r1');
      return { constraints: s.services[0].spec.TaskTemplate.Placement.Constraints, warnings: s.warnings.filter((w) => w.includes('nodeAffinity')) };
    };
    const one = await render(`          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions:
                  - { key: zone, operator: In, values: [a] }
                  - { key: tier, operator: NotIn, values: [old, broken] }
                  - { key: gpu, operator: Exists }
                  - { key: arch, operator: In, values: [amd64, arm64] }
          preferredDuringSchedulingIgnoredDuringExecution:
            - { weight: 1, preference: { matchExpressions: [{ key: fast, operator: In, values: ['yes'] }] } }`);
    assert.deepEqual(one.constraints, ['node.labels.disk==ssd', 'node.labels.zone==a', 'node.labels.tier!=old', 'node.labels.tier!=broken']);
    assert.deepEqual(one.warnings, [
      'DaemonSet/default/agent: affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution is not carried to the swarm (it has no preferences by node label)',
      'DaemonSet/default/agent: affinity.nodeAffinity: "gpu Exists" is not carried to the swarm (its constraints say == or != one value)',
      'DaemonSet/default/agent: affinity.nodeAffinity: "arch In amd64,arm64" is not carried to the swarm (its constraints say == or != one value)',
    ]);
    const two = await render(`          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions: [{ key: zone, operator: In, values: [a] }]
              - matchExpressions: [{ key: zone, operator: In, values: [b] }]`);
    assert.deepEqual(two.constraints, ['node.labels.disk==ssd']);
    assert.deepEqual(two.warnings, [
      'DaemonSet/default/agent: affinity.nodeAffinity: 2 nodeSelectorTerms are alternatives, which swarm constraints cannot say; none is carried to the swarm',
    ]);
  });

  it('keeps the Deployment fenceposts as update_config', () => {
    const d = (maxSurge: number | string, maxUnavailable: number | string, replicas = 4) =>
      ({ replicas, minReadySeconds: 0, strategy: { type: 'RollingUpdate', maxSurge, maxUnavailable } }) as unknown as DeploymentResource;
    const pick = (u: ReturnType<typeof deploymentUpdate>) => [u.Order, u.Parallelism, u.FailureAction];
    assert.deepEqual(pick(deploymentUpdate(d(1, 0))), ['start-first', 1, 'pause']);
    assert.deepEqual(pick(deploymentUpdate(d('25%', '50%'))), ['stop-first', 2, 'pause']);
    assert.deepEqual(pick(deploymentUpdate({ replicas: 3, minReadySeconds: 0, strategy: { type: 'Recreate' } } as unknown as DeploymentResource)), [
      'stop-first',
      0,
      'pause',
    ]);
  });

  it('publishes the nodePort the model allocated for a NodePort Service that sets none, as on one host', async () => {
    const dir = await ManifestDir.create({
      'web.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 1
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers: [{ name: web, image: busybox:1.36, ports: [{ name: http, containerPort: 8080 }] }]
---
apiVersion: v1
kind: Service
metadata: { name: web }
spec: { type: NodePort, selector: { app: web }, ports: [{ port: 80, targetPort: http }] }
`,
    });
    const desired = await desiredOf(dir.path);
    assert.equal(desired.services[0].ports[0].nodePort, preferredNodePort('default', 'web', 80, 'TCP'));
    assert.deepEqual(renderSwarm(desired, 'i1', 'r1').services[0].spec.EndpointSpec.Ports, [
      { Protocol: 'tcp', TargetPort: 8080, PublishedPort: preferredNodePort('default', 'web', 80, 'TCP'), PublishMode: 'host' },
    ]);
  });

  it('sorts nodeSelector constraints', () => {
    assert.deepEqual(placement({ zone: 'a', disk: 'ssd' }), ['node.labels.disk==ssd', 'node.labels.zone==a']);
  });
});
