/**
 * Watches a workload from outside berth while it rolls: every ~100 ms, which of its pods
 * exist (containers running) and which answer HTTP on their pod IP. Answering is what the
 * tests' readiness probes check, so "serving" here is "available" for the rollout rules,
 * measured independently of berth's own prober.
 */
import * as http from 'node:http';
import { observe } from '../../../src/observe';
import type { Runtime } from '../../../src/runtime/types';
import { networkName } from '../../../src/plan/names';

export interface Sample {
  at: number;
  pods: { name: string; specHash: string; serving: boolean }[];
}

export class Sampler {
  readonly samples: Sample[] = [];
  private stopped = false;
  private loop?: Promise<void>;

  constructor(
    private readonly runtime: Runtime,
    private readonly instance: string,
    private readonly owner: string,
    private readonly port = 80,
  ) {}

  start(): this {
    this.loop = this.run();
    return this;
  }

  async stop(): Promise<Sample[]> {
    this.stopped = true;
    await this.loop;
    return this.samples;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const observed = await observe(this.runtime, this.instance);
      const net = networkName(this.instance, 'default');
      const mine = observed.pods.filter((p) => p.owner === this.owner && p.containers.every((c) => c.state === 'running'));
      const pods = await Promise.all(
        mine.map(async (p) => ({ name: p.name, specHash: p.specHash, serving: await answers(p.containers[0]?.networks[net], this.port) })),
      );
      this.samples.push({ at: Date.now(), pods });
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function answers(ip: string | undefined, port: number): Promise<boolean> {
  if (!ip) return Promise.resolve(false);
  return new Promise((resolve) => {
    const req = http.get({ host: ip, port, path: '/', timeout: 500 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}
