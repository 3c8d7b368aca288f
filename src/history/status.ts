/**
 * `berth rollout status` (I/O composition): the engine's pods of one workload per template,
 * measured against the workload's spec, and the operator's view when one answers.
 *
 * The spec: with `--manifests DIR`, that directory (what `berth apply` applied); otherwise
 * the commit the workload's newest pods carry (`io.berth.revision`), materialised from the
 * history source; the commit the journal says is being applied comes first, because its pods
 * may not exist yet. A label that is no commit there (a content hash of `berth apply`) gives
 * no spec: the pods are still listed, health is Unknown.
 */
import type { DesiredState, DeploymentResource, StatefulSetResource } from '../model';
import { resourceKey } from '../model';
import { observe } from '../observe';
import type { ObservedPod } from '../observe';
import { expandPods } from '../plan';
import { Warnings } from '../plan';
import { Prober } from '../health';
import { deploymentHealth, statefulSetHealth, type PodView, type WorkloadHealth } from '../health';
import { podContexts, podViews } from '../rollout';
import { secretRedactor } from '../secrets';
import type { Runtime } from '../runtime';
import { BerthError, isBerthError, shortSha } from '../util';
import { validateDirectory, type ValidateOptions } from '../validate';
import { formatProblem } from '../util';
import type { JournalView } from './journal';
import { operatorView } from './operator';
import { findWorkload, resolveWorkload } from './ref';
import type { OperatorView, StatusView } from './render';
import type { HistorySource } from './source';
import { observedWorkloads, podsOf, runningTemplate, summarizeTemplates } from './summary';
import type { WorkloadId, WorkloadRef } from './types';
import { readOnlyContexts, withReadySinceCreation } from './views';
import { desiredAt } from './walk';

export interface StatusDeps {
  runtime: Runtime;
  instance: string;
  policy: ValidateOptions;
  source?: HistorySource;
  /** Why there is no source (shown when no spec is found). */
  noSource?: string;
  manifests?: string;
  journal?: JournalView;
  server?: string;
  now?: () => number;
}

export interface Spec {
  revision: string;
  from: string;
  desired: DesiredState;
  workload: DeploymentResource | StatefulSetResource;
}

export interface Look {
  id: WorkloadId;
  spec?: Spec;
  health?: WorkloadHealth;
  pods: ObservedPod[];
  operator?: OperatorView;
  view: StatusView;
}

export class StatusLooker {
  private readonly prober: Prober;
  private readonly now: () => number;
  private readonly specs = new Map<string, Promise<DesiredState | undefined>>();
  private readyAtFirstLook?: Set<string>;
  private manifestsCache?: Promise<DesiredState>;

  constructor(private readonly deps: StatusDeps) {
    this.now = deps.now ?? Date.now;
    this.prober = new Prober(deps.runtime, this.now);
  }

  /** One look. `fixed` keeps the id and spec of an earlier look (a watch measures one rollout). */
  async look(ref: WorkloadRef, fixed?: { id: WorkloadId; spec?: Spec }): Promise<Look> {
    const observed = await observe(this.deps.runtime, this.deps.instance);
    const id = fixed?.id ?? (await this.resolve(ref, observed.pods));
    const pods = podsOf(observed.pods, id);
    const found = fixed ? { spec: fixed.spec } : await this.findSpec(id, pods);
    const spec = found.spec;
    const views = await this.views(pods, spec);
    const now = this.now();
    const health = spec ? healthOf(spec.workload, views, now) : undefined;
    const templates = summarizeTemplates(
      pods,
      views,
      spec ? { hash: spec.workload.templateHash, minReadySeconds: spec.workload.minReadySeconds } : undefined,
      now,
    );
    const operator = this.deps.server ? await operatorView(this.deps.server, id) : undefined;
    const view: StatusView = {
      id,
      templates,
      ...(spec
        ? { spec: { revision: spec.revision, hash: spec.workload.templateHash, replicas: spec.workload.replicas, from: spec.from } }
        : { noSpec: 'noSpec' in found ? found.noSpec : 'unknown' }),
      ...(health ? { health: { health: health.health, message: health.message } } : {}),
      ...(operator ? { operator } : {}),
    };
    return { id, spec, health, pods, operator, view };
  }

