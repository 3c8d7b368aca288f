/**
 * The CLI verbs shaped after kubectl, on the real engine: a workload that talks (one line at
 * start, then a tick a second) and a long-running CLI child (logs -f, get -w) whose output
 * is polled for, then interrupted as a person would (SIGINT).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI_MAIN } from '../../helpers/cli';
import { yaml } from '../../helpers/manifests';
import { pollUntil } from '../../../src/util/eventually';

/** A Deployment of `replicas` pods printing `vV start HOSTNAME`, then `vV tick N` every second. */
export function talkingDeployment(version: number, replicas = 2): string {
  return yaml`
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: talk
    spec:
      replicas: ${replicas}
      selector:
        matchLabels: {app: talk}
      template:
        metadata:
          labels: {app: talk}
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: app
            image: berth-test/busybox:latest
            imagePullPolicy: IfNotPresent
            env: [{name: V, value: "${version}"}]
            command: [sh, -c, 'echo "v$V start $(hostname)"; trap "exit 0" TERM; i=0; while true; do i=$((i+1)); echo "v$V tick $i"; sleep 1; done']
            readinessProbe:
              exec: {command: [sh, -c, 'true']}
              periodSeconds: 1
  `;
}

/** A StatefulSet `db` of one pod (and its headless Service) printing `db ready HOSTNAME`, then sleeping. */
export const TALKING_STATEFULSET = yaml`
  apiVersion: v1
  kind: Service
  metadata:
    name: db
  spec:
    clusterIP: None
    selector: {app: db}
    ports:
    - port: 5432
  ---
  apiVersion: apps/v1
  kind: StatefulSet
  metadata:
    name: db
  spec:
    replicas: 1
    serviceName: db
    selector:
      matchLabels: {app: db}
    template:
      metadata:
        labels: {app: db}
      spec:
        terminationGracePeriodSeconds: 1
        containers:
        - name: db
          image: berth-test/busybox:latest
          imagePullPolicy: IfNotPresent
          command: [sh, -c, 'echo "db ready $(hostname)"; trap "exit 0" TERM; while true; do sleep 1; done']
`;

export class CliChild {
  stdout = '';
  stderr = '';
  private readonly child: ChildProcess;
  private readonly exited: Promise<number>;

  constructor(args: readonly string[]) {
    const env: NodeJS.ProcessEnv = { ...process.env, BERTH_SERVICE_ANCHORS: '0' };
    delete env.BERTH_INSTANCE;
    delete env.BERTH_STATE_DIR;
    this.child = spawn(process.execPath, [CLI_MAIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8').on('data', (c: string) => (this.stdout += c));
    this.child.stderr!.setEncoding('utf8').on('data', (c: string) => (this.stderr += c));
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code ?? -1)));
  }

  /** Waits until stdout matches. */
  until(re: RegExp, timeoutMs = 30_000): Promise<void> {
    return pollUntil(() => (re.test(this.stdout) ? true : undefined), { timeoutMs, what: `${re} in:\n${this.stdout}\n--- stderr ---\n${this.stderr}` }).then(
      () => undefined,
    );
  }

  /** Ctrl-C; resolves with the exit code. */
  interrupt(): Promise<number> {
    this.child.kill('SIGINT');
    return this.exited;
  }

  /** For cleanup: SIGKILL if still running. */
  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
