/**
 * Manifests and probes for the swarm engine's tests and bench: small Deployments and
 * StatefulSets of the test image, the desired state of a directory, a GET that never throws,
 * and a shell command in a task's container on whichever node runs it.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { SwarmClient } from '../../src/runtime/swarm/client';
import type { SwarmTask } from '../../src/runtime/swarm/types';
import { validateDirectory } from '../../src/validate';
import type { DesiredState } from '../../src/model/types';
import type { TestSwarm } from './swarm';

const run = promisify(execFile);

export async function desiredOf(dir: string): Promise<DesiredState> {
  const outcome = await validateDirectory(dir);
  if (!outcome.ok) throw new Error(outcome.problems.map((p) => p.message).join('\n'));
  return outcome.desired;
}

export async function get(url: string): Promise<string | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    return res.ok ? await res.text() : undefined;
  } catch {
    return undefined;
  }
}

/** A one-ordinal StatefulSet whose container waits on its volume `/data`; `version` changes its template. */
export function statefulSet(name: string, version: string): string {
  return `apiVersion: v1
kind: Service
metadata: { name: ${name} }
spec: { clusterIP: None, selector: { app: ${name} }, ports: [{ port: 7000 }] }
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: ${name} }
spec:
  serviceName: ${name}
  replicas: 1
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: c
          image: berth-test/busybox:latest
          imagePullPolicy: Never
          command: ["sleep", "3600"]
          env: [{ name: VERSION, value: "${version}" }]
          volumeMounts: [{ name: data, mountPath: /data }]
  volumeClaimTemplates:
    - metadata: { name: data }
      spec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 16Mi } } }
`;
}

export function deployment(name: string, opts: { replicas: number; text?: string; command?: string; nodePort?: number; extra?: string }): string {
  const cmd = opts.command ?? `mkdir -p /www && echo ${opts.text ?? name} > /www/index.html && exec httpd -f -p 8080 -h /www`;
  const svc = opts.nodePort
    ? `---
apiVersion: v1
kind: Service
metadata: { name: ${name} }
spec:
  type: NodePort
  selector: { app: ${name} }
  ports: [{ port: 8080, targetPort: 8080, nodePort: ${opts.nodePort} }]
`
    : '';
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name} }
spec:
  replicas: ${opts.replicas}
  progressDeadlineSeconds: 300
  strategy: { type: RollingUpdate, rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } }
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: web
          image: berth-test/busybox:latest
          imagePullPolicy: Never
          command: ["sh", "-c", "${cmd}"]
          ports: [{ containerPort: 8080 }]
          readinessProbe: { httpGet: { path: /index.html, port: 8080 }, periodSeconds: 1 }
${opts.extra ?? ''}${svc}`;
}

/** Runs `script` with `sh -c` in the task's container, through the engine of the node that runs it. */
export async function inTask(swarm: TestSwarm, client: SwarmClient, t: SwarmTask, script: string): Promise<string> {
  const node = (await client.listNodes()).find((n) => n.id === t.nodeId);
  const socket = swarm.sockets[swarm.addresses.indexOf(node?.address ?? '')];
  if (!socket || !t.containerId) throw new Error(`task ${t.id} has no container on a node of this swarm`);
  return dockerOn(socket, ['exec', t.containerId, 'sh', '-c', script]);
}

/** The docker CLI against one node's engine (`docker -H unix://SOCKET ...`); its stdout, trimmed. */
export async function dockerOn(socket: string, args: string[]): Promise<string> {
  return (await run('docker', ['-H', `unix://${socket}`, ...args])).stdout.trim();
}
