/** The mesh (pure parts): its config from the Services, its service, its endpoints from DNS, its image's libraries, its cut at delete. */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { renderSwarm } from '../../../src/swarm/render';
import { meshConfig, meshServiceName } from '../../../src/swarm/mesh/render';
import { MESH_ENV, parseMeshConfig, type MeshConfig } from '../../../src/swarm/mesh/config';
import { meshListeners, resolveAll } from '../../../src/swarm/mesh/endpoints';
import { lddLibraries } from '../../../src/swarm/mesh/image';
import { meshWithout } from '../../../src/swarm/mesh/shrink';
import { validateDirectory } from '../../../src/validate';
import type { DesiredState } from '../../../src/model/types';
import { LABEL } from '../../../src/runtime/types';
import { ManifestDir, REPO_ROOT, disposeManifestDirs } from '../../helpers/manifests';

async function desiredOf(dir: string): Promise<DesiredState> {
  const outcome = await validateDirectory(dir);
  if (!outcome.ok) throw new Error(outcome.problems.map((p) => p.message).join('\n'));
  return outcome.desired;
}

const deployment = (name: string, ns: string, app: string, port: number) => `---
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: ${ns} }
spec:
  replicas: 1
  selector: { matchLabels: { app: ${app}, v: ${name} } }
  template:
    metadata: { labels: { app: ${app}, v: ${name} } }
    spec:
      containers: [{ name: c, image: busybox:1.36, ports: [{ name: http, containerPort: ${port} }] }]
`;
const nodePort = (name: string, ns: string, app: string, np: number, protocol = 'TCP') => `---
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: ${ns} }
spec:
  type: NodePort
  selector: { app: ${app} }
  ports: [{ port: 80, targetPort: http, nodePort: ${np}, protocol: ${protocol} }]
`;
const ns = (name: string) => `---\napiVersion: v1\nkind: Namespace\nmetadata: { name: ${name} }\n`;

const MESH = 'berth-local/mesh:abc';

