/** Opening the engine for a command: one place for the runtime, the ping and the lock. */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { Option, type Command } from 'commander';
import { createDockerRuntime, type Runtime } from '../runtime';
import { acquireInstanceLock } from '../state';
import { DEFAULT_PAUSE_IMAGE } from '../plan';
import type { EngineOptions } from './options';
import { loadManifests } from '../manifests';

export interface PauseOptions {
  pauseImage: string;
  pauseCommand?: string[];
}

export function addPauseOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--pause-image <image>', 'infra container image of multi-container pods').env('BERTH_PAUSE_IMAGE').default(DEFAULT_PAUSE_IMAGE))
    .addOption(
      new Option('--pause-command <cmd>', 'command of the infra container, when the image has none (e.g. "sleep 2147483647")').env('BERTH_PAUSE_COMMAND'),
    );
}

export function pauseOptions(raw: { pauseImage: string; pauseCommand?: string }): PauseOptions {
  return { pauseImage: raw.pauseImage, ...(raw.pauseCommand ? { pauseCommand: raw.pauseCommand.split(/\s+/).filter(Boolean) } : {}) };
}

/** Runs `fn` with a reachable engine, holding the instance lock when `lock` is set. */
export async function withEngine<T>(opts: EngineOptions, command: string, lock: boolean, fn: (rt: Runtime) => Promise<T>): Promise<T> {
  const runtime = createDockerRuntime();
  await runtime.ping();
  const held = lock ? await acquireInstanceLock(opts.stateDir, opts.instance, command) : undefined;
  try {
    return await fn(runtime);
  } finally {
    await held?.release();
  }
}

/**
 * `berth apply` on a plain directory has no commit: the revision label is a content hash of
 * the manifest files (sha1, 40 hex like a commit sha), so the same files give the same label.
 */
export async function contentRevision(dir: string): Promise<string> {
  const loaded = await loadManifests(dir);
  const h = createHash('sha1');
  const files = [...new Set(loaded.docs.map((d) => d.file))].sort();
  for (const f of files)
    h.update(f)
      .update('\0')
      .update(await readFile(path.join(dir, f)))
      .update('\0');
  return h.digest('hex');
}
