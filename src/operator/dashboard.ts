/**
 * The dashboard's feed (wiring): remembers the applier's last look at the engine, builds
 * the application view and the revisions on demand, and tells the event stream whenever
 * something shown may have moved.
 */
import type { StatusSnapshot } from '../api';
import { SnapshotStream } from '../api';
import { buildAppView, type Look } from '../api';
import type { AppView, DashboardSnapshot } from '../api';
import type { HistoryJson } from '../audit';
import type { ProgressStore } from '../rollout';
import type { OperatorControls } from './controls';
import type { ContainerUsage } from '../monitor';

/** Revisions the page shows (newest first). */
const REVISIONS = 50;

export interface FeedDeps {
  status(): StatusSnapshot;
  revisions(limit: number): Promise<HistoryJson[]>;
  progress: ProgressStore;
  controls: OperatorControls;
  selfHeal: boolean;
  actions: AppView['actions'];
  onError(err: unknown): void;
  /** The last samples of the engine's stats. */
  usage(): readonly ContainerUsage[];
  now?: () => number;
}

export class DashboardFeed {
  private look: Look | undefined;
  readonly stream: SnapshotStream<DashboardSnapshot>;

  constructor(private readonly deps: FeedDeps) {
    this.stream = new SnapshotStream(() => this.snapshot(), { onError: deps.onError });
  }

  /** The applier's onViews: what it just saw. */
  saw(look: Look): void {
    this.look = look;
    this.stream.changed();
  }

  changed(): void {
    this.stream.changed();
  }

  lastLook(): Look | undefined {
    return this.look;
  }

  async snapshot(): Promise<DashboardSnapshot> {
    const [revisions, progress] = await Promise.all([this.deps.revisions(REVISIONS), this.deps.progress.load()]);
    const view = buildAppView({
      status: this.deps.status(),
      ...(this.look ? { look: this.look } : {}),
      ...(progress ? { progress } : {}),
      selfHeal: { enabled: this.deps.selfHeal, paused: this.deps.controls.selfHealPaused },
      actions: this.deps.actions,
      restarts: { ...this.deps.controls.restarts() },
      usage: this.deps.usage(),
      now: (this.deps.now ?? Date.now)(),
    });
    return { view, revisions };
  }

  close(): void {
    this.stream.close();
  }
}
