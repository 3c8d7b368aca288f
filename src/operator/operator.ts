/**
 * The composition root of `berth run`: git source, validation, the engine applier, the
 * reconciler and its queue, the triggers (watch, poll, webhook, engine events, resync), the
 * HTTP API and signal handling. Everything here is wiring; each piece works on its own.
 */
import type * as http from 'node:http';
import { Journal, toHistoryJson } from '../audit';
import { GitSource, redactUrl, type Closer } from '../git';
import { startApiServer, type ApiServer } from '../api';
import { Reconciler } from '../reconciler';
import { PassQueue, pollOnSchedule, verifyWebhookSignature, watchLocalRepo, type PassResult, type WebhookHeaders } from '../triggers';
import type { Validation, WriteBack } from '../reconciler';
import type { DesiredState } from '../model';
import { EngineApplier } from '../rollout';
import { SwarmApplier } from '../swarm';
import type { Runtime, SwarmClient } from '../runtime';
import { LABEL } from '../runtime';
import { acquireInstanceLock, acquireRepoLock, type InstanceLock } from '../state';
import { validateDirectory, ValidationCache, type ValidateOptions } from '../validate';
import { Notifier, revisionEvent, type NotifierOptions } from '../notify';
import { BerthError, formatProblem } from '../util';
import { HistorySource } from '../history';
import { correlationId, type Logger } from '../util';
import { OperatorMetrics } from './metrics';
import { JournalRecorder } from './recorder';
import { every } from './probeLoop';
import { during } from '../util';
import { EndpointPublisher } from '../services';
import { commitRedactors, openLogs, scrubbed } from '../logs';
import type { DescribeRequest, Described, OperatorKnowledge } from '../cli';
import { scrubStrings, secretRedactor } from '../secrets';
import { serviceAnchorsAvailable } from '../services';
import { changesList, ProgressStore } from '../rollout';
import type { Applier } from '../rollout';
import { withRestarts } from '../model';
import { OperatorControls } from './controls';
import { DashboardFeed } from './dashboard';
import { operatorActions } from './actions';
import { UsageSampler } from '../monitor';
import type { ForwardingModes } from '../services';
import { CronScheduler } from '../jobs';

/** How often the operator probes its pods between passes (probes run on their own periods). */
const PROBE_INTERVAL_MS = 1000;
/** The pause between sweeps of the engine's stats of every container (monitor/sampler.ts). */
const STATS_INTERVAL_MS = 5000;

/** Wait before following the engine's event stream again after it ended. */
const EVENTS_RETRY_MS = 2000;

export interface OperatorOptions {
  repo: string;
  branch?: string;
  path?: string;
  instance: string;
  stateDir: string;
  /** A tmpfs for Secret files (secrets/tmpfs.ts). */
  secretsDir?: string;
  listen: string;
  poll: string;
  webhookSecret?: string;
  selfHeal: boolean;
  prune: boolean;
  autoRollback: boolean;
  writeBack: boolean;
  resyncMs: number;
  pauseImage: string;
  pauseCommand?: string[];
  policy: ValidateOptions;
  /** Address of LoadBalancer listeners (`--lb-address`). */
  lbAddress?: string;
  /** The token of `--api-token-file`: mutating API calls must carry it (api/guard.ts). */
  apiToken?: string;
  /** Host ports of the Ingress listeners (`--ingress-http-port`, `--ingress-https-port`). */
  ingressPorts?: { http: number; https: number };
  /** Webhooks, Slack and commit statuses told of every outcome (src/notify). */
  notifications?: Omit<NotifierOptions, 'source' | 'log'>;
  /** Who forwards Service traffic (resolved `--proxy-mode`; default userspace). */
  proxyModes?: ForwardingModes;
  /**
   * `berth describe` for the page's details view. The CLI owns describe and passes it in, so
   * the operator does not import the CLI (which starts the operator); without it, no details.
   */
  describer?: Describer;
  /** `--engine swarm`: services on this manager instead of containers on one host (docs/swarm.md). */
  swarm?: SwarmClient;
  /** With `swarm`: the mesh image, so NodePorts answer on every node (docs/swarm.md). */
  swarmMeshImage?: string;
}

export interface Describer {
  describe(req: DescribeRequest, now: number, known: OperatorKnowledge): Promise<Described>;
  render(d: Described, now: number): string;
}

export interface Operator {
  url: string;
  /** Finish or abandon the current step, write the journal, close everything. Apps keep running. */
  stop(): Promise<void>;
}

