/**
 * Why a pod with init containers is not running yet, for health and `berth get pods`: the
 * blocking init container's state, exit code, restarts and its last log lines (the message a
 * failing migration prints is what a person needs to see).
 */
import { containerOf } from '../observe';
import type { ObservedPod } from '../observe';
import type { PodSpec } from '../model';
import { describeBlock, initProgress } from '../plan';
import type { Runtime } from '../runtime';

/** Log lines of a failed init container quoted in the reason. */
export const INIT_LOG_LINES = 3;

export interface InitView {
  reason: string;
  restarts: number;
  /** Failed for good (restartPolicy Never). */
  exitCode?: number;
}

export async function initView(runtime: Runtime, spec: PodSpec, o: ObservedPod, redact: (text: string) => string): Promise<InitView | undefined> {
  if (spec.initContainers.length === 0) return undefined;
  const { blocked } = initProgress(spec, o);
  if (!blocked) return undefined;
  const c = (o.init ?? []).find((x) => containerOf(x) === blocked.container);
  if (!c || blocked.type === 'running' || blocked.type === 'missing') return { reason: describeBlock(blocked), restarts: 0 };
  const details = await runtime.inspectContainer(c.id).catch(() => undefined);
  const logs = await runtime.logs(c.id, INIT_LOG_LINES).catch(() => '');
  const exitCode = blocked.type === 'failed' ? blocked.exitCode : details?.exitCode;
  const block = blocked.type === 'restarting' && exitCode !== undefined ? { ...blocked, exitCode } : blocked;
  const tail = redact(lastLines(logs));
  const view: InitView = { reason: `${describeBlock(block)}${tail ? `: ${tail}` : ''}`, restarts: details?.restartCount ?? 0 };
  if (blocked.type === 'failed') view.exitCode = blocked.exitCode;
  return view;
}

/** The last non-empty log lines on one line, Docker's stream headers and colour codes gone. */
export function lastLines(logs: string): string {
  return (
    logs
      .split(/\r?\n/)
      // eslint-disable-next-line no-control-regex -- terminal colour codes
      .map((l) => l.replace(/\x1b\[[0-9;]*m/g, '').trim())
      .filter((l) => l.length > 0)
      .slice(-INIT_LOG_LINES)
      .join(' | ')
  );
}
