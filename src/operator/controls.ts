/**
 * What a person asked of the running operator, kept in `<state>/controls-<instance>.json`
 * so it survives a restart of berth: self-heal paused (Argo CD's "disable self heal"), and
 * the restarts asked for (model/restart.ts). Read once at start, written atomically.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { writeFileAtomic } from '../util';
import type { Restarts } from '../model';

export interface ControlsState {
  selfHealPaused: boolean;
  restarts: Record<string, string>;
}

export class OperatorControls {
  private state: ControlsState = { selfHealPaused: false, restarts: {} };

  private constructor(readonly file: string) {}

  static async open(stateDir: string, instance: string): Promise<OperatorControls> {
    const c = new OperatorControls(path.join(stateDir, `controls-${instance}.json`));
    try {
      const v = JSON.parse(await readFile(c.file, 'utf8')) as Partial<ControlsState>;
      c.state = { selfHealPaused: v.selfHealPaused === true, restarts: typeof v.restarts === 'object' && v.restarts ? { ...v.restarts } : {} };
    } catch {
      // none yet (or unreadable): nothing was asked
    }
    return c;
  }

  get selfHealPaused(): boolean {
    return this.state.selfHealPaused;
  }

  restarts(): Restarts {
    return this.state.restarts;
  }

  async setSelfHealPaused(paused: boolean): Promise<void> {
    this.state = { ...this.state, selfHealPaused: paused };
    await this.save();
  }

  /** Records a restart of `key` now; returns its time. */
  async restart(key: string, at: Date): Promise<string> {
    const iso = at.toISOString();
    this.state = { ...this.state, restarts: { ...this.state.restarts, [key]: iso } };
    await this.save();
    return iso;
  }

  private save(): Promise<void> {
    return writeFileAtomic(this.file, JSON.stringify(this.state, null, 2) + '\n');
  }
}