export async function startOperator(runtime: Runtime, opts: OperatorOptions, log: Logger): Promise<Operator> {
  const instanceLock: InstanceLock = await acquireInstanceLock(opts.stateDir, opts.instance, 'run');
  const repoLock = await acquireRepoLock(opts.stateDir, opts.instance, 'run').catch(async (err: unknown) => {
    await instanceLock.release();
    throw err;
  });
  const lock = { release: async () => void (await Promise.all([repoLock.release(), instanceLock.release()])) };
  const closers: Closer[] = [];
  try {
    // Every line logged during a pass, by whichever part (git source, applier, endpoint
    // publisher, recorder, reconciler), carries the pass id.
    let passLog = log;
    let queue: PassQueue | undefined;
    const source = await GitSource.open({
      repo: opts.repo,
      branch: opts.branch,
      path: opts.path,
      stateDir: opts.stateDir,
      log: (m, f) => passLog.debug(f ?? {}, m),
    });
    const journal = new Journal(opts.stateDir);
    const metrics = new OperatorMetrics(runtime.requestCounts?.bind(runtime));
    const serviceAnchors = serviceAnchorsAvailable();
    log.info(
      { hostPorts: opts.proxyModes?.host ?? 'userspace', anchors: opts.proxyModes?.anchors ?? 'userspace', notes: opts.proxyModes?.notes },
      'Service traffic forwarding',
    );
    for (const w of opts.proxyModes?.warnings ?? []) log.warn({}, w);
    if (!serviceAnchors) log.warn({}, 'ClusterIP Services fall back to names on the pods (no proxy for them): berth is not root, or the engine is remote');
    const controls = await OperatorControls.open(opts.stateDir, opts.instance);
    let feed: DashboardFeed | undefined;
    const publisher = new EndpointPublisher(runtime, {
      instance: opts.instance,
      stateDir: opts.stateDir,
      lbAddress: opts.lbAddress,
      ingressPorts: opts.ingressPorts,
      serviceAnchors,
      modes: opts.proxyModes,
      log: (m, f) => passLog.warn(f ?? {}, m),
    });
    // CronJobs fire only here, in the operator: a tick just wakes the loop (jobs/scheduler.ts).
    const cronScheduler = new CronScheduler(() => queue?.trigger('job'));
    closers.push({ close: async () => cronScheduler.stop() });
    const published = publisher.hooks();
    const engineApplier = new EngineApplier(runtime, {
      ...published,
      onViews: async (desired, observed, views) => {
        await published.onViews(desired, observed, views);
        feed?.saw({ desired, observed, views });
      },
      cronScheduler,
      serviceAnchors,
      probeLoop: true,
      instance: opts.instance,
      stateDir: opts.stateDir,
      secretsDir: opts.secretsDir,
      pauseImage: opts.pauseImage,
      pauseCommand: opts.pauseCommand,
      prune: opts.prune,
      log: (m, f) => passLog.info(f ?? {}, m),
      onAction: (a) => passLog.info({ action: a.type, key: a.key }, 'action'),
      // A pod gone or a readiness change is what a waiting rollout step waits for: look at once.
      onWake: (reason) => queue?.trigger(reason),
    });
    const applier = restartingApplier(
      opts.swarm
        ? new SwarmApplier(opts.swarm, {
            instance: opts.instance,
            prune: opts.prune,
            ...(opts.swarmMeshImage ? { meshImage: opts.swarmMeshImage } : {}),
            log: { info: (o, m) => passLog.info(o, m), warn: (o, m) => passLog.warn(o, m) },
          })
        : engineApplier,
      controls,
    );
    const notifier = new Notifier({
      ...opts.notifications,
      targets: opts.notifications?.targets ?? [],
      source: { instance: opts.instance, repo: redactUrl(opts.repo), branch: source.branch },
      log: (m, f) => log.warn(f ?? {}, m),
    });
    // Every commit is validated whole, but only its changed files are parsed and schema-checked.
    const validationCache = new ValidationCache();
    const recorder = new JournalRecorder(journal, source, opts.instance, opts.writeBack, (m, f) => passLog.warn(f ?? {}, m));
    const writeBack: WriteBack | undefined = opts.writeBack
      ? {
          revert: (rev, reason) =>
            source.revertAndPush(rev.sha, `Revert "${rev.subject}"\n\nberth rolled back ${rev.sha}: ${reason}`, { 'Berth-Rollback-Of': rev.sha }),
        }
      : undefined;
    const reconciler = new Reconciler(
      source,
      applier,
      {
        record: async (rev, o) => {
          await recorder.record(rev, o);
          metrics.outcome(o.status);
          feed?.changed();
          notifier.notify(revisionEvent(rev, o));
        },
        statusOf: (s) => recorder.statusOf(s),
        lastGood: () => recorder.lastGood(),
        lastAttempted: () => recorder.lastAttempted(),
      },
      {
        instance: opts.instance,
        source: { repo: redactUrl(opts.repo), branch: source.branch, path: opts.path ?? '.' },
        // Read at every pass: the dashboard can pause self-heal (controls.ts).
        get selfHeal() {
          return opts.selfHeal && !controls.selfHealPaused;
        },
        autoRollback: opts.autoRollback,
        resyncMs: opts.resyncMs,
        validate: (dir) => validateForOperator(dir, { ...opts.policy, cache: validationCache }),
        log: (m, f) => passLog.info(f ?? {}, m),
        onDriftRepaired: (sha, actions, summary) =>
          void source.revision(sha).then(
            (rev) => notifier.notify({ type: 'drift-repaired', revision: { sha, subject: rev.subject, author: rev.author }, actions, summary }),
            () => undefined,
          ),
      },
      writeBack,
    );
    queue = new PassQueue(
      async (reasons) => {
        passLog = log.child({ pass: correlationId() });
        passLog.debug({ reasons }, 'pass');
        const end = metrics.passStarted();
        const result = await during('pass', () => reconciler.pass(reasons));
        end(result.type);
        feed?.changed();
        return result;
      },
      // Each failure is logged here, once.
      (result: PassResult, next) => {
        if (result.type === 'transient-error') passLog.warn({ error: result.error.message, retryInMs: next }, 'pass failed; will retry');
      },
    );
    const passes = queue;
    const journalJson = async (limit: number) => (await journal.history({ limit, instance: opts.instance })).map(toHistoryJson);
    const sampler = new UsageSampler(runtime);
    const dashboard = new DashboardFeed({
      usage: () => sampler.usage(),
      status: () => ({ ...reconciler.status(), services: publisher.status() }),
      revisions: journalJson,
      progress: new ProgressStore(opts.stateDir, opts.instance),
      controls,
      selfHeal: opts.selfHeal,
      actions: { tokenRequired: opts.apiToken !== undefined, writeBack: opts.writeBack },
      onError: (err) => log.warn({ error: String(err) }, 'dashboard view failed'),
    });
    feed = dashboard;
    closers.push({ close: async () => dashboard.close() });

    const logSecrets = commitRedactors({
      open: () => HistorySource.open({ stateDir: opts.stateDir, path: opts.path }),
      policy: opts.policy,
      cannot: (why) => new BerthError('E_INVALID', `the Secret values of this pod's commit cannot be known (${why}): its lines are not sent`),
    });
    const api: ApiServer = await startApiServer(opts.listen, {
      status: () => ({ ...reconciler.status(), services: publisher.status() }),
      revisions: journalJson,
      requestSync: (reason) => passes.trigger(reason),
      verifyWebhook: (headers: http.IncomingHttpHeaders, body: Buffer) =>
        opts.webhookSecret ? verifyWebhookSignature(headers as WebhookHeaders, body, opts.webhookSecret) : { ok: true },
      ready: () => reconciler.ready(),
      metrics: () => metrics.render(reconciler.status(), sampler.usage()),
      dashboard: { snapshot: () => dashboard.snapshot(), stream: dashboard.stream },
      actions: operatorActions({
        stateDir: opts.stateDir,
        instance: opts.instance,
        path: opts.path,
        policy: opts.policy,
        writeBack: opts.writeBack,
        selfHeal: opts.selfHeal,
        controls,
        desired: () => dashboard.lastLook()?.desired,
        trigger: (reason) => passes.trigger(reason),
        changed: () => dashboard.changed(),
        log: (m, f) => log.info(f ?? {}, m),
      }),
      ...(opts.apiToken !== undefined ? { apiToken: opts.apiToken } : {}),
      // An API answer never carries a Secret value: a line is scrubbed with the values of the
      // commit its pod was applied from (read from berth's clone once per commit), as failed-rollout
      // logs are; a line whose commit cannot be read is not sent (fail closed).
      openLogs: (req, onEvent) => openLogs(runtime, { ...req, instance: opts.instance }, scrubbed(logSecrets, onEvent).onEvent),
      // The details view of the page: what `berth describe` computes, scrubbed whole (a probe's output may quote a value).
      describe: async (req) => {
        const look = dashboard.lastLook();
        if (!look) throw new Error('details are served once berth has looked at its pods, a moment after it starts');
        if (!opts.describer) throw new Error('details are not served by this operator');
        const now = Date.now();
        const readySince = (namespace: string, pod: string) => look.views.find((v) => v.namespace === namespace && v.name === pod)?.readySince;
        const described = scrubStrings(await opts.describer.describe(req, now, { readySince }), secretRedactor(look.desired));
        return { described, text: opts.describer.render(described, now) };
      },
    });
    closers.push({ close: () => api.close() });

    if (source.location.kind === 'local') {
      closers.push(watchLocalRepo(source.location.path, () => passes.trigger('git-watch'), { onError: (e) => log.warn({ error: String(e) }, 'watch error') }));
    }
    closers.push(pollOnSchedule(opts.poll, () => passes.trigger('poll')));
    // Engine events on this instance's objects (a container died, was removed by hand) make
    // drift repair immediate instead of waiting for the next resync, and tell the probe loop
    // to list again. A stream that ends (engine restarted) is followed again after a moment.
    let events: { close(): void } | undefined;
    let resubscribe: NodeJS.Timeout | undefined;
    let closing = false;
    const follow = (): void => {
      events = runtime.subscribe(
        { [LABEL.instance]: opts.instance },
        (e) => {
          if (changesList(e.action)) engineApplier.engineChanged();
          if (['die', 'destroy', 'stop', 'kill', 'oom'].includes(e.action)) passes.trigger(`engine-${e.action}`);
        },
        (err) => {
          engineApplier.engineChanged();
          if (closing) return;
          log.warn({ error: err.message, retryInMs: EVENTS_RETRY_MS }, 'engine events stream ended; following it again soon');
          resubscribe = setTimeout(follow, EVENTS_RETRY_MS);
        },
      );
    };
    follow();
    closers.push({
      close: async () => {
        closing = true;
        clearTimeout(resubscribe);
        events?.close();
      },
    });
    closers.push(
      every(
        PROBE_INTERVAL_MS,
        () => during('probe', () => engineApplier.probe()),
        (err) => log.warn({ error: String(err) }, 'probing pods failed'),
      ),
    );

    closers.push(
      every(
        STATS_INTERVAL_MS,
        async (signal) => {
          const look = dashboard.lastLook();
          if (!look) return;
          await sampler.sample(look, signal);
          dashboard.changed();
        },
        (err) => log.warn({ error: String(err) }, 'sampling container stats failed'),
      ),
    );
    passes.trigger('start');
    log.info({ repo: redactUrl(opts.repo), branch: source.branch, path: opts.path ?? '.', api: api.url }, 'berth is running');
    notifier.notify({ type: 'operator', status: 'started' });
    return {
      url: api.url,
      stop: async () => {
        await Promise.all(closers.map((c) => c.close().catch(() => undefined)));
        // A pass is one step, never a wait: the one in progress finishes within moments. A
        // rollout in progress stays `applying` and is resumed by the next start; pods being
        // stopped go on stopping in the engine (their deadlines are in the state directory).
        await passes.stop();
        notifier.notify({ type: 'operator', status: 'stopped' });
        await notifier.drain();
        await lock.release();
      },
    };
  } catch (err) {
    await Promise.all(closers.map((c) => c.close().catch(() => undefined)));
    await lock.release();
    throw err;
  }
}

async function validateForOperator(dir: string, policy: ValidateOptions): Promise<Validation> {
  const v = await validateDirectory(dir, policy);
  if (!v.ok) return { ok: false, errors: v.problems.filter((p) => p.severity === 'error').map(formatProblem) };
  return { ok: true, desired: v.desired, warnings: v.warnings.map(formatProblem) };
}

/** The applier with the restarts asked for laid over every desired state (model/restart.ts). */
function restartingApplier(inner: Applier, controls: OperatorControls): Applier {
  let memo: { desired: DesiredState; restarts: object; out: DesiredState } | undefined;
  const overlaid = (desired: DesiredState): DesiredState => {
    const restarts = controls.restarts();
    if (memo?.desired !== desired || memo.restarts !== restarts) memo = { desired, restarts, out: withRestarts(desired, restarts) };
    return memo.out;
  };
  return {
    step: (desired, revision, mode) => inner.step(overlaid(desired), revision, mode),
    pastDeadline: (revision) => inner.pastDeadline(revision),
    resources: () => inner.resources(),
    terminating: () => inner.terminating(),
  };
}
