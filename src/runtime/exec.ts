/**
 * Running a command in a container under a deadline. The engine side is reduced to a
 * structural ExecSession so this module needs no dockerode.
 */
import { BerthError } from '../util';
import { sleep } from '../util';
import { collectDemuxed } from './engineStreams';
import type { ExecResult } from './types';

export interface ExecSession {
  /** Starts the command, attached: the multiplexed stdout+stderr stream. */
  start(): Promise<NodeJS.ReadableStream>;
  inspect(): Promise<{ Running: boolean; ExitCode: number | null }>;
}

/**
 * Runs `fn` with an AbortSignal that fires at the deadline; at that moment the returned
 * promise rejects with `onTimeout()`, whatever `fn` is still doing.
 */
export async function withDeadline<T>(timeoutMs: number, onTimeout: () => BerthError, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(onTimeout());
    }, timeoutMs);
  });
  try {
    return await Promise.race([fn(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export function execTimeout(container: string, cmd: string[], timeoutMs: number): BerthError {
  return new BerthError(
    'E_TIMEOUT',
    `exec ${JSON.stringify(cmd)} in container "${container}" did not finish within ${timeoutMs} ms`,
    'the command may still run inside the container: the Docker API cannot kill an exec',
  );
}

/** Output (demultiplexed, at most `limit` bytes) and exit code of a started exec. */
export async function runExecSession(session: ExecSession, signal: AbortSignal, limit: number): Promise<ExecResult> {
  const output = await collectDemuxed(await session.start(), limit, signal);
  // The stream can end a moment before the engine records the exit code.
  for (;;) {
    const info = await session.inspect();
    if (!info.Running && info.ExitCode !== null && info.ExitCode !== undefined) return { exitCode: info.ExitCode, output };
    if (signal.aborted) throw new Error('aborted');
    await sleep(20);
  }
}
