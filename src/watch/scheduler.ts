import { fireTime, nodeCronEngine, type CronEngine } from '../digest/scheduler';
import type { Logger } from '../logger';
import type { Store } from '../store';
import type { CheckResult } from './service';

// Every replica schedules the watch tick; the replicas race to claim each tick's time in the store and only
// the winner reads the activity log, so N replicas look once per tick (the digest scheduler's claim).

export interface WatchSchedulerOptions {
  store: Pick<Store, 'claimWatchTick' | 'listWatches'>;
  /** This replica, as the claims name it. */
  holder: string;
  tick(): Promise<CheckResult & { failures: { watchId: string; error: unknown }[] }>;
  logger: Logger;
  engine?: CronEngine;
  /** When ticks fire (default every minute); tests use a 6-field, per-second expression. */
  expression?: string;
}

export class WatchScheduler {
  private task: { stop(): void } | undefined;
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly options: WatchSchedulerOptions) {}

  start(): void {
    const expression = this.options.expression ?? '* * * * *';
    const engine = this.options.engine ?? nodeCronEngine;
    this.task = engine.schedule(expression, 'UTC', (scheduledAt) => {
      const run = this.claimAndTick(fireTime(expression, scheduledAt)).catch((err: unknown) =>
        this.options.logger.error({ err }, 'watch tick failed'),
      );
      this.running.add(run);
      void run.finally(() => this.running.delete(run));
    });
  }

  /** Waits for the tick in flight. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }

  /** Stops ticking and waits for the tick in flight. */
  async stop(): Promise<void> {
    this.task?.stop();
    await this.idle();
  }

  private async claimAndTick(fireAt: Date): Promise<void> {
    // Without a watch there is nothing to look at and nothing to claim: idle replicas write nothing.
    if ((await this.options.store.listWatches()).length === 0) return;
    if (!(await this.options.store.claimWatchTick(fireAt, this.options.holder))) return;
    const { failures, flowFailures, ...result } = await this.options.tick();
    for (const { watchId, error } of failures) {
      this.options.logger.error({ err: error, watchId }, 'a watch could not look at its scope this tick');
    }
    if (flowFailures.length > 0) {
      // The tick went on with the rules' own verdict; repeated, it means Network Watcher needs a look.
      this.options.logger.warn(
        { fireAt: fireAt.toISOString(), flowFailures },
        'IP flow verify did not answer; the watch judged those machines from their NSG rules',
      );
    }
    if (result.alerts > 0 || result.recoveries > 0 || result.started > 0) {
      this.options.logger.info({ fireAt: fireAt.toISOString(), ...result }, 'watch tick');
    }
  }
}
