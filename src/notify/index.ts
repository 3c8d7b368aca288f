/**
 * The composition of notifications: one queue per endpoint (webhooks, Slack, the forge's
 * status API), fed by one listener the operator calls for every outcome.
 */
import type { RevisionStatus } from '../audit';
import { statusDelivery, type CommitStatusConfig } from './commitStatus';
import { DeliveryQueue } from './queue';
import { eventName, type NotifySource, type OutcomeEvent, type OutcomeListener } from './types';
import { redactedUrl, webhookDelivery, type NotifyTarget } from './webhook';

export * from './types';
export { parseNotifyTarget, signature, SIGNATURE_HEADER, type NotifyTarget } from './webhook';
export { ownerRepoOf, type CommitStatusConfig, type Forge } from './commitStatus';

export interface NotifierOptions {
  source: NotifySource;
  targets: NotifyTarget[];
  /** HMAC secret of JSON webhooks (`--notify-secret-file`). */
  secret?: string;
  commitStatus?: CommitStatusConfig;
  log(msg: string, fields?: Record<string, unknown>): void;
  /** Retry tuning (tests). */
  firstBackoffMs?: number;
}

export class Notifier implements OutcomeListener {
  private readonly hooks: { target: NotifyTarget; queue: DeliveryQueue }[];
  private readonly statuses = new Map<string, DeliveryQueue>();

  constructor(private readonly opts: NotifierOptions) {
    this.hooks = opts.targets.map((target) => ({ target, queue: this.queue(target.url) }));
  }

  get active(): boolean {
    return this.hooks.length > 0 || this.opts.commitStatus !== undefined;
  }

  notify(e: OutcomeEvent): void {
    try {
      for (const h of this.hooks) h.queue.push(webhookDelivery(h.target, e, this.opts.source, this.opts.secret));
      const status = this.opts.commitStatus ? statusDelivery(this.opts.commitStatus, e, this.opts.source) : undefined;
      if (status) this.statusQueue(status.url).push(status.delivery);
    } catch (err) {
      this.opts.log('could not queue a notification', { event: eventName(e), error: (err as Error).message });
    }
  }

  /** At shutdown: give what is queued a moment to go out. */
  async drain(timeoutMs = 5000): Promise<void> {
    await Promise.all([...this.hooks.map((h) => h.queue), ...this.statuses.values()].map((q) => q.drain(timeoutMs)));
  }

  private statusQueue(url: string): DeliveryQueue {
    // One queue per commit: statuses of one commit stay in order, commits do not wait on each other.
    let q = this.statuses.get(url);
    if (!q) {
      q = this.queue(url);
      this.statuses.set(url, q);
      if (this.statuses.size > 200) this.statuses.delete(this.statuses.keys().next().value as string);
    }
    return q;
  }

  private queue(url: string): DeliveryQueue {
    return new DeliveryQueue({ url, name: redactedUrl(url), log: this.opts.log, firstBackoffMs: this.opts.firstBackoffMs });
  }
}

export function revisionEvent(
  rev: { sha: string; subject: string; author: string },
  o: { status: RevisionStatus; reason?: string; errors?: string[]; rollbackTo?: string; revertSha?: string },
): OutcomeEvent {
  return {
    type: 'revision',
    status: o.status,
    revision: { sha: rev.sha, subject: rev.subject, author: rev.author },
    reason: o.reason,
    errors: o.errors,
    rollbackTo: o.rollbackTo,
    revertSha: o.revertSha,
  };
}
