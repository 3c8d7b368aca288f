/** Prometheus metrics of the operator (prom-client: the exposition format done right). */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { StatusSnapshot } from '../api/types';

/** Engine requests by activity and operation, as the runtime counts them (runtime/requestCounter.ts). */
export type RequestCountSource = () => Record<string, Record<string, number>>;

export class OperatorMetrics {
  private readonly registry = new Registry();
  private readonly outcomes = new Counter({ name: 'berth_revisions_total', help: 'Revisions by outcome', labelNames: ['status'], registers: [this.registry] });
  private readonly passes = new Histogram({ name: 'berth_pass_duration_seconds', help: 'Duration of reconcile passes', labelNames: ['result'], buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600], registers: [this.registry] });
  private readonly passCpu = new Counter({ name: 'berth_pass_cpu_seconds_total', help: 'CPU time of the operator process while passes ran', registers: [this.registry] });
  private readonly resources = new Gauge({ name: 'berth_resources', help: 'Workloads by health', labelNames: ['health'], registers: [this.registry] });
  private readonly up = new Gauge({ name: 'berth_up', help: '1 while the last pass did not fail', registers: [this.registry] });

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

  async render(status: StatusSnapshot): Promise<{ contentType: string; body: string }> {
    this.resources.reset();
    for (const r of status.resources) this.resources.inc({ health: r.health });
    this.up.set(status.lastError ? 0 : 1);
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
