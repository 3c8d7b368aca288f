/**
 * imagePullPolicy, applied when a container is about to be created (as kubelet does):
 * Always pulls, IfNotPresent pulls when the image is missing, Never refuses a missing image.
 * Each image is pulled at most once per apply, however many pods use it.
 */
import type { DesiredState } from '../model';
import type { PullProgress, Runtime } from '../runtime';
import { BerthError } from '../util';

export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';

const STRENGTH: Record<PullPolicy, number> = { Never: 0, IfNotPresent: 1, Always: 2 };

const policiesOf = new WeakMap<DesiredState, ReadonlyMap<string, PullPolicy>>();

/**
 * image -> the strongest policy any container of the desired state asks for it. Once per
 * desired state: every pass between commits starts a self-heal run that asks again.
 */
export function pullPolicies(desired: DesiredState): ReadonlyMap<string, PullPolicy> {
  let known = policiesOf.get(desired);
  if (!known) policiesOf.set(desired, (known = collectPolicies(desired)));
  return known;
}

function collectPolicies(desired: DesiredState): Map<string, PullPolicy> {
  const out = new Map<string, PullPolicy>();
  const specs = [
    ...desired.pods.map((p) => p.spec),
    ...desired.deployments.map((d) => d.template.spec),
    ...desired.statefulSets.map((s) => s.template.spec),
    ...desired.daemonSets.map((s) => s.template.spec),
    ...desired.jobs.map((j) => j.template.spec),
    ...desired.cronJobs.map((c) => c.jobTemplate.spec.template.spec),
  ];
  for (const spec of specs) {
    for (const c of [...spec.initContainers, ...spec.containers]) {
      const prev = out.get(c.image);
      if (!prev || STRENGTH[c.imagePullPolicy] > STRENGTH[prev]) out.set(c.image, c.imagePullPolicy);
    }
  }
  return out;
}

export class ImageEnsurer {
  private readonly done = new Map<string, Promise<void>>();

  constructor(
    private readonly runtime: Runtime,
    private readonly policies: ReadonlyMap<string, PullPolicy>,
    private readonly onProgress?: (image: string, p: PullProgress) => void,
  ) {}

  ensure(image: string): Promise<void> {
    let p = this.done.get(image);
    if (!p) {
      p = this.ensureOnce(image);
      this.done.set(image, p);
    }
    return p;
  }

  private async ensureOnce(image: string): Promise<void> {
    const policy = this.policies.get(image) ?? 'IfNotPresent';
    if (policy === 'Always') return this.runtime.pullImage(image, (p) => this.onProgress?.(image, p));
    if (await this.runtime.hasImage(image)) return;
    if (policy === 'Never') {
      throw new BerthError(
        'E_PULL',
        `image "${image}" is not present and imagePullPolicy is Never`,
        'load the image into the engine, or change imagePullPolicy',
      );
    }
    return this.runtime.pullImage(image, (p) => this.onProgress?.(image, p));
  }
}
