/** A benchmark scenario: one file under bench/scenarios/, listed in bench/scenarios/index.ts. */
export interface BenchOptions {
  requests: number;
  concurrency: number;
  keepAlive: boolean;
  /** Length of the steady phases of the rollout scenarios, in seconds. */
  seconds: number;
  /** Workloads of the scale scenario (`--n`). */
  n: number;
  /** scale: measure `berth run` instead of the one-shot commands (`--operator`). */
  operator: boolean;
  /** scale --operator: commits of the churn phase (`--churn`). */
  churn: number;
  /** swarm: replicas of the Deployment (`--replicas`). */
  replicas: number;
  log: (line: string) => void;
}

export interface Scenario {
  name: string;
  description: string;
  /** Run only when named (`npm run bench -- swarm`), not by a bare `npm run bench`: it starts extra dockerds. */
  onlyWhenNamed?: boolean;
  /** Runs, prints its own results through `opts.log`, and removes everything it created. */
  run(opts: BenchOptions): Promise<void>;
}
