/**
 * `berth logs POD|deployment/NAME|statefulset/NAME`: kubectl logs, and for a workload every
 * pod's lines prefixed with the pod, as `kubectl logs -l` / stern. The reading and merging
 * live in src/logs (the API streams the same); this file is flags and printing.
 */
import { Argument, type Command } from 'commander';
import { defaultTail, formatLogLine, openLogs, parseLogTarget, parseSince, scrubbed, type LogEvent } from '../../logs';
import { BerthError, messageOf } from '../../util';
import { logRedactor } from '../logSecrets';
import { addEngineOptions, addPolicyOptions, engineOptions, policyWithSecrets, type PolicyOptions } from '../options';
import { withEngine } from '../engine';
import { EXIT, type ExitCode } from '../exit';

interface LogsRaw extends PolicyOptions {
  instance: string;
  stateDir: string;
  namespace: string;
  container?: string;
  follow: boolean;
  tail?: string;
  since?: string;
  timestamps: boolean;
  prefix: boolean;
  manifests?: string;
  repo?: string;
  path?: string;
}

export function registerLogs(program: Command, run: (fn: () => Promise<ExitCode>) => void): void {
  const cmd = program
    .command('logs')
    .description("print a pod's logs, or every pod's of a deployment, statefulset or daemonset (merged, prefixed with the pod)")
    .addArgument(new Argument('<target>', 'POD, pod/NAME, deployment/NAME, statefulset/NAME or daemonset/NAME'))
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .option('-c, --container <name>', 'only this container (default: every container of the pods)')
    .option('-f, --follow', 'keep printing new lines; a workload is followed through rollouts until interrupted', false)
    .option('--tail <n>', 'last N lines per container (default: all for a pod, 10 for a workload; -1: all)')
    .option('--since <duration>', 'only lines newer than this, e.g. 30s, 5m, 1h')
    .option('--timestamps', "print each line's time, as the engine recorded it", false)
    .option('--prefix', 'prefix every line with [pod/NAME/CONTAINER] (always on for a workload)', false)
    .option('--manifests <dir>', 'the Secret values to hide are those of this directory (what `berth apply` applied)')
    .option('--repo <path>', "read the pods' commits, for their Secret values, from this repository instead of berth's clone")
    .option('--path <dir>', "the manifests folder inside the repository (the operator's --path)");
  addEngineOptions(addPolicyOptions(cmd)).action((targetText: string, raw: LogsRaw) =>
    run(async () => {
      const eng = engineOptions(raw);
      const target = parseLogTarget(targetText);
      const tail = raw.tail === undefined ? defaultTail(target) : parseTail(raw.tail);
      const since = raw.since === undefined ? undefined : parseSince(raw.since);
      if (raw.since !== undefined && since === undefined)
        throw new BerthError('E_USAGE', `invalid --since "${raw.since}"`, 'a duration such as 30s, 5m, 1h30m');
      const policy = await policyWithSecrets(raw, 'refuse');
      return withEngine(eng, 'logs', false, async (rt) => {
        const selection = { namespace: raw.namespace, target, container: raw.container };
        // Every line goes through the same scrubbing as the API's (src/logs/scrub.ts).
        const redact = await logRedactor(rt, eng, selection, { manifests: raw.manifests, repo: raw.repo, path: raw.path, policy });
        let format = { prefix: raw.prefix || target.kind !== 'Pod', container: raw.prefix, timestamps: raw.timestamps };
        const print = (e: LogEvent): void => {
          if (e.type === 'line') process.stdout.write(formatLogLine(e, format) + '\n');
          else if (raw.follow && format.prefix)
            process.stderr.write(`${e.type === 'started' ? '+' : '-'} pod/${e.pod}/${e.container}${e.type === 'ended' ? ` (${e.why})` : ''}\n`);
        };
        const pending: LogEvent[] = [];
        // Lines that come while the session opens wait until the prefixes are known.
        let opened = false;
        const scrub = scrubbed(
          redact,
          (e) => (opened ? print(e) : pending.push(e)),
          (ref, err) => process.stderr.write(`pod/${ref.pod}: its lines are not printed: ${messageOf(err)}\n`),
        );
        const session = await openLogs(
          rt,
          {
            instance: eng.instance,
            ...selection,
            follow: raw.follow,
            tail,
            sinceSeconds: since === undefined ? undefined : Date.now() / 1000 - since,
          },
          scrub.onEvent,
        );
        const perPod = new Map<string, number>();
        for (const s of session.selected) perPod.set(s.pod, (perPod.get(s.pod) ?? 0) + 1);
        format = {
          ...format,
          prefix: format.prefix || perPod.size > 1 || [...perPod.values()].some((n) => n > 1),
          container: format.container || [...perPod.values()].some((n) => n > 1),
        };
        opened = true;
        pending.splice(0).forEach(print);
        const stop = (): void => session.close();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        // `berth logs -f ... | head`: the reader went away; stop quietly, as kubectl does.
        process.stdout.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' ? stop() : undefined));
        await session.done;
        await scrub.drained();
        return EXIT.ok;
      });
    }),
  );
}

function parseTail(text: string): number | undefined {
  if (!/^-?\d+$/.test(text)) throw new BerthError('E_USAGE', `invalid --tail "${text}"`, 'a number of lines; -1 for all');
  const n = Number(text);
  return n < 0 ? undefined : n;
}
