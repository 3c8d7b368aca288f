/**
 * `berth delete PATH`: remove what the manifests under PATH declare, like `kubectl delete -f`.
 * It reuses the planner: observed objects owned by the declared resources, planned against an
 * empty desired state with pruning on, give exactly the removals. Claim volumes are kept
 * unless --delete-volumes (data outlives its manifest by default, as with a PVC's Retain).
 */
import type { Command } from 'commander';
import { observe } from '../../observe';
import { ProxySupervisor } from '../../services';
import { anchorProxyNames } from '../../services';
import { removeKernelRules } from '../../services';
import { tlsDirOf } from '../../services';
import { rm } from 'node:fs/promises';
import type { ObservedState } from '../../observe';
import { plan } from '../../plan';
import { runStep } from '../../rollout';
import { TerminationLedger } from '../../rollout';
import { Terminator } from '../../rollout';
import type { PlanContext } from '../../plan';
import { SecretFiles } from '../../secrets';
import type { Runtime } from '../../runtime';
import { sleep } from '../../util';
import { ImageEnsurer } from '../../rollout';
import { summarizeAction } from '../../rollout';
import { allResources, emptyDesiredState, resourceKey, templatedWorkloads, type DesiredState } from '../../model';
import type { Action } from '../../plan';
import { LABEL } from '../../runtime';
import { BerthError } from '../../util';
import { addEngineOptions, addPolicyOptions, engineOptions, policyWithSecrets, type PolicyOptions } from '../options';
import { addPauseOptions, pauseOptions, withEngine } from '../engine';
import { EXIT, type ExitCode } from '../exit';
import { validManifests } from '../manifests';
import { deleteSwarm, engineChoiceOption, usesSwarm, type EngineChoice } from '../swarmApply';

export function registerDelete(program: Command, run: (fn: () => Promise<ExitCode>) => void): void {
  const cmd = program
    .command('delete')
    .description('remove from the engine what the manifests under PATH declare')
    .argument('<path>', 'manifests directory')
    .option('--delete-volumes', 'also remove the volumes of declared claims and StatefulSet claim templates', false)
    .addOption(engineChoiceOption());
  addPauseOptions(addEngineOptions(addPolicyOptions(cmd))).action(
    (
      dir: string,
      raw: PolicyOptions & { instance: string; stateDir: string; pauseImage: string; pauseCommand?: string; deleteVolumes: boolean; engine: EngineChoice },
    ) =>
      run(async () => {
        const eng = engineOptions(raw);
        const desired = await validManifests(dir, await policyWithSecrets(raw, 'refuse'), { code: 'E_INVALID', then: 'nothing was deleted' });
        if (await usesSwarm(raw.engine)) {
          const n = await deleteSwarm(eng, desired);
          process.stdout.write(n ? `deleted: ${n} action(s)\n` : 'nothing to delete\n');
          return EXIT.ok;
        }
        return withEngine(eng, 'delete', true, async (runtime) => {
          const ctx = { instance: eng.instance, revision: '', stateDir: eng.stateDir, ...pauseOptions(raw), prune: true };
          const removals = await removeAll(runtime, ctx, desired);
          const all = await observe(runtime, eng.instance);
          const volumes = raw.deleteVolumes ? claimVolumes(desired, all) : [];
          for (const v of volumes) {
            process.stdout.write(`  remove volume ${v}\n`);
            await runtime.removeVolume(v);
          }
          // The proxy goes with the last pod of the instance (with pods left, the listeners of
          // deleted Services stay, without endpoints, until the next apply or pass; those in a
          // removed anchor's namespace serve nobody). Per-Service proxies of an older berth go too.
          const left = (await observe(runtime, eng.instance)).pods;
          // Secret files go with their pods (secrets/tmpfs.ts).
          await new SecretFiles(eng.secretsDir, eng.instance).prune({ pods: left }).catch(() => undefined);
          for (const name of [eng.instance, ...anchorProxyNames(eng.stateDir, eng.instance)]) {
            const proxy = new ProxySupervisor({ stateDir: eng.stateDir, instance: name });
            if ((await proxy.running()) && (name !== eng.instance || left.length === 0)) {
              process.stdout.write(`  stop the Service proxy ${name}\n`);
              await proxy.stop();
              // Ingress certificates and keys go with the proxy that served them.
              if (name === eng.instance) await rm(tlsDirOf(proxy.paths.dir), { recursive: true, force: true });
            }
          }
          // Kernel rules (--proxy-mode kernel) likewise go with the last pod; an anchor's with its namespace.
          if (left.length === 0 && (await removeKernelRules(eng.stateDir, eng.instance)) > 0) process.stdout.write('  remove the Service forwarding rules\n');
          process.stdout.write(removals + volumes.length ? `deleted: ${removals + volumes.length} action(s)\n` : 'nothing to delete\n');
          return EXIT.ok;
        });
      }),
  );
}