describe('swarm mesh', () => {
  afterEach(disposeManifestDirs);

  it('sends each NodePort to tasks.<service> of every selected workload, each on its own named port', async () => {
    const dir = await ManifestDir.create({
      'a.yaml':
        ns('shop') + deployment('blue', 'default', 'web', 8080) + deployment('green', 'default', 'web', 9090) + nodePort('web', 'default', 'web', 30080),
      // The same Service name in another namespace reaches only its own workload.
      'b.yaml': deployment('other', 'shop', 'web', 7070) + nodePort('web', 'shop', 'web', 30081, 'UDP'),
    });
    const s = renderSwarm(await desiredOf(dir.path), 'i1', 'r1', { meshImage: MESH });
    assert.deepEqual(meshConfig(await desiredOf(dir.path), s.services).listeners, [
      {
        protocol: 'TCP',
        port: 30080,
        service: 'default/web',
        servicePort: 80,
        source: 'nodePort',
        backends: [
          { name: 'tasks.i1-default-blue', port: 8080 },
          { name: 'tasks.i1-default-green', port: 9090 },
        ],
      },
      { protocol: 'UDP', port: 30081, service: 'shop/web', servicePort: 80, source: 'nodePort', backends: [{ name: 'tasks.i1-shop-other', port: 7070 }] },
    ]);
  });

  it('with a mesh image, the workloads publish nothing and one global service publishes every port on every node', async () => {
    const s = renderSwarm(await desiredOf(path.join(REPO_ROOT, 'repo-template')), 'i1', 'r1', { meshImage: MESH });
    const mesh = s.services.find((x) => x.kind === 'Mesh')!;
    assert.equal(mesh.spec.Name, meshServiceName('i1'));
    assert.deepEqual(mesh.spec.Mode, { Global: {} });
    assert.deepEqual(mesh.spec.EndpointSpec.Ports, [{ Protocol: 'tcp', TargetPort: 30080, PublishedPort: 30080, PublishMode: 'host' }]);
    assert.deepEqual(mesh.spec.TaskTemplate.Networks, [{ Target: 'berth_i1_default', Aliases: [] }]);
    assert.equal(mesh.spec.UpdateConfig.Order, 'stop-first', 'two tasks cannot hold one host port');
    assert.equal(mesh.spec.Labels[LABEL.instance], 'i1');
    assert.ok(s.services.filter((x) => x.kind !== 'Mesh').every((x) => x.spec.EndpointSpec.Ports.length === 0));
    const env = mesh.spec.TaskTemplate.ContainerSpec.Env[0];
    const parsed = parseMeshConfig(env.slice(MESH_ENV.length + 1));
    assert.ok(parsed.ok && parsed.config.listeners[0].backends[0].name === 'tasks.i1-default-web');
    // A new revision alone does not touch the mesh's tasks; without ports there is no mesh.
    assert.equal(renderSwarm(await desiredOf(path.join(REPO_ROOT, 'repo-template')), 'i1', 'r2', { meshImage: MESH }).services.at(-1)!.specHash, mesh.specHash);
    const bare = await ManifestDir.create({ 'a.yaml': deployment('blue', 'default', 'web', 8080) });
    assert.equal(renderSwarm(await desiredOf(bare.path), 'i1', 'r1', { meshImage: MESH }).services.filter((x) => x.kind === 'Mesh').length, 0);
  });

  it('reads its config field by field', () => {
    assert.deepEqual(parseMeshConfig(undefined), { ok: false, error: 'BERTH_MESH is not set' });
    assert.match((parseMeshConfig('{') as { error: string }).error, /not JSON/);
    assert.deepEqual(parseMeshConfig(JSON.stringify({ format: 1, listeners: [{ protocol: 'TCP', port: 70000, backends: [] }] })), {
      ok: false,
      error: 'BERTH_MESH.listeners[0].port: 70000 is not a port number',
    });
    assert.deepEqual(parseMeshConfig(JSON.stringify({ format: 1, listeners: [{ protocol: 'TCP', port: 80, backends: [{ name: '' }] }] })), {
      ok: false,
      error: 'BERTH_MESH.listeners[0].backends[0]: needs a name and a port',
    });
  });

  const config: MeshConfig = {
    format: 1,
    listeners: [
      {
        protocol: 'TCP',
        port: 30080,
        service: 'default/web',
        servicePort: 80,
        source: 'nodePort',
        backends: [
          { name: 'tasks.a', port: 8080 },
          { name: 'tasks.b', port: 8080 },
        ],
      },
    ],
  };

  it('listens on every port with the addresses the names resolve to, sorted, once each', () => {
    const specs = meshListeners(
      config,
      new Map([
        ['tasks.a', ['10.0.0.9', '10.0.0.3']],
        ['tasks.b', ['10.0.0.3']],
      ]),
    );
    assert.deepEqual(
      specs[0].endpoints.map((e) => `${e.ip}:${e.port}`),
      ['10.0.0.3:8080', '10.0.0.9:8080'],
    );
    assert.deepEqual(meshListeners(config, new Map())[0].endpoints, []);
    assert.equal(specs[0].address, '0.0.0.0');
  });

  it('a name that does not exist has no endpoints; a failed lookup keeps the last ones', async () => {
    const fail = (code: string) => Object.assign(new Error(code), { code });
    const previous = new Map([
      ['tasks.a', ['10.0.0.1']],
      ['tasks.b', ['10.0.0.2']],
    ]);
    const got = await resolveAll(['tasks.a', 'tasks.b', 'tasks.c'], previous, async (n) => {
      if (n === 'tasks.a') throw fail('ENOTFOUND');
      if (n === 'tasks.b') throw fail('ETIMEOUT');
      return ['10.0.0.3'];
    });
    assert.deepEqual(Object.fromEntries(got), { 'tasks.a': [], 'tasks.b': ['10.0.0.2'], 'tasks.c': ['10.0.0.3'] });
  });

  it("reads the node binary's libraries from ldd, the loader included", () => {
    const out = `\tlinux-vdso.so.1 (0x00007ffd)\n\tlibdl.so.2 => /lib/x86_64-linux-gnu/libdl.so.2 (0x00007f)\n\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f)\n\t/lib64/ld-linux-x86-64.so.2 (0x00007f)\n`;
    assert.deepEqual(lddLibraries(out), ['/lib/x86_64-linux-gnu/libc.so.6', '/lib/x86_64-linux-gnu/libdl.so.2', '/lib64/ld-linux-x86-64.so.2']);
  });

  it('berth delete cuts the deleted Services and workloads out of the mesh, and removes it with the last port', async () => {
    const dir = await ManifestDir.create({
      'a.yaml':
        deployment('blue', 'default', 'web', 8080) +
        deployment('green', 'default', 'api', 8080) +
        nodePort('web', 'default', 'web', 30080) +
        nodePort('api', 'default', 'api', 30090),
    });
    const mesh = renderSwarm(await desiredOf(dir.path), 'i1', 'r1', { meshImage: MESH }).services.find((x) => x.kind === 'Mesh')!.spec;
    assert.deepEqual(meshWithout(mesh, new Set(['default/other']), new Set()), { kind: 'unchanged' });
    const cut = meshWithout(mesh, new Set(['default/api']), new Set(['i1-default-green']));
    assert.equal(cut.kind, 'update');
    if (cut.kind !== 'update') return;
    assert.deepEqual(
      cut.spec.EndpointSpec.Ports.map((p) => p.PublishedPort),
      [30080],
    );
    assert.notEqual(cut.spec.Labels[LABEL.specHash], mesh.Labels[LABEL.specHash], 'the next apply renders it whole again');
    assert.deepEqual(meshWithout(cut.spec, new Set(['default/web']), new Set()), { kind: 'remove' });
  });
});
