/**
 * `berth rollout status|history|undo NAME`: one workload's rollout, its templates over the
 * commits of the branch, and a manual rollback. The logic lives in src/history and src/rollback; this file
 * parses options, opens the engine/git/journal, prints, and picks exit codes.
 *
 * Decisions for the edge cases (README text: rollout.md next to this file):
 * - NAME is `web`, `deployment/web` or `sts/db`; without -n every namespace is searched and
 *   a name found in several (or of both kinds) is an error asking for -n / the kind.
 * - status: the spec comes from --manifests DIR, else from the commit the newest pods carry
 *   (berth's clone, or --repo); without one the pods are still listed and health is Unknown.
 *   Readiness probes run from this process (never liveness: no restarts). Exit 0 after one
 *   look. --watch: exit 0 when the spec's template is healthy, 1 when Degraded, rolled
 *   back, recorded failed by the operator, stalled for progressDeadlineSeconds, or --timeout.
 * - history: commits that touch the manifests folder (--limit, default 50), newest first,
 *   grouped by the workload's template hash; commits that do not validate are listed apart;
 *   `*` marks the group the engine runs (the engine is optional: history works offline).
 * - undo without an operator (the instance lock is free): drives the engine to the running
 *   revision with the workload's pod template taken from the target; refuses when that would
 *   also change other resources (--force) or when the template's ConfigMaps/Secrets differ.
 *   Nothing is written to the journal: it records commit outcomes, and the next operator run
 *   converges back to git (undo made this way is temporary; see rollout.md).
 * - undo with an operator (`berth run` holds the lock): revert commit(s) pushed to the branch
 *   it follows; no engine change from here. Lock held by another command: an error.
 */
import { proxyModeOption } from '../proxyMode';
import { resolveProxyModes, type ForwardingModes, type ProxyModeOption } from '../../services';
import { Option, type Command } from 'commander';
import { observe } from '../../observe';
import { createDockerRuntime, type Runtime } from '../../runtime';
import { BerthError, isBerthError, messageOf } from '../../util';
import {
  HistorySource,
  StatusLooker,
  checkServerUrl,
  engineMark,
  operatorPath,
  loadHistory,
  parseWorkloadArg,
  podsOf,
  readJournal,
  renderHistory,
  renderStatus,
  takeInstance,
  watchRollout,
  type Look,
} from '../../history';
import { undoInGit, undoOnEngine } from '../../rollback';
import {
  addEngineOptions,
  addPolicyOptions,
  engineOptions,
  outputOption,
  policyWithSecrets,
  type EngineOptions,
  type OutputFormat,
  type PolicyOptions,
} from '../options';
import { addPauseOptions, pauseOptions, withEngine } from '../engine';
import { EXIT, type ExitCode } from '../exit';
import { terminalApplier } from '../terminalApplier';
import { requireDirectory } from '../paths';

type Run = (fn: () => Promise<ExitCode>) => void;

interface CommonRaw extends PolicyOptions {
  instance: string;
  stateDir: string;
  namespace?: string;
  kind?: string;
  repo?: string;
  branch?: string;
  path?: string;
  output: OutputFormat;
}

interface StatusRaw extends CommonRaw {
  watch: boolean;
  timeout?: number;
  server?: string;
  manifests?: string;
}

interface HistoryRaw extends CommonRaw {
  limit: number;
}

interface UndoRaw extends HistoryRaw {
  toRevision?: string;
  force: boolean;
  pauseImage: string;
  pauseCommand?: string;
  lbAddress: string;
  proxyMode: ProxyModeOption;
}

const WATCH_INTERVAL_MS = 1000;

export function registerRollout(program: Command, run: Run): void {
  const rollout = program.command('rollout').description('the rollout of one Deployment or StatefulSet: status, history of its templates, undo');
  registerStatus(rollout, run);
  registerHistory(rollout, run);
  registerUndo(rollout, run);
}

function common(cmd: Command): Command {
  cmd
    .argument('<name>', 'workload: NAME, deployment/NAME or statefulset/NAME')
    .option('-n, --namespace <ns>', 'namespace (default: wherever NAME is, if in one only)')
    .addOption(new Option('--kind <kind>', 'deployment or statefulset'))
    .option('--repo <path>', "read commits from this local repository instead of berth's clone in the state dir")
    .option('--branch <name>', 'branch (default: the one berth follows; with --repo, its HEAD)')
    .option('--path <dir>', "folder of the manifests in the repository (the operator's --path; status --server asks the operator)")
    .addOption(outputOption());
  return addEngineOptions(addPolicyOptions(cmd));
}

