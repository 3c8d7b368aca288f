/**
 * Small manifests for the operator's end-to-end tests: busybox pods that start in
 * milliseconds and stop on SIGTERM at once, so a rollout takes about as long as Docker takes
 * to create a container. Every manifest uses the local test image with imagePullPolicy Never.
 */
import { TEST_IMAGE } from '../helpers/testImage';

export interface DeploymentSpec {
  name?: string;
  replicas?: number;
  /** Lands in an env var: a new version is a new pod template (a rolling update). */
  version?: string;
  /**
   * Seconds a pod takes to become ready (exec readiness probe on a file the container
   * touches after this long). 0: no probe, ready when running.
   */
  readyAfter?: number;
  /** One pod at a time (maxSurge 1, maxUnavailable 0) when true (default). */
  oneAtATime?: boolean;
  progressDeadlineSeconds?: number;
  /** The container exits 3 at once: a crash loop, the rollout fails. */
  crash?: boolean;
}

/** A Deployment of busybox pods that sleep, optionally becoming ready only after `readyAfter` s. */
export function deployment(s: DeploymentSpec = {}): string {
  const name = s.name ?? 'web';
  const readyAfter = s.readyAfter ?? 0;
  const script = s.crash
    ? 'echo cannot open config >&2; exit 3'
    : readyAfter > 0
      ? `trap 'exit 0' TERM; sleep ${readyAfter}; touch /tmp/ready; sleep 100000 & wait`
      : `trap 'exit 0' TERM; touch /tmp/ready; sleep 100000 & wait`;
  const probe = readyAfter > 0 ? `\n          readinessProbe: { exec: { command: [test, -f, /tmp/ready] }, periodSeconds: 1, failureThreshold: 1 }` : '';
  const strategy = s.oneAtATime === false ? '' : '\n  strategy: { type: RollingUpdate, rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }';
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${s.replicas ?? 1}
  progressDeadlineSeconds: ${s.progressDeadlineSeconds ?? 60}${strategy}
  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: main
          image: ${TEST_IMAGE}
          imagePullPolicy: Never
          command: [sh, -c, "${script}"]
          env:
            - { name: VERSION, value: "${s.version ?? 'v1'}" }${probe}
`;
}

/** A bare Pod (no controller), as small as it gets. */
export function pod(name: string, version = 'v1'): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: main
      image: ${TEST_IMAGE}
      imagePullPolicy: Never
      command: [sh, -c, "trap 'exit 0' TERM; sleep 100000 & wait"]
      env:
        - { name: VERSION, value: "${version}" }
`;
}

/**
 * `deployment()` with a schema error on a known line: `replicas` is a word. The error must be
 * reported as `<file>:<invalidLine()>:...: spec.replicas: ...`.
 */
export function invalidDeployment(name = 'web'): string {
  return deployment({ name, replicas: 1 }).replace('replicas: 1', 'replicas: three');
}

/** The 1-based line of the bad `replicas:` in invalidDeployment(), counted in the text committed. */
export function invalidLine(text = invalidDeployment()): number {
  return text.split('\n').findIndex((l) => l.includes('replicas: three')) + 1;
}
