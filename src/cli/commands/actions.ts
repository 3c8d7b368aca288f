/**
 * `berth sync` and `berth rollout restart NAME`: thin clients of a running `berth run`'s
 * actions (src/api/actions.ts). Exit codes as kubectl's: 0 done (the operator accepted it),
 * 1 refused, not found or no operator answering; 2 a usage error of berth itself.
 */
import { Option, type Command } from 'commander';
import { fetchWorkloads, postAction, type ClientAnswer } from '../../api';
import type { WorkloadRef } from '../../api';
import { readApiToken } from '../../api';
import { checkServerUrl, parseWorkloadArg } from '../../history';
import { BerthError, messageOf } from '../../util';
import { EXIT, type ExitCode } from '../exit';

type Run = (fn: () => Promise<ExitCode>) => void;

interface ClientRaw {
  server: string;
  tokenFile?: string;
}

function clientOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--server <url>', 'the running berth run').env('BERTH_SERVER').default('http://127.0.0.1:7070'))
    .addOption(new Option('--token-file <file>', 'the API token (berth run --api-token-file)').env('BERTH_API_TOKEN_FILE'));
}

function report(a: ClientAnswer): ExitCode {
  if (a.type === 'accepted') {
    process.stdout.write(`${a.message}\n`);
    return EXIT.ok;
  }
  process.stderr.write(`berth: ${a.type === 'refused' ? `refused (HTTP ${a.status}): ` : ''}${a.message}\n`);
  return EXIT.failed;
}

async function token(raw: ClientRaw): Promise<string | undefined> {
  return raw.tokenFile ? readApiToken(raw.tokenFile) : undefined;
}

export function registerSync(program: Command, run: Run): void {
  clientOptions(program.command('sync').description('ask a running berth run for a pass now (fetch, apply, repair drift)')).action((raw: ClientRaw) =>
    run(async () => report(await postAction(checkServerUrl(raw.server), '/api/v1/sync', {}, await token(raw)))),
  );
}

interface RestartRaw extends ClientRaw {
  namespace?: string;
  kind?: string;
}

/** Adds `restart` under the existing `rollout` command. */
export function registerRolloutRestart(program: Command, run: Run): void {
  const rollout = program.commands.find((c) => c.name() === 'rollout');
  if (!rollout) throw new Error('registerRolloutRestart: no rollout command');
  clientOptions(
    rollout.command('restart').description('replace every pod of NAME under its rollout strategy (a restartedAt annotation; kubectl rollout restart)'),
  )
    .argument('<name>', 'workload: NAME, deployment/NAME or statefulset/NAME')
    .option('-n, --namespace <ns>', 'namespace (default: wherever NAME is, if in one only)')
    .addOption(new Option('--kind <kind>', 'deployment or statefulset'))
    .action((name: string, raw: RestartRaw) =>
      run(async () => {
        const server = checkServerUrl(raw.server);
        const ref = parseWorkloadArg(name, raw);
        let target: WorkloadRef | undefined;
        try {
          target = await resolve(server, ref);
        } catch (err) {
          if (err instanceof BerthError) throw err;
          process.stderr.write(`berth: no berth answers at ${server}: ${messageOf(err)}\n`);
          return EXIT.failed;
        }
        if (!target) {
          process.stderr.write(
            `berth: no Deployment or StatefulSet "${ref.name}"${ref.namespace ? ` in namespace ${ref.namespace}` : ''} in what berth runs\n`,
          );
          return EXIT.failed;
        }
        return report(await postAction(server, '/api/v1/restart', { ...target }, await token(raw)));
      }),
    );
}

/** NAME (and maybe kind, namespace) -> the one workload the operator runs by that name (undefined: none). */
async function resolve(server: string, ref: { name: string; kind?: string; namespace?: string }): Promise<WorkloadRef | undefined> {
  if (ref.kind && ref.namespace) return { kind: ref.kind as WorkloadRef['kind'], namespace: ref.namespace, name: ref.name };
  const all = (await fetchWorkloads(server)).filter(
    (w) => w.kind !== 'Pod' && w.name === ref.name && (!ref.kind || w.kind === ref.kind) && (!ref.namespace || w.namespace === ref.namespace),
  );
  if (all.length === 1) return all[0]!;
  if (all.length === 0) return undefined;
  throw new BerthError(
    'E_USAGE',
    `"${ref.name}" names ${all.map((w) => `${w.kind} ${w.namespace}/${w.name}`).join(' and ')}`,
    'say which with -n NAMESPACE or KIND/NAME',
  );
}
