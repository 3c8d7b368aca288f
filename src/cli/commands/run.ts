import { Option, type Command } from 'commander';
import { proxyModeOption } from '../proxyMode';
import { resolveProxyModes, type ProxyModeOption } from '../../services';
import { createDockerRuntime } from '../../runtime';
import { createSwarmClient } from '../../runtime';
import { addEngineChoice, swarmMeshImage, usesSwarm, type EngineChoice } from '../swarmApply';
import { DEFAULT_POLL_SCHEDULE } from '../../triggers';
import { startOperator } from '../../operator';
import { createLogger, defaultLogFormat, LOG_FORMATS, type LogFormat } from '../../util';
import { addEngineOptions, addPolicyOptions, engineOptions, policyWithSecrets, type PolicyOptions } from '../options';
import { addPauseOptions, pauseOptions } from '../engine';
import { EXIT, type ExitCode } from '../exit';
import { describe, renderDescribed } from '../describe';
import { readApiToken } from '../../api';
import { addIngressOptions, ingressPorts, type IngressPortsRaw } from '../ingressOptions';
import { addNotifyOptions, notifyOptions, type NotifyRaw } from '../notifyOptions';

interface RunRaw extends PolicyOptions, IngressPortsRaw, NotifyRaw {
  repo: string;
  engine: EngineChoice;
  swarmMesh?: boolean;
  swarmMeshImage?: string;
  branch?: string;
  path?: string;
  instance: string;
  stateDir: string;
  listen: string;
  poll: string;
  webhookSecret?: string;
  selfHeal: boolean;
  prune: boolean;
  autoRollback: boolean;
  writeBack: boolean;
  resync: number;
  lbAddress: string;
  proxyMode: ProxyModeOption;
  pauseImage: string;
  pauseCommand?: string;
  apiTokenFile?: string;
  logFormat?: LogFormat;
}

export function registerRun(program: Command, run: (fn: () => Promise<ExitCode>) => void): void {
  const cmd = program
    .command('run')
    .description('follow a git branch: validate, apply and record every commit; repair drift between commits')
    .requiredOption('--repo <path-or-url>', 'local repository (working or bare) or URL (file://, ssh://, https://)')
    .option('--branch <name>', "branch to follow (default: the remote's default branch)")
    .option('--path <dir>', 'folder of the manifests inside the repository')
    .addOption(new Option('--listen <host:port>', 'HTTP address: dashboard, API, metrics, webhook').env('BERTH_LISTEN').default('127.0.0.1:7070'))
    .option('--poll <cron>', 'fetch schedule (6 fields, with seconds)', DEFAULT_POLL_SCHEDULE)
    .addOption(new Option('--webhook-secret <secret>', 'check webhook signatures (GitHub, Gitea) or token (GitLab)').env('BERTH_WEBHOOK_SECRET'))
    .option('--no-self-heal', 'do not repair drift between commits')
    .option('--no-prune', 'keep objects of this instance that no manifest declares')
    .option('--no-auto-rollback', 'leave a failed revision in place instead of rolling back')
    .option('--write-back', 'after a rollback, push a revert commit and the notes', false)
    .option('--lb-address <ip>', 'host address of LoadBalancer Service listeners', '0.0.0.0')
    .addOption(
      new Option('--log-format <format>', 'log lines: pretty for people, json for machines (default: pretty on a terminal, else json)')
        .choices(LOG_FORMATS)
        .env('BERTH_LOG_FORMAT'),
    )
    .addOption(proxyModeOption())
    .option('--resync <seconds>', 'time between passes when nothing happens', (v) => Number(v), 30)
    .addOption(
      new Option('--api-token-file <file>', 'actions (sync, rollback, restart, self-heal) need this token; without it they are refused beyond loopback').env(
        'BERTH_API_TOKEN_FILE',
      ),
    );
  addEngineChoice(addNotifyOptions(addIngressOptions(addPauseOptions(addEngineOptions(addPolicyOptions(cmd)))))).action((raw: RunRaw) =>
    run(async () => {
      const eng = engineOptions(raw);
      const notifications = await notifyOptions(raw, raw.repo);
      const log = createLogger({ instance: eng.instance, format: raw.logFormat ?? defaultLogFormat(process.stderr) });
      const runtime = createDockerRuntime();
      await runtime.ping();
      const swarm = (await usesSwarm(raw.engine)) ? createSwarmClient() : undefined;
      await swarm?.ensureManager();
      const op = await startOperator(
        runtime,
        {
          repo: raw.repo,
          branch: raw.branch,
          path: raw.path,
          ...eng,
          listen: raw.listen,
          poll: raw.poll,
          webhookSecret: raw.webhookSecret,
          selfHeal: raw.selfHeal,
          prune: raw.prune,
          autoRollback: raw.autoRollback,
          writeBack: raw.writeBack,
          resyncMs: raw.resync * 1000,
          ...pauseOptions(raw),
          policy: await policyWithSecrets(raw, 'refuse'),
          lbAddress: raw.lbAddress,
          ingressPorts: ingressPorts(raw),
          ...(raw.apiTokenFile ? { apiToken: await readApiToken(raw.apiTokenFile) } : {}),
          notifications,
          proxyModes: await resolveProxyModes(raw.proxyMode),
          describer: { describe: (req, now, known) => describe(runtime, eng, req, now, known), render: renderDescribed },
          ...(swarm ? { swarm, swarmMeshImage: await swarmMeshImage(raw) } : {}),
        },
        log,
      );
      process.stderr.write(`berth: following ${raw.repo}; dashboard and API at ${op.url}/\n`);
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          log.info({ signal }, 'stopping; the apps keep running');
          op.stop().then(resolve, resolve);
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
      return EXIT.ok;
    }),
  );
}
