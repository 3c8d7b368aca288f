/**
 * A StatefulSet ordinal stays on the node that holds its volume (pure).
 *
 * A swarm volume is local to the node whose engine created it: an ordinal moved to another
 * node would start there with an empty volume. Kubernetes binds a node-local PersistentVolume
 * to its node and schedules the pod only there (a pod whose node is gone stays Pending); berth
 * does the same with a placement constraint `node.id==<node>`, added once the ordinal's first
 * task has a container (its volume exists then). The node is kept in the service's label
 * `io.berth.node`, so a restarted berth keeps the pin; before that label is written, the node
 * is read from the task. The swarm does not restart a task for a new constraint its node
 * already meets (swarmkit's IsTaskDirty), so pinning replaces nothing.
 */
import { LABEL, type SwarmService, type SwarmServiceSpec, type SwarmTask } from '../runtime';
import type { DesiredService } from './render';

/** Whether the service keeps data on its node: a StatefulSet ordinal with a named volume. */
export function needsPin(d: DesiredService): boolean {
  return d.kind === 'StatefulSet' && d.ordinal !== undefined && d.spec.TaskTemplate.ContainerSpec.Mounts.some((m) => m.Type === 'volume' && m.Source);
}

/** The node an ordinal's volume is on: the service's label, else the newest task that made a container. */
export function pinnedNode(d: DesiredService, observed: SwarmService | undefined, tasks: readonly SwarmTask[]): string | undefined {
  if (!observed || !needsPin(d)) return undefined;
  const label = observed.spec.Labels[LABEL.node];
  if (label) return label;
  const placed = tasks
    .filter((t) => t.serviceId === observed.id && t.nodeId !== '' && t.containerId !== undefined)
    .sort((a, b) => b.createdAt - a.createdAt)[0];
  return placed?.nodeId;
}

export const nodeConstraint = (node: string): string => `node.id==${node}`;

/** The spec with the pin: the constraint and the label that remembers it. */
export function withPin(spec: SwarmServiceSpec, node: string): SwarmServiceSpec {
  // An observed spec may have no Placement (the Engine API leaves out what is empty).
  const placement = spec.TaskTemplate.Placement ?? { Constraints: [] };
  const constraints = [...(placement.Constraints ?? []).filter((c) => !c.startsWith('node.id==')), nodeConstraint(node)];
  return {
    ...spec,
    Labels: { ...spec.Labels, [LABEL.node]: node },
    TaskTemplate: { ...spec.TaskTemplate, Placement: { ...placement, Constraints: constraints } },
  };
}

/** The observed service lacks the pin (never pinned yet, or its constraint was removed behind berth's back). */
export function pinMissing(observed: SwarmService, node: string): boolean {
  return observed.spec.Labels[LABEL.node] !== node || !(observed.spec.TaskTemplate.Placement?.Constraints ?? []).includes(nodeConstraint(node));
}