/**
 * Like `kubectl delete`, waits until the objects are gone: all pods begin terminating at once
 * (concurrently, each with its own grace period), then networks and volumes go once no pod
 * uses them. Pods left terminating by an earlier process are waited for too. Returns the
 * number of actions taken.
 */
async function removeAll(runtime: Runtime, ctx: PlanContext, desired: DesiredState): Promise<number> {
  const ledger = new TerminationLedger(ctx.stateDir, ctx.instance);
  const terminator = new Terminator({
    runtime,
    labels: { [LABEL.instance]: ctx.instance },
    ledger,
    now: Date.now,
    log: (m, f) => process.stderr.write(`warning: ${m}${f ? ` ${JSON.stringify(f)}` : ''}\n`),
  });
  const images = new ImageEnsurer(runtime, new Map());
  let taken = 0;
  for (let round = 0; round < MAX_DELETE_ROUNDS; round++) {
    const observed = ownedBy(desired, await terminator.observe(ctx.instance));
    const removals = withDeclaredGrace(plan(emptyDesiredState(), observed, ctx).actions, desired);
    if (removals.length === 0 && (observed.terminating ?? []).length === 0) return taken;
    await runStep(removals, { runtime, images, onAction: (a) => process.stdout.write(`  ${summarizeAction(a)}\n`), terminate: (p) => terminator.begin(p) });
    taken += removals.length;
    await terminator.settled();
    if (removals.length === 0) await sleep(500); // pods another process began terminating: wait for their deadline
  }
  throw new BerthError('E_ENGINE', 'delete did not finish: objects keep coming back', 'is another berth driving this instance?');
}

/** Pods, then what they used, then what another process left terminating: a few rounds; more means a fight. */
const MAX_DELETE_ROUNDS = 200;

/**
 * The part of the engine that belongs to resources the desired state declares: their pods,
 * the emptyDirs of those pods, and the networks of declared Namespaces. Claim volumes are
 * left out: the planner never removes them (see claimVolumes).
 */
export function ownedBy(desired: DesiredState, observed: ObservedState): ObservedState {
  const declared = new Set(allResources(desired).map((r) => `${r.kind}/${r.meta.namespace}/${r.meta.name}`));
  const namespaces = new Set(desired.namespaces.filter((n) => n.meta.source.file !== '').map((n) => n.meta.name));
  const owned = (p: { kind: string; namespace: string; owner: string }) => declared.has(`${p.kind}/${p.namespace}/${p.owner}`);
  const pods = observed.pods.filter(owned);
  const terminating = (observed.terminating ?? []).filter(owned);
  const podIds = new Set([...pods, ...terminating].map((p) => `${p.namespace}/${p.name}`));
  // A namespace the manifests use without declaring it (`default`) goes with its last pod: the
  // network is berth's, not the user's, and nothing else of the instance is on it.
  const used = new Set(allResources(desired).map((r) => r.meta.namespace));
  const othersIn = new Set([...observed.pods, ...(observed.terminating ?? [])].filter((p) => !owned(p)).map((p) => p.namespace));
  const goes = (ns: string) => namespaces.has(ns) || (used.has(ns) && !othersIn.has(ns));
  return {
    pods,
    terminating,
    networks: observed.networks.filter((n) => goes(n.labels[LABEL.namespace] ?? '')),
    volumes: observed.volumes.filter((v) => v.labels[LABEL.kind] === 'emptyDir' && podIds.has(`${v.labels[LABEL.namespace]}/${v.labels[LABEL.pod]}`)),
  };
}

/**
 * The removals are planned against an empty desired state, where a pod's workload is gone
 * and only Kubernetes' default grace period (30 s) is known; the manifests being deleted
 * still say how long their pods may take to stop (terminationGracePeriodSeconds).
 */
export function withDeclaredGrace(actions: readonly Action[], desired: DesiredState): Action[] {
  const grace = new Map<string, number>();
  for (const p of desired.pods) grace.set(resourceKey(p), p.spec.terminationGracePeriodSeconds);
  for (const w of templatedWorkloads(desired)) grace.set(resourceKey(w), w.template.spec.terminationGracePeriodSeconds);
  return actions.map((a) => (a.type === 'remove-pod' && grace.has(a.key) ? { ...a, graceSeconds: grace.get(a.key) as number } : a));
}

/** Volumes of declared claims and of declared StatefulSets' claim templates. */
export function claimVolumes(desired: DesiredState, observed: ObservedState): string[] {
  const owners = new Set([
    ...desired.persistentVolumeClaims.map((c) => `${c.meta.namespace}/${c.meta.name}`),
    ...desired.statefulSets.map((s) => `${s.meta.namespace}/${s.meta.name}`),
  ]);
  return observed.volumes
    .filter((v) => v.labels[LABEL.kind] === 'PersistentVolumeClaim' && owners.has(`${v.labels[LABEL.namespace]}/${v.labels[LABEL.owner]}`))
    .map((v) => v.name);
}
