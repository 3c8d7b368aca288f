/**
 * `berth delete PATH` on a swarm: the services of the workloads PATH declares, the mesh's
 * listeners of the Services it declares (the mesh goes with its last one), then, once their
 * tasks are gone, the configs and secrets of its ConfigMaps and Secrets and the namespace
 * networks nothing of the instance uses any more. Waits until the tasks are gone, as
 * `kubectl delete` waits for the pods. Volumes are kept (a claim's data outlives its manifest).
 */
import { allResources, type DesiredState } from '../model';
import { LABEL, type Labels, type SwarmClient } from '../runtime';
import { pollUntil } from '../util';
import { MESH_KIND } from './mesh/render';
import { meshWithout } from './mesh/shrink';

export async function deleteFromSwarm(swarm: SwarmClient, instance: string, desired: DesiredState, say: (line: string) => void): Promise<number> {
  const mine: Labels = { [LABEL.instance]: instance };
  const declared = new Set(allResources(desired).map((r) => `${r.kind}/${r.meta.namespace}/${r.meta.name}`));
  const services = await swarm.listServices(mine);
  const gone = services.filter((s) => declared.has(`${s.spec.Labels[LABEL.kind]}/${s.spec.Labels[LABEL.namespace]}/${s.spec.Labels[LABEL.owner]}`));
  let actions = 0;
  for (const s of gone) {
    await swarm.removeService(s.id);
    say(`remove service ${s.spec.Name}`);
    actions++;
  }
  const deletedServices = new Set(desired.services.map((s) => `${s.meta.namespace}/${s.meta.name}`));
  const goneNames = new Set(gone.map((s) => s.spec.Name));
  for (const m of services.filter((s) => s.spec.Labels[LABEL.kind] === MESH_KIND)) {
    const next = meshWithout(m.spec, deletedServices, goneNames);
    if (next.kind === 'unchanged') continue;
    if (next.kind === 'remove') await swarm.removeService(m.id);
    else await swarm.updateService(m.id, m.version, next.spec);
    say(`${next.kind} service ${m.spec.Name}`);
    actions++;
    if (next.kind === 'remove') goneNames.add(m.spec.Name);
  }
  const goneIds = new Set(services.filter((s) => goneNames.has(s.spec.Name)).map((s) => s.id));
  await pollUntil(async () => ((await swarm.listTasks(mine)).some((t) => goneIds.has(t.serviceId) && t.state === 'running') ? undefined : true), {
    timeoutMs: 120_000,
    intervalMs: 500,
    what: "the deleted services' tasks to stop",
  });
  const sources = new Set([...desired.configMaps, ...desired.secrets].map((c) => `${c.meta.namespace}/${c.meta.name}`));
  for (const [kind, list] of [
    ['config', await swarm.listConfigs(mine)],
    ['secret', await swarm.listSecrets(mine)],
  ] as const)
    for (const f of list)
      if (sources.has(`${f.labels[LABEL.namespace]}/${f.labels[LABEL.owner]}`))
        // A task of another workload may still use it (409): it stays for the next prune.
        await swarm.removeFile(kind, f.id).then(
          () => (say(`remove ${kind} ${f.name}`), actions++),
          () => undefined,
        );
  const left = await swarm.listServices(mine);
  const used = new Set(left.flatMap((s) => s.spec.TaskTemplate.Networks.map((n) => n.Target)));
  for (const n of await swarm.listNetworks(mine))
    if (!used.has(n.name))
      await swarm.removeNetwork(n.id).then(
        () => (say(`remove network ${n.name}`), actions++),
        () => undefined,
      );
  return actions;
}
