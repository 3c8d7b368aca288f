/**
 * Raw proxy cost: the same HTTP load against one busybox httpd container, three ways:
 * directly to its IP (baseline), through berth's proxy (a host port forwarded to the
 * container IP), through berth's kernel forwarding (nftables DNAT, when root and nft works)
 * and through Docker's own published port (`docker run -p`).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { networkInterfaces } from 'node:os';
import { ProxySupervisor } from '../../src/services/proxy';
import { KernelForwarder } from '../../src/services/kernel/forwarder';
import { kernelSupport } from '../../src/services/kernel/mode';
import { createDockerRuntime, type DockerRuntime } from '../../src/runtime/docker';
import { LABEL } from '../../src/runtime/types';
import { pollUntil } from '../../src/util/eventually';
import { freeLocalPort, removeInstance, startHttpd } from '../lib/docker';
import { ensureBenchImage } from '../lib/image';
import { withCleanup } from '../lib/interrupt';
import { runLoad, type LoadResult } from '../lib/load';
import { formatRows, type Row } from '../lib/report';
import type { BenchOptions, Scenario } from '../lib/scenario';

export const proxyThroughput: Scenario = {
  name: 'proxy-throughput',
  description: 'HTTP through the berth proxy vs directly vs Docker published port, one busybox httpd container',
  async run(opts: BenchOptions): Promise<void> {
    const rt = createDockerRuntime();
    await rt.ping();
    await ensureBenchImage(rt);
    const instance = `bench-proxy-${Date.now().toString(36)}`;
    const stateDir = await mkdtemp(join(tmpdir(), 'berth-bench-'));
    const sup = new ProxySupervisor({ stateDir, instance });
    const support = await kernelSupport();
    if (!support.ok) opts.log(`no kernel forwarding row: ${support.why}`);
    const kernel = support.ok ? new KernelForwarder({ stateDir, instance, where: 'host' }) : undefined;
    const cleanup = async (): Promise<void> => {
      await sup.stop().catch(() => undefined);
      await kernel?.remove().catch((err) => opts.log(`removing the kernel rules failed: ${(err as Error).message}`));
      await removeInstance(rt, instance).catch((err) => opts.log(`cleanup of ${instance} failed: ${(err as Error).message}`));
      await rm(stateDir, { recursive: true, force: true });
    };
    try {
      await withCleanup(cleanup, () => measure(rt, sup, kernel, instance, opts));
    } finally {
      await cleanup();
    }
  },
};

async function measure(rt: DockerRuntime, sup: ProxySupervisor, kernel: KernelForwarder | undefined, instance: string, opts: BenchOptions): Promise<void> {
  const network = `${instance}-net`;
  await rt.createNetwork(network, { [LABEL.managed]: 'true', [LABEL.instance]: instance });
  const published = await freeLocalPort();
  const c = await startHttpd(rt, instance, network, 'web', published);
  const proxyPort = await freeLocalPort();
  await sup.ensureRunning();
  const gen = await sup.publish([
    {
      protocol: 'TCP',
      address: '127.0.0.1',
      port: proxyPort,
      service: 'bench/web',
      servicePort: 80,
      source: 'nodePort',
      endpoints: [{ ip: c.ip, port: c.port, pod: 'bench/web' }],
    },
  ]);
  if (!(await sup.waitApplied(gen, 10_000))) throw new Error('the proxy did not apply its table');
  const kernelPort = await freeLocalPort();
  await kernel?.publish([
    {
      protocol: 'TCP',
      address: '0.0.0.0',
      port: kernelPort,
      service: 'bench/web',
      servicePort: 80,
      source: 'nodePort',
      endpoints: [{ ip: c.ip, port: c.port, pod: 'bench/web' }],
    },
  ]);

  const targets = [
    { target: 'direct (container IP)', host: c.ip, port: c.port },
    { target: 'berth proxy', host: '127.0.0.1', port: proxyPort },
    // At 127.0.0.1 (masqueraded, as the proxy row) and at the host's own address (not).
    ...(kernel ? [{ target: 'berth kernel (nftables)', host: '127.0.0.1', port: kernelPort }] : []),
    ...(kernel && hostAddress() ? [{ target: 'berth kernel, host address', host: hostAddress()!, port: kernelPort }] : []),
    { target: 'docker -p', host: '127.0.0.1', port: published },
  ];
  for (const t of targets) {
    await pollUntil(async () => ((await runLoad({ ...t, requests: 1, concurrency: 1 })).failed === 0 ? true : undefined), {
      timeoutMs: 20_000,
      intervalMs: 100,
      what: `${t.target} answering`,
    });
  }
  opts.log(
    `container ${c.ip}:${c.port}, berth proxy 127.0.0.1:${proxyPort}${kernel ? `, berth kernel 127.0.0.1:${kernelPort}` : ''}, docker -p 127.0.0.1:${published}`,
  );
  opts.log(
    `${opts.requests} requests per target, ${opts.concurrency} at a time, ${opts.keepAlive ? 'keep-alive' : 'a new connection each'}, in ${ROUNDS} rounds`,
  );
  const load = (t: (typeof targets)[number], requests: number) =>
    runLoad({ host: t.host, port: t.port, concurrency: opts.concurrency, keepAlive: opts.keepAlive, requests });
  for (const t of targets) await load(t, Math.min(200, Math.ceil(opts.requests / 10))); // warm-up
  // Targets take turns, in a rotating order, so that a change in the machine's load (it is
  // shared) falls on all of them alike rather than on whichever happens to run then.
  const results = new Map<string, LoadResult[]>(targets.map((t) => [t.target, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const t of [...targets.slice(round % targets.length), ...targets.slice(0, round % targets.length)]) {
      results.get(t.target)!.push(await load(t, Math.ceil(opts.requests / ROUNDS)));
    }
  }
  const rows: Row[] = targets.map((t) => ({ target: t.target, result: mergeResults(results.get(t.target)!) }));
  opts.log(formatRows(rows, 'direct (container IP)'));
}

const ROUNDS = 4;

/** The host's first non-internal IPv4 address that is not a Docker bridge's. */
function hostAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal && !i.address.startsWith('172.') && !i.address.startsWith('192.168.'))?.address;
}

function mergeResults(parts: readonly LoadResult[]): LoadResult {
  const errors: Record<string, number> = {};
  for (const p of parts) for (const [k, n] of Object.entries(p.errors)) errors[k] = (errors[k] ?? 0) + n;
  return {
    sent: parts.reduce((s, p) => s + p.sent, 0),
    failed: parts.reduce((s, p) => s + p.failed, 0),
    latencies: parts.flatMap((p) => p.latencies).sort((a, b) => a - b),
    durationMs: parts.reduce((s, p) => s + p.durationMs, 0),
    errors,
  };
}
