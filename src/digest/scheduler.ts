import cron from 'node-cron';
import type { Logger } from '../logger';
import type { DigestSubscription, Store } from '../store';

// Every replica schedules every digest subscription; when one fires, the replicas race to claim that
// scheduled time in the store and only the winner builds and posts the digest, so N replicas post once.
// The schedules come from the store at start and again every minute, so a replica that restarts picks
// them all up, and a digest added or removed on one replica reaches the others within the minute.

/** What fires the schedules: node-cron in the app, a hand-driven clock in tests. */
export interface CronEngine {
  /** Calls `fire` with the scheduled time (not the time it ran) whenever `expression` matches in `timezone`. */
  schedule(expression: string, timezone: string, fire: (scheduledAt: Date) => void): { stop(): void };
}

export const nodeCronEngine: CronEngine = {
  schedule(expression, timezone, fire) {
    const task = cron.schedule(expression, (context) => fire(context.date), { timezone });
    return { stop: () => void task.destroy() };
  },
};

export interface DigestSchedulerOptions {
  store: Pick<Store, 'listSubscriptions' | 'getSubscription' | 'claimDigestRun'>;
  /** This replica, as the claims name it. */
  holder: string;
  deliver(subscription: DigestSubscription): Promise<unknown>;
  logger: Logger;
  engine?: CronEngine;
  /** How often schedules are reloaded from the store (default one minute). */
  pollMs?: number;
}

interface Scheduled {
  /** Schedule and zone: a change to either reschedules. */
  key: string;
  stop(): void;
}

/**
 * The scheduled time a claim names: the minute for 5-field schedules, the second for 6-field ones, so
 * replicas whose clocks differ by a little still claim the same run.
 */
export function fireTime(expression: string, scheduledAt: Date): Date {
  const resolution = expression.trim().split(/\s+/).length === 6 ? 1000 : 60_000;
  return new Date(Math.floor(scheduledAt.getTime() / resolution) * resolution);
}

export class DigestScheduler {
  private readonly tasks = new Map<string, Scheduled>();
  private readonly running = new Set<Promise<void>>();
  private readonly engine: CronEngine;
  private poller: NodeJS.Timeout | undefined;

  constructor(private readonly options: DigestSchedulerOptions) {
    this.engine = options.engine ?? nodeCronEngine;
  }

  async start(): Promise<void> {
    await this.reload();
    this.poller = setInterval(() => {
      this.reload().catch((err: unknown) =>
        this.options.logger.warn({ err }, 'reloading digest schedules failed'),
      );
    }, this.options.pollMs ?? 60_000);
    this.poller.unref();
  }

  /** Stops every schedule and waits for the digests being posted. */
  async stop(): Promise<void> {
    clearInterval(this.poller);
    for (const task of this.tasks.values()) task.stop();
    this.tasks.clear();
    await Promise.allSettled([...this.running]);
  }

  /** Brings the schedules in line with the store: new ones scheduled, changed ones rescheduled, gone ones stopped. */
  async reload(): Promise<void> {
    const subscriptions = await this.options.store.listSubscriptions();
    const current = new Set<string>();
    for (const subscription of subscriptions) {
      current.add(subscription.id);
      const key = `${subscription.schedule}|${subscription.timezone}`;
      const existing = this.tasks.get(subscription.id);
      if (existing?.key === key) continue;
      existing?.stop();
      this.tasks.delete(subscription.id);
      try {
        const task = this.engine.schedule(subscription.schedule, subscription.timezone, (scheduledAt) =>
          this.fire(subscription.id, subscription.schedule, scheduledAt),
        );
        this.tasks.set(subscription.id, { key, stop: task.stop });
      } catch (err) {
        this.options.logger.error(
          { err, subscriptionId: subscription.id, schedule: subscription.schedule },
          'a digest schedule in the store is not valid; remove the digest and add it again',
        );
      }
    }
    for (const [id, task] of this.tasks) {
      if (current.has(id)) continue;
      task.stop();
      this.tasks.delete(id);
    }
  }

  /** The subscriptions this replica has scheduled. */
  scheduled(): string[] {
    return [...this.tasks.keys()];
  }

  private fire(subscriptionId: string, expression: string, scheduledAt: Date): void {
    const run = this.claimAndDeliver(subscriptionId, fireTime(expression, scheduledAt)).catch(
      (err: unknown) => this.options.logger.error({ err, subscriptionId }, 'scheduled digest failed'),
    );
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  private async claimAndDeliver(subscriptionId: string, fireAt: Date): Promise<void> {
    const { store, holder, deliver, logger } = this.options;
    // Removed on another replica since the last reload: nothing to post.
    const subscription = await store.getSubscription(subscriptionId);
    if (!subscription) return;
    if (!(await store.claimDigestRun(subscriptionId, fireAt, holder))) return;
    logger.info({ subscriptionId, fireAt: fireAt.toISOString() }, 'posting scheduled digest');
    await deliver(subscription);
  }
}
