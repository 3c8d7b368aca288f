/**
 * `berth top pods|deployments`: the running operator's last samples of the engine's stats
 * (GET /api/v1/view), as `kubectl top`. Exit 0 with the table, 1 when no operator answers
 * or it has no sample yet (kubectl: "metrics not available yet").
 */
import { Option, type Command } from 'commander';
import type { DashboardSnapshot } from '../../api';
import { podRows, workloadRows, type TopRow } from '../../monitor';
import { checkServerUrl } from '../../history';
import { BerthError, messageOf } from '../../util';
import { EXIT, type ExitCode } from '../exit';
import { printTable } from '../table';

type Run = (fn: () => Promise<ExitCode>) => void;

const WHAT = ['pods', 'pod', 'po', 'deployments', 'deployment', 'deploy', 'workloads'] as const;

export function registerTop(program: Command, run: Run): void {
  program
    .command('top')
    .description('CPU, memory and restarts per pod or per workload, against the limits the manifests set (kubectl top)')
    .argument('<what>', 'pods | deployments (every workload: Deployments, StatefulSets, bare Pods)')
    .option('-n, --namespace <ns>', 'only this namespace')
    .addOption(new Option('--server <url>', 'the running berth run').env('BERTH_SERVER').default('http://127.0.0.1:7070'))
    .action((what: string, raw: { server: string; namespace?: string }) =>
      run(async () => {
        if (!(WHAT as readonly string[]).includes(what)) throw new BerthError('E_USAGE', `berth top ${what}: say pods or deployments`);
        const server = checkServerUrl(raw.server);
        let snap: DashboardSnapshot;
        try {
          const res = await fetch(`${server}/api/v1/view`, { signal: AbortSignal.timeout(10_000) });
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
          snap = (await res.json()) as DashboardSnapshot;
        } catch (err) {
          process.stderr.write(`berth: no berth answers at ${server}: ${messageOf(err)}\n`);
          return EXIT.failed;
        }
        const usage = snap.view.usage;
        if (usage.containers.length === 0) {
          process.stderr.write("berth: metrics not available yet (no sample of the engine's stats)\n");
          return EXIT.failed;
        }
        const pods = what.startsWith('po');
        const rows = (pods ? podRows(usage.containers) : workloadRows(usage.workloads)).filter((r) => !raw.namespace || r.namespace === raw.namespace);
        const cols: [string, (r: TopRow) => string][] = [
          ['NAMESPACE', (r) => r.namespace],
          ['NAME', (r) => r.name],
          ...(pods ? [] : ([['PODS', (r: TopRow) => r.pods ?? '']] as [string, (r: TopRow) => string][])),
          ['CPU(cores)', (r) => r.cpu],
          ['CPU%LIMIT', (r) => r.cpuOfLimit],
          ['MEMORY(bytes)', (r) => r.memory],
          ['MEMORY%LIMIT', (r) => r.memoryOfLimit],
          ['RESTARTS', (r) => r.restarts],
        ];
        printTable(rows, cols);
        return EXIT.ok;
      }),
    );
}
