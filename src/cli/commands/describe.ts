/**
 * `berth describe KIND/NAME` (or `KIND NAME`): a Deployment, StatefulSet, Pod or Service as
 * `kubectl describe` shows it: conditions, pods, containers, probes, endpoints, events. What
 * it can know and cannot is in docs/cli.md (cli/describe/events.ts lists the sources).
 */
import { Argument, type Command } from 'commander';
import { describe, renderDescribed, type DescribeKind } from '../describe';
import { BerthError } from '../../util';
import { kindNamed, OBJECT_NAME } from '../../model';
import { addEngineOptions, engineOptions } from '../options';
import { withEngine } from '../engine';
import { EXIT, type ExitCode } from '../exit';

const DESCRIBED_KINDS: readonly DescribeKind[] = ['Deployment', 'StatefulSet', 'DaemonSet', 'Pod', 'Service'];

/** `deployment/web`, or `deployment web`. Pure. */
export function parseDescribeArgs(first: string, second?: string): { kind: DescribeKind; name: string } {
  const [kindText, name] =
    second !== undefined ? [first, second] : first.includes('/') ? [first.slice(0, first.indexOf('/')), first.slice(first.indexOf('/') + 1)] : [first, ''];
  const kind = kindNamed(kindText, DESCRIBED_KINDS);
  if (!kind)
    throw new BerthError('E_USAGE', `cannot describe "${kindText}"`, 'name deployment/NAME, statefulset/NAME, daemonset/NAME, pod/NAME or service/NAME');
  if (!OBJECT_NAME.test(name)) throw new BerthError('E_USAGE', name ? `invalid name "${name}"` : `which ${kindText}? name it: ${kindText}/NAME`);
  return { kind, name };
}

export function registerDescribe(program: Command, run: (fn: () => Promise<ExitCode>) => void): void {
  const cmd = program
    .command('describe')
    .description('show a deployment, statefulset, daemonset, pod or service in detail: conditions, pods, probes, endpoints, events')
    .addArgument(new Argument('<kind/name>', 'deployment/NAME, statefulset/NAME, daemonset/NAME, pod/NAME or service/NAME'))
    .addArgument(new Argument('[name]', 'the name, when the kind is given alone (kubectl describe pod NAME)'))
    .option('-n, --namespace <ns>', 'namespace', 'default');
  addEngineOptions(cmd).action((first: string, second: string | undefined, raw: { instance: string; stateDir: string; namespace: string }) =>
    run(async () => {
      const eng = engineOptions(raw);
      const { kind, name } = parseDescribeArgs(first, second);
      const d = await withEngine(eng, 'describe', false, (rt) => describe(rt, eng, { kind, namespace: raw.namespace, name }, Date.now()));
      process.stdout.write(renderDescribed(d, Date.now()));
      return EXIT.ok;
    }),
  );
}
