/**
 * Integration-test plumbing for the real engine: a runtime, per-test instance names, and
 * cleanup of everything labelled with an instance (also leftovers of crashed runs).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { secretsDirCandidates } from '../../src/secrets/tmpfs';
import { randomBytes } from 'crypto';
import { createDockerRuntime, DockerRuntime } from '../../src/runtime/docker';
import { LABEL } from '../../src/runtime/types';
import type { ContainerSummary, NetworkSummary, Runtime, VolumeSummary } from '../../src/runtime/types';
import { ensureTestImage } from './testImage';
import { HOST, run } from '../../src/services/kernel/nft';
import { kernelTableName, renderRemoval } from '../../src/services/kernel/ruleset';

export function testRuntime(): DockerRuntime {
  return createDockerRuntime();
}

/** `t-<prefix>-<creation time, base36 ms>-<random>`; the time lets a later run spot leftovers. */
export function uniqueInstance(prefix: string, now = Date.now()): string {
  const clean =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'x';
  return `t-${clean}-${now.toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** The creation time encoded by uniqueInstance, if the name carries one. */
export function instanceCreatedAt(instance: string): number | undefined {
  const m = /^t-.+-([0-9a-z]{8,9})-[0-9a-f]{6}$/.exec(instance);
  if (!m) return undefined;
  const ms = parseInt(m[1], 36);
  return Number.isFinite(ms) ? ms : undefined;
}

export interface CleanupReport {
  containers: number;
  networks: number;
  volumes: number;
}

/**
 * Removes every container, then network, then volume labelled io.berth.instance=<instance>.
 * Throws (after trying everything) when something could not be removed, so leaks fail a test.
 */
export async function cleanupInstance(runtime: Runtime, instance: string): Promise<CleanupReport> {
  const selector = { [LABEL.instance]: instance };
  const failures: string[] = [];
  const attempt = async (what: string, fn: () => Promise<void>): Promise<void> => {
    try {
      await fn();
    } catch (err) {
      failures.push(`${what}: ${(err as Error).message}`);
    }
  };
  stopProxies(instance);
  await removeKernelTable(instance);
  const containers = await runtime.listContainers(selector);
  await Promise.all(containers.map((c) => attempt(`container ${c.name}`, () => runtime.removeContainer(c.id))));
  const networks = await runtime.listNetworks(selector);
  await Promise.all(networks.map((n) => attempt(`network ${n.name}`, () => runtime.removeNetwork(n.id))));
  const volumes = await runtime.listVolumes(selector);
  await Promise.all(volumes.map((v) => attempt(`volume ${v.name}`, () => runtime.removeVolume(v.name))));
  // Secret files of the instance, in whichever tmpfs the applier picked (src/secrets/tmpfs.ts).
  for (const root of secretsDirCandidates(process.env))
    await attempt(`secret files in ${root}`, () => rm(join(root, instance), { recursive: true, force: true }));
  if (failures.length > 0) throw new Error(`cleanup of instance ${instance} incomplete:\n  ${failures.join('\n  ')}`);
  return { containers: containers.length, networks: networks.length, volumes: volumes.length };
}

/**
 * Service proxies (src/services/proxy/main.js) of `instance` (and of its ClusterIP anchors) still running: they outlive whoever started
 * them by design, and a test's state dir may be gone, so they are found by command line.
 */
export function stopProxies(instance: string): number {
  let stopped = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const at = argv.indexOf('--instance');
    const name = argv[at + 1] ?? '';
    if (!argv.some((a) => a.endsWith('proxy/main.js')) || at < 0 || (name !== instance && !name.startsWith(`${instance}.svc.`))) continue;
    try {
      process.kill(Number(pid), 'SIGKILL');
      stopped++;
    } catch {
      // gone meanwhile
    }
  }
  return stopped;
}

/** Pure part of cleanupStaleTestInstances: which `t-` instances were created before `cutoff` (ms). */
export function findStaleInstances(
  objects: { containers: ContainerSummary[]; networks: NetworkSummary[]; volumes: VolumeSummary[] },
  cutoff: number,
): string[] {
  const instances = new Set<string>();
  for (const o of [...objects.containers, ...objects.networks, ...objects.volumes]) {
    const inst = o.labels[LABEL.instance];
    if (inst?.startsWith('t-')) instances.add(inst);
  }
  return [...instances].filter((inst) => {
    const born = instanceCreatedAt(inst);
    if (born !== undefined) return born < cutoff;
    const own = objects.containers.filter((c) => c.labels[LABEL.instance] === inst);
    return own.length > 0 && own.every((c) => c.createdAt * 1000 < cutoff);
  });
}

export const STALE_AFTER_MS = 60 * 60 * 1000;

/**
 * Removes the objects of test instances (`t-...`) left by earlier crashed runs: instances
 * whose name says they are older than `maxAgeMs`, or, for names without a time, whose
 * containers are all older than that. Never touches instances younger than the cut-off,
 * so parallel test runs are safe. Returns the instances cleaned.
 */
export async function cleanupStaleTestInstances(runtime: Runtime = testRuntime(), maxAgeMs = STALE_AFTER_MS): Promise<string[]> {
  const [containers, networks, volumes] = await Promise.all([runtime.listContainers({}), runtime.listNetworks({}), runtime.listVolumes({})]);
  const stale = findStaleInstances({ containers, networks, volumes }, Date.now() - maxAgeMs);
  for (const inst of stale) await cleanupInstance(runtime, inst);
  return stale;
}

/**
 * Mocha root hooks (`mocha --require dist/test/helpers/docker.js`): before any test, clean
 * leftovers of crashed runs and make sure the test image exists.
 */
export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    this.timeout(120_000);
    await cleanupStaleTestInstances();
    await ensureTestImage();
  },
};

/** berth's nft table of `instance` in the host's namespace (kernel mode); anchors' tables go with their containers. */
export async function removeKernelTable(instance: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  await run(['nft', '-f', '-'], HOST, renderRemoval(kernelTableName(instance)));
}