function limitOption(): Option {
  return new Option('--limit <n>', 'walk at most N commits').argParser(positiveInt('--limit')).default(50);
}

function positiveInt(flag: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 100000) throw new BerthError('E_USAGE', `${flag} must be a whole number from 1 to 100000`);
    return n;
  };
}

function openSource(eng: EngineOptions, raw: CommonRaw): Promise<HistorySource> {
  return HistorySource.open({ stateDir: eng.stateDir, repo: raw.repo, branch: raw.branch, path: raw.path });
}

function registerStatus(parent: Command, run: Run): void {
  const cmd = common(
    parent
      .command('status')
      .description('the pods of NAME per template, ready/available counts, health; --watch until done (exit 0 healthy, 1 failed or stuck)'),
  )
    .option('-w, --watch', 'look again every second until the rollout is healthy (0) or failed/stuck (1)', false)
    .addOption(new Option('--timeout <seconds>', 'with --watch: give up after this long (exit 1)').argParser(positiveInt('--timeout')))
    .option('--server <url>', "also show the operator's view: GET URL/api/v1/status")
    .option('--manifests <dir>', 'measure against this manifests directory (what `berth apply` applied)');
  cmd.action((name: string, raw: StatusRaw) =>
    run(async () => {
      const eng = engineOptions(raw);
      const ref = parseWorkloadArg(name, raw);
      const server = raw.server ? checkServerUrl(raw.server) : undefined;
      if (raw.manifests) await requireDirectory(raw.manifests);
      // Without --path, the folder the operator follows when it answers.
      const path = raw.path ?? (server ? await operatorPath(server) : undefined);
      const found = raw.manifests
        ? {}
        : await openSource(eng, { ...raw, path }).then(
            (source) => ({ source }),
            (err: unknown) => {
              if (raw.repo !== undefined || !isBerthError(err, 'E_USAGE')) throw err;
              return { noSource: messageOf(err) };
            },
          );
      const journal = await readJournal(eng.stateDir, eng.instance);
      return withEngine(eng, 'rollout status', false, async (runtime) => {
        const looker = new StatusLooker({
          runtime,
          instance: eng.instance,
          policy: await policyWithSecrets(raw, 'refuse'),
          ...found,
          manifests: raw.manifests,
          journal,
          server,
        });
        const print = (look: Look) => process.stdout.write(raw.output === 'json' ? JSON.stringify(look.view, null, 2) + '\n' : renderStatus(look.view));
        if (!raw.watch) {
          print(await looker.look(ref));
          return EXIT.ok;
        }
        let last = '';
        const { look, verdict } = await watchRollout(looker, ref, {
          intervalMs: WATCH_INTERVAL_MS,
          ...(raw.timeout ? { timeoutMs: raw.timeout * 1000 } : {}),
          onLook: (l) => {
            const line = `${l.health?.health ?? 'Unknown'}: ${l.health?.message ?? ''}`;
            if (line !== last && raw.output !== 'json') process.stdout.write(`  ${line}\n`);
            last = line;
          },
        });
        print(look);
        if (verdict.type === 'healthy') return EXIT.ok;
        process.stdout.write(`rollout failed: ${verdict.reason}\n`);
        return EXIT.failed;
      });
    }),
  );
}

function registerHistory(parent: Command, run: Run): void {
  const cmd = common(
    parent.command('history').description('the templates NAME has had, newest first, each with the commit that introduced it and its outcome'),
  ).addOption(limitOption());
  cmd.action((name: string, raw: HistoryRaw) =>
    run(async () => {
      const eng = engineOptions(raw);
      const ref = parseWorkloadArg(name, raw);
      const source = await openSource(eng, raw);
      const journal = await readJournal(eng.stateDir, eng.instance);
      const { history, walk } = await loadHistory(source, ref, { limit: raw.limit, policy: await policyWithSecrets(raw, 'refuse'), journal });
      const engine = await runningOn(eng, async (rt) => engineMark(history.groups, podsOf((await observe(rt, eng.instance)).pods, history.id)));
      if (raw.output === 'json') {
        process.stdout.write(
          JSON.stringify({ ...history, source: source.describe(), walked: walk.entries.length, truncated: walk.truncated, engine }, null, 2) + '\n',
        );
      } else {
        process.stdout.write(renderHistory({ history, source: source.describe(), walked: walk.entries.length, truncated: walk.truncated, engine }));
      }
      return EXIT.ok;
    }),
  );
}

