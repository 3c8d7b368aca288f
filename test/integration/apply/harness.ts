/**
 * The apply pipeline driven through the library, the way the reconciler drives it:
 * validateDirectory -> EngineApplier.apply, against the real engine, under one instance
 * label per test. Also the look-ups the assertions need: pods by owner, container ids, exec
 * inside a pod's container, and cleanup of everything the test created.
 */
import * as assert from 'node:assert';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { validateDirectory } from '../../../src/validate';
import { EngineApplier } from '../../../src/rollout/applier';
import { observe } from '../../../src/observe';
import { splitTerminating, TerminationLedger } from '../../../src/rollout/terminating';
import type { ObservedPod } from '../../../src/observe/types';
import type { Action } from '../../../src/plan/types';
import { networkName, pvcVolumeName } from '../../../src/plan/names';
import type { DesiredState } from '../../../src/model/types';
import type { ApplyOutcome } from '../../../src/rollout/types';
import type { DockerRuntime } from '../../../src/runtime/docker';
import { LABEL, type ExecResult, type Runtime } from '../../../src/runtime/types';
import { formatProblem } from '../../../src/util/problems';
import { pollUntil } from '../../../src/util/eventually';
import { cleanupInstance, testRuntime, uniqueInstance } from '../../helpers/docker';
import { disposeManifestDirs, ManifestDir } from '../../helpers/manifests';
import { engineArgs, runCli, type CliOptions, type CliResult } from '../../helpers/cli';
import { busybox } from '../../helpers/containerSpec';
import { ensureTestImage, PAUSE_COMMAND, TEST_IMAGE } from '../../helpers/testImage';

export interface ApplyOptions {
  prune?: boolean;
  mode?: 'rollout' | 'rollback' | 'self-heal';
  /** Drive the engine through this runtime (e.g. one that counts calls) instead of the harness's. */
  runtime?: Runtime;
}

export interface ApplyRun {
  outcome: ApplyOutcome;
  /** Every action the applier started, in order. */
  actions: Action[];
  desired: DesiredState;
}

export interface StraySpec {
  pod: string;
  container: string;
  owner: string;
  namespace?: string;
  kind?: string;
  specHash?: string;
  /** Docker name; `berth_<instance>_<ns>_<pod>_<container>` by default. */
  name?: string;
  labels?: Record<string, string>;
  /** Start it (default true). */
  start?: boolean;
}

export { actionSummary, addressesOf, countingRuntime, ids, names } from './observations';

export class ApplyHarness {
  private constructor(
    readonly runtime: DockerRuntime,
    readonly instance: string,
    readonly stateDir: string,
  ) {}

  /**
   * A fresh instance (`t-<prefix>-...`, or `instance` when given) and state directory; the
   * test image exists.
   */
  static async create(prefix: string, instance = uniqueInstance(prefix)): Promise<ApplyHarness> {
    const runtime = testRuntime();
    await ensureTestImage({ runtime });
    const stateDir = await mkdtemp(path.join(tmpdir(), 'berth-state-'));
    return new ApplyHarness(runtime, instance, stateDir);
  }

  /** Validates `dir` (failing the test on any error) and drives the engine to it. */
  async apply(dir: ManifestDir | string, opts: ApplyOptions = {}): Promise<ApplyRun> {
    const desired = await desiredOf(dir);
    const actions: Action[] = [];
    const applier = new EngineApplier(opts.runtime ?? this.runtime, {
      instance: this.instance,
      stateDir: this.stateDir,
      pauseImage: TEST_IMAGE,
      pauseCommand: PAUSE_COMMAND,
      prune: opts.prune ?? true,
      pollMs: 200,
      log: () => undefined,
      onAction: (a) => actions.push(a),
    });
    const outcome = await applier.apply(desired, revisionOf(desired), opts.mode ?? 'rollout');
    // As `berth apply` does: the old pods still terminating are seen through before returning.
    await applier.settled();
    return { outcome, actions, desired };
  }

  /** apply(), asserting that it converged; returns the actions it took. */
  async converge(dir: ManifestDir | string, opts: ApplyOptions = {}): Promise<Action[]> {
    const run = await this.apply(dir, opts);
    assert.strictEqual(run.outcome.type, 'converged', `apply did not converge: ${describeOutcome(run.outcome)}`);
    return run.actions;
  }

  /**
   * Runs the built CLI against this instance and state directory: `command` then `args`, plus
   * the pause image options for the commands that create pods (apply, diff, delete).
   */
  cli(command: string, args: readonly string[] = [], opts: CliOptions = {}): Promise<CliResult> {
    const pause = ['apply', 'diff', 'delete'].includes(command) ? ['--pause-image', TEST_IMAGE, '--pause-command', PAUSE_COMMAND.join(' ')] : [];
    // The CLI puts ClusterIP names on proxy "anchors" when it can (root, local engine); the
    // applier driven by apply() puts them on the pods. Tests mix both on one instance, so
    // the CLI is held to the same mode (BERTH_SERVICE_ANCHORS=0: names on the pods).
    const env = { BERTH_SERVICE_ANCHORS: '0', ...opts.env };
    return runCli(engineArgs([command, ...args, ...pause], this.instance, this.stateDir), { ...opts, env });
  }

  async hasNetwork(ns: string): Promise<boolean> {
    return (await this.runtime.listNetworks({ [LABEL.instance]: this.instance })).some((n) => n.name === this.network(ns));
  }

  async hasVolume(name: string): Promise<boolean> {
    return (await this.runtime.listVolumes({ [LABEL.instance]: this.instance })).some((v) => v.name === name);
  }

