/** Prometheus metrics of the operator (prom-client: the exposition format done right). */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { StatusSnapshot } from '../api';
import type { ContainerUsage } from '../monitor';

const POD = ['namespace', 'pod', 'container'];

/** Engine requests by activity and operation, as the runtime counts them (runtime/requestCounter.ts). */
export type RequestCountSource = () => Record<string, Record<string, number>>;

export class OperatorMetrics {
  private readonly registry = new Registry();
  private readonly outcomes = new Counter({ name: 'berth_revisions_total', help: 'Revisions by outcome', labelNames: ['status'], registers: [this.registry] });
  private readonly passes = new Histogram({
    name: 'berth_pass_duration_seconds',
    help: 'Duration of reconcile passes',
    labelNames: ['result'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600],
    registers: [this.registry],
  });
  private readonly passCpu = new Counter({
    name: 'berth_pass_cpu_seconds_total',
    help: 'CPU time of the operator process while passes ran',
    registers: [this.registry],
  });
  private readonly resources = new Gauge({ name: 'berth_resources', help: 'Workloads by health', labelNames: ['health'], registers: [this.registry] });
  private readonly up = new Gauge({ name: 'berth_up', help: '1 while the last pass did not fail', registers: [this.registry] });
  // cAdvisor's and kube-state-metrics' names and labels, so dashboards made for Kubernetes read them.
  // The counters are the engine's (set from its samples), hence gauges here.
  private readonly cpu = new Gauge({
    name: 'container_cpu_usage_seconds_total',
    help: 'CPU time used by the container (engine counter)',
    labelNames: POD,
    registers: [this.registry],
  });
  private readonly memory = new Gauge({
    name: 'container_memory_working_set_bytes',
    help: 'Working set of the container',
    labelNames: POD,
    registers: [this.registry],
  });
  private readonly rx = new Gauge({
    name: 'container_network_receive_bytes_total',
    help: 'Bytes received (engine counter; the pod network owner only)',
    labelNames: POD,
    registers: [this.registry],
  });
  private readonly tx = new Gauge({
    name: 'container_network_transmit_bytes_total',
    help: 'Bytes sent (engine counter; the pod network owner only)',
    labelNames: POD,
    registers: [this.registry],
  });
  private readonly restarts = new Gauge({
    name: 'kube_pod_container_status_restarts_total',
    help: "Restarts of the pod's containers (counted per pod)",
    labelNames: POD,
    registers: [this.registry],
  });
  private readonly limits = new Gauge({
    name: 'kube_pod_container_resource_limits',
    help: 'Limits the manifests set',
    labelNames: [...POD, 'resource', 'unit'],
    registers: [this.registry],
  });

  constructor(requestCounts?: RequestCountSource) {
    // process_* and nodejs_* (CPU, RSS, heap, event loop lag), as every Node exporter has.
    collectDefaultMetrics({ register: this.registry });
    if (!requestCounts) return;
    new Counter({
      name: 'berth_engine_requests_total',
      help: 'HTTP requests to the Docker engine, by what berth was doing (pass, probe, other) and operation',
      labelNames: ['activity', 'operation'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [activity, ops] of Object.entries(requestCounts())) {
          for (const [operation, n] of Object.entries(ops)) this.inc({ activity, operation }, n);
        }
      },
    });
  }

  outcome(status: string): void {
    this.outcomes.inc({ status });
  }

  /** Call when a pass starts; the returned function when it ends, with its result. */
  passStarted(): (result: string) => void {
    const end = this.passes.startTimer();
    const cpu = process.cpuUsage();
    return (result) => {
      end({ result });
      const used = process.cpuUsage(cpu);
      this.passCpu.inc((used.user + used.system) / 1e6);
    };
  }

  async render(status: StatusSnapshot, usage: readonly ContainerUsage[] = []): Promise<{ contentType: string; body: string }> {
    this.usage(usage);
    this.resources.reset();
    for (const r of status.resources) this.resources.inc({ health: r.health });
    this.up.set(status.lastError ? 0 : 1);
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private usage(usage: readonly ContainerUsage[]): void {
    for (const g of [this.cpu, this.memory, this.rx, this.tx, this.restarts, this.limits]) g.reset();
    for (const u of usage) {
      const l = { namespace: u.namespace, pod: u.pod, container: u.container };
      this.cpu.set(l, u.cpuSeconds);
      this.memory.set(l, u.memoryBytes);
      this.rx.set(l, u.rxBytes);
      this.tx.set(l, u.txBytes);
      this.restarts.set(l, u.restarts);
      if (u.cpuLimitCores !== undefined) this.limits.set({ ...l, resource: 'cpu', unit: 'core' }, u.cpuLimitCores);
      if (u.memoryLimitBytes !== undefined) this.limits.set({ ...l, resource: 'memory', unit: 'byte' }, u.memoryLimitBytes);
    }
  }
}