/** The engine's answer, or why there is none: history works without an engine. */
async function runningOn<T>(eng: EngineOptions, fn: (rt: Runtime) => Promise<T>): Promise<T | { type: 'unreachable'; error: string }> {
  try {
    return await withEngine(eng, 'rollout history', false, fn);
  } catch (err) {
    return { type: 'unreachable', error: messageOf(err) };
  }
}

function registerUndo(parent: Command, run: Run): void {
  const cmd = addPauseOptions(
    common(
      parent
        .command('undo')
        .description('go back to the previous template of NAME: on the engine when no operator runs, else as a revert commit pushed to its branch'),
    ),
  )
    .addOption(limitOption())
    .option('--to-revision <sha>', 'go back to the template NAME has in this commit')
    .option('--force', 'without an operator: also change other resources the engine does not run as in the current revision', false)
    .option('--lb-address <ip>', 'host address of LoadBalancer Service listeners', '0.0.0.0')
    .addOption(proxyModeOption());
  cmd.action((name: string, raw: UndoRaw) =>
    run(async () => {
      const eng = engineOptions(raw);
      const ref = parseWorkloadArg(name, raw);
      const policy = await policyWithSecrets(raw, 'refuse');
      const source = await openSource(eng, raw);
      const journal = await readJournal(eng.stateDir, eng.instance);
      const log = (line: string) => process.stdout.write(`${line}\n`);
      const driver = await takeInstance(eng.stateDir, eng.instance, 'rollout undo');
      if (driver.type === 'operator') {
        if (source.kind !== 'clone') throw new BerthError('E_USAGE', `${driver.message}: undo goes through berth's clone then`, 'drop --repo');
        log(`${driver.message}: git stays the truth, so the undo is a revert commit on ${source.branch}`);
        const r = await undoInGit({ stateDir: eng.stateDir, source, policy, limit: raw.limit, journal, log }, { ref, toRevision: raw.toRevision });
        if (r.type === 'nothing') log(r.message);
        else {
          log(
            `done: ${r.reverts.length} revert commit(s) on ${source.branch}, head ${r.reverts[r.reverts.length - 1]!.sha}; the operator rolls ${r.id.name} back to template ${r.to} when it fetches it`,
          );
          if (r.warning) process.stderr.write(`warning: ${r.warning}\n`);
        }
        return EXIT.ok;
      }
      try {
        const runtime = createDockerRuntime();
        await runtime.ping();
        const applier = engineApplier(runtime, eng, raw, await resolveProxyModes(raw.proxyMode));
        const r = await undoOnEngine(
          {
            runtime,
            instance: eng.instance,
            stateDir: eng.stateDir,
            source,
            policy,
            limit: raw.limit,
            journal,
            planOptions: applier.planOptions,
            apply: (d, rev) => applier.applier.apply(d, rev, 'rollback'),
            log,
          },
          { ref, toRevision: raw.toRevision, force: raw.force },
        );
        switch (r.type) {
          case 'nothing':
            log(r.message);
            return EXIT.ok;
          case 'converged':
            log(
              `rolled back: ${r.id.kind} ${r.id.namespace}/${r.id.name} runs template ${r.to} (commit ${r.revision.slice(0, 8)}) again; the next operator run converges it to git`,
            );
            return EXIT.ok;
          case 'failed':
            log(`not ready: ${r.reason}\n${r.details.map((d) => `  ${d}`).join('\n')}`);
            return EXIT.failed;
        }
      } finally {
        await driver.lock.release();
      }
    }),
  );
}

/** The applier as `berth apply` wires it (Service endpoints, anchors), printing progress. */
function engineApplier(runtime: Runtime, eng: EngineOptions, raw: UndoRaw, proxyModes: ForwardingModes) {
  const pause = pauseOptions(raw);
  const { applier, serviceAnchors } = terminalApplier(runtime, eng, { ...pause, lbAddress: raw.lbAddress, proxyModes, prune: false });
  return { applier, planOptions: { ...pause, serviceAnchors } };
}
