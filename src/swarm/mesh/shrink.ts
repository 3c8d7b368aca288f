/**
 * The mesh without some Services and workloads (pure), for `berth delete`: the manifests being
 * deleted are all berth knows then, not the whole desired state, so the mesh's own config is
 * cut instead of rendered again. The spec hash is marked, so the next apply renders it whole.
 */
import { LABEL, type SwarmServiceSpec } from '../../runtime';
import { MESH_ENV, parseMeshConfig } from './config';

export type MeshAfterDelete = { kind: 'unchanged' } | { kind: 'remove' } | { kind: 'update'; spec: SwarmServiceSpec };

/** `services`: `namespace/name` of deleted Services; `workloads`: names of deleted swarm services. */
export function meshWithout(spec: SwarmServiceSpec, services: ReadonlySet<string>, workloads: ReadonlySet<string>): MeshAfterDelete {
  const c = spec.TaskTemplate.ContainerSpec;
  const env = c.Env.find((e) => e.startsWith(`${MESH_ENV}=`));
  const parsed = parseMeshConfig(env?.slice(MESH_ENV.length + 1));
  if (!parsed.ok) return { kind: 'remove' }; // not a mesh this berth can read: the next apply makes it again
  const listeners = parsed.config.listeners
    .filter((l) => !services.has(l.service))
    .map((l) => ({ ...l, backends: l.backends.filter((b) => !workloads.has(b.name.replace(/^tasks\./, ''))) }));
  if (listeners.length === 0) return { kind: 'remove' };
  const text = JSON.stringify({ ...parsed.config, listeners });
  if (text === JSON.stringify(parsed.config)) return { kind: 'unchanged' };
  const ports = new Set(listeners.map((l) => `${l.protocol.toLowerCase()}/${l.port}`));
  const hash = `${spec.Labels[LABEL.specHash] ?? ''}-cut`;
  return {
    kind: 'update',
    spec: {
      ...spec,
      Labels: { ...spec.Labels, [LABEL.specHash]: hash },
      TaskTemplate: {
        ...spec.TaskTemplate,
        ContainerSpec: {
          ...c,
          Env: c.Env.map((e) => (e === env ? `${MESH_ENV}=${text}` : e)),
          Labels: { ...c.Labels, [LABEL.specHash]: hash },
        },
      },
      EndpointSpec: { ...spec.EndpointSpec, Ports: spec.EndpointSpec.Ports.filter((p) => ports.has(`${p.Protocol}/${p.PublishedPort}`)) },
    },
  };
}
