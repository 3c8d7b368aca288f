/** What `berth describe` shows, gathered from the engine, the journal and the state directory. */
import type { ProbeResult } from '../../health';
import type { ContainerPort, Probe } from '../../model';
import type { EndpointRow } from '../../services';
import type { ContainerState } from '../../runtime';

export type DescribeKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Pod' | 'Service';

export interface ContainerInfo {
  name: string;
  id: string;
  image: string;
  state: ContainerState;
  startedAt?: string;
  finishedAt?: string;
  exitCode: number;
  oomKilled: boolean;
  error: string;
  restartCount: number;
  ports: ContainerPort[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  /** The readiness probe, run once by describe itself (berth run's verdicts live in its memory). */
  readinessNow?: ProbeResult;
  livenessNow?: ProbeResult;
}

export interface PodInfo {
  namespace: string;
  name: string;
  kind: string;
  owner: string;
  specHash: string;
  revision: string;
  ip: string;
  /** Unix ms. */
  createdAt: number;
  /** Terminating since / killed at (unix ms), from the state directory's ledger. */
  terminating?: { since: number; deadline: number };
  containers: ContainerInfo[];
}

export type EventType = 'Normal' | 'Warning';

export interface DescribeEvent {
  /** Unix ms. */
  time: number;
  type: EventType;
  reason: string;
  /** `pod/NAME/CONTAINER`, `revision/SHA`. */
  object: string;
  message: string;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
}

export interface Described {
  kind: DescribeKind;
  namespace: string;
  name: string;
  pods: PodInfo[];
  conditions: Condition[];
  events: DescribeEvent[];
  /** Services: the pods that answer, and the host listeners (NodePort, LoadBalancer, anchors). */
  endpoints?: string[];
  listeners?: EndpointRow[];
}