  private async resolve(ref: WorkloadRef, pods: readonly ObservedPod[]): Promise<WorkloadId> {
    const candidates = observedWorkloads(pods);
    if (this.deps.manifests) {
      const d = await this.manifestsState();
      for (const w of [...d.deployments, ...d.statefulSets]) candidates.push({ kind: w.kind, namespace: w.meta.namespace, name: w.meta.name });
    }
    return resolveWorkload(ref, candidates, `on the engine for instance "${this.deps.instance}"${this.deps.manifests ? ` nor in ${this.deps.manifests}` : ''}`);
  }

  private async findSpec(id: WorkloadId, pods: readonly ObservedPod[]): Promise<{ spec: Spec } | { spec?: undefined; noSpec: string }> {
    if (this.deps.manifests) {
      const workload = findWorkload(await this.manifestsState(), id);
      if (!workload) return { noSpec: `${this.deps.manifests} does not declare it` };
      return { spec: { revision: 'manifests', from: this.deps.manifests, desired: await this.manifestsState(), workload } };
    }
    const source = this.deps.source;
    if (!source) return { noSpec: this.deps.noSource ?? 'no git history to read it from' };
    const applying = this.deps.journal?.lastAttempted?.status === 'applying' ? [this.deps.journal.lastAttempted.sha] : [];
    const labels = [...(runningTemplate(pods)?.revisions ?? []), ...pods.map((p) => p.revision)];
    for (const rev of [...new Set([...applying, ...labels])]) {
      const sha = /^[0-9a-f]{40,64}$/.test(rev) ? await source.resolveCommit(rev) : undefined;
      if (!sha) continue;
      const desired = await this.specAt(source, sha);
      const workload = desired && findWorkload(desired, id);
      if (desired && workload) return { spec: { revision: sha, from: `commit ${shortSha(sha)} of ${source.describe()}`, desired, workload } };
    }
    const shown = [...new Set(labels)].map((r) => shortSha(r)).join(', ') || 'none';
    return {
      noSpec: `its pods carry revision(s) ${shown}, no commit of ${source.describe()} that declares it (applied with \`berth apply\`? then pass --manifests DIR)`,
    };
  }

  private specAt(source: HistorySource, sha: string): Promise<DesiredState | undefined> {
    let p = this.specs.get(sha);
    if (!p) {
      p = desiredAt(source, sha, this.deps.policy).catch((err) => {
        if (isBerthError(err, 'E_INVALID')) return undefined;
        throw err;
      });
      this.specs.set(sha, p);
    }
    return p;
  }

  private manifestsState(): Promise<DesiredState> {
    const dir = this.deps.manifests!;
    this.manifestsCache ??= validateDirectory(dir, this.deps.policy).then((v) => {
      if (v.ok) return v.desired;
      const first = v.problems.find((p) => p.severity === 'error');
      throw new BerthError('E_INVALID', `${dir}: manifests are not valid${first ? `: ${formatProblem(first)}` : ''}`);
    });
    return this.manifestsCache;
  }

  private async views(pods: readonly ObservedPod[], spec: Spec | undefined): Promise<PodView[]> {
    const desiredPods = spec ? expandPods(spec.desired, new Warnings()) : [];
    const contexts = readOnlyContexts(podContexts(this.deps.instance, pods, desiredPods), this.now());
    const views = await podViews(this.deps.runtime, this.prober, contexts, spec ? secretRedactor(spec.desired) : (text) => text);
    this.readyAtFirstLook ??= new Set(views.filter((v) => v.ready).map((v) => `${v.namespace}/${v.name}`));
    return withReadySinceCreation(views, pods, this.readyAtFirstLook);
  }
}

function healthOf(w: DeploymentResource | StatefulSetResource, views: readonly PodView[], now: number): WorkloadHealth {
  const own = views.filter((v) => v.ownerKey === resourceKey(w));
  return w.kind === 'Deployment' ? deploymentHealth(w, own, now) : statefulSetHealth(w, own, now);
}