  /** The Docker network of namespace `ns` under this instance. */
  network(ns: string): string {
    return networkName(this.instance, ns);
  }

  /** The Docker volume of claim `claim` (a StatefulSet's: `<template>-<sts>-<ordinal>`). */
  claimVolume(claim: string, ns = 'default'): string {
    return pvcVolumeName(this.instance, ns, claim);
  }

  async pods(): Promise<ObservedPod[]> {
    return (await observe(this.runtime, this.instance)).pods;
  }

  /** Pods of one workload (by `io.berth.owner`), sorted by name. */
  async podsOf(owner: string, namespace = 'default'): Promise<ObservedPod[]> {
    return (await this.pods()).filter((p) => p.owner === owner && p.namespace === namespace);
  }

  /** Pods of one workload that are not terminating (the ledger in the state directory says which are). */
  async livePodsOf(owner: string, namespace = 'default'): Promise<ObservedPod[]> {
    const split = splitTerminating(await observe(this.runtime, this.instance), await new TerminationLedger(this.stateDir, this.instance).list());
    return split.pods.filter((p) => p.owner === owner && p.namespace === namespace);
  }

  async pod(name: string, namespace = 'default'): Promise<ObservedPod> {
    const pod = (await this.pods()).find((p) => p.name === name && p.namespace === namespace);
    assert.ok(pod, `pod ${namespace}/${name} does not exist`);
    return pod;
  }

  /** Container name -> id, for every container of this instance (infra containers too). */
  async containerIds(): Promise<Map<string, string>> {
    const list = await this.runtime.listContainers({ 'io.berth.instance': this.instance });
    return new Map(list.map((c) => [c.name, c.id]));
  }

  /** The id of container `container` of pod `pod`. */
  async containerId(pod: string, container: string, namespace = 'default'): Promise<string> {
    const p = await this.pod(pod, namespace);
    const c = [...p.containers, ...(p.infra ? [p.infra] : [])].find((x) => x.labels['io.berth.container'] === container);
    assert.ok(c, `pod ${namespace}/${pod} has no container ${container}`);
    return c.id;
  }

  async exec(pod: string, container: string, cmd: string[], namespace = 'default'): Promise<ExecResult> {
    return this.runtime.exec(await this.containerId(pod, container, namespace), cmd, 10_000);
  }

  /** Runs `cmd` until it exits 0 (DNS and servers take a moment) and returns its output. */
  async execUntilOk(pod: string, container: string, cmd: string[], namespace = 'default'): Promise<string> {
    const id = await this.containerId(pod, container, namespace);
    let last = '';
    return pollUntil(
      async () => {
        const r = await this.runtime.exec(id, cmd, 5_000);
        last = `exit ${r.exitCode}: ${r.output}`;
        return r.exitCode === 0 ? r.output : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 250, what: `${JSON.stringify(cmd)} in ${namespace}/${pod}/${container} to succeed (last: ${last})` },
    );
  }

  /**
   * A running container labelled as a pod of this instance that berth did not create (a
   * leftover, or something started by hand): on the namespace's network when it exists,
   * else on Docker's default bridge. Returns its id.
   */
  async createStray(s: StraySpec): Promise<string> {
    const ns = s.namespace ?? 'default';
    const nets = await this.runtime.listNetworks({ [LABEL.instance]: this.instance });
    const network = nets.some((n) => n.name === this.network(ns)) ? this.network(ns) : 'bridge';
    const labels: Record<string, string> = {
      [LABEL.managed]: 'true',
      [LABEL.instance]: this.instance,
      [LABEL.namespace]: ns,
      [LABEL.kind]: s.kind ?? 'Pod',
      [LABEL.owner]: s.owner,
      [LABEL.pod]: s.pod,
      [LABEL.container]: s.container,
      [LABEL.specHash]: s.specHash ?? 'stray',
      [LABEL.revision]: '0'.repeat(40),
      ...s.labels,
    };
    const name = s.name ?? `berth_${this.instance}_${ns}_${s.pod}_${s.container}`;
    const id = await this.runtime.createContainer(
      busybox(this.instance, s.container, [], { name, labels, entrypoint: PAUSE_COMMAND, network: { type: 'network', network, aliases: [] }, stopTimeout: 1 }),
    );
    if (s.start ?? true) await this.runtime.startContainer(id);
    return id;
  }

  /**
   * Removes every Docker object of the instance and the state directory; with `manifests`
   * (the default) also every temp manifests directory still alive.
   */
  async cleanup(opts: { manifests?: boolean } = {}): Promise<void> {
    try {
      await cleanupInstance(this.runtime, this.instance);
    } finally {
      await rm(this.stateDir, { recursive: true, force: true });
      if (opts.manifests ?? true) await disposeManifestDirs();
    }
  }
}

export async function desiredOf(dir: ManifestDir | string): Promise<DesiredState> {
  const root = typeof dir === 'string' ? dir : dir.path;
  const v = await validateDirectory(root);
  if (!v.ok) assert.fail(`manifests under ${root} are invalid:\n${v.problems.map(formatProblem).join('\n')}`);
  return v.desired;
}

/** A 40-hex revision label derived from the desired state (the CLI hashes files instead). */
function revisionOf(desired: DesiredState): string {
  return createHash('sha1').update(JSON.stringify(desired)).digest('hex');
}

/** An outcome for an assertion message (an error outcome's message included). */
export function describeOutcome(outcome: ApplyOutcome): string {
  return JSON.stringify(outcome, errorJson);
}

/** JSON.stringify replacer that keeps an Error's message. */
function errorJson(_key: string, value: unknown): unknown {
  return value instanceof Error ? { error: value.message } : value;
}
