/** Prometheus metrics of the operator (prom-client: the exposition format done right). */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { StatusSnapshot } from '../api/types';

export class OperatorMetrics {
  private readonly registry = new Registry();
  private readonly outcomes = new Counter({ name: 'berth_revisions_total', help: 'Revisions by outcome', labelNames: ['status'], registers: [this.registry] });
  private readonly passes = new Histogram({ name: 'berth_pass_duration_seconds', help: 'Duration of reconcile passes', labelNames: ['result'], buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600], registers: [this.registry] });
  private readonly resources = new Gauge({ name: 'berth_resources', help: 'Workloads by health', labelNames: ['health'], registers: [this.registry] });
  private readonly up = new Gauge({ name: 'berth_up', help: '1 while the last pass did not fail', registers: [this.registry] });

  outcome(status: string): void {
    this.outcomes.inc({ status });
  }

  passStarted(): (result: string) => void {
    const end = this.passes.startTimer();
    return (result) => end({ result });
  }

  async render(status: StatusSnapshot): Promise<{ contentType: string; body: string }> {
    this.resources.reset();
    for (const r of status.resources) this.resources.inc({ health: r.health });
    this.up.set(status.lastError ? 0 : 1);
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
