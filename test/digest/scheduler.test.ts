import cron from 'node-cron';
import { createLogger } from '../../src/logger';
import { DigestScheduler, fireTime, nodeCronEngine, type CronEngine } from '../../src/digest/scheduler';
import { openStore, type DigestSubscription, type Store } from '../../src/store';
import { createTarget, type StoreTarget } from '../store/support';

// Three replicas share one PostgreSQL database, each with its own connection and scheduler, the way
// three app instances behind one Slack app would.

/** Fires schedules when the test says the time has come, using node-cron's own matching. */
class ManualCron implements CronEngine {
  private readonly entries = new Set<{ matches(date: Date): boolean; fire(date: Date): void }>();

  schedule(expression: string, timezone: string, fire: (scheduledAt: Date) => void) {
    const task = cron.createTask(expression, () => undefined, { timezone });
    const entry = { matches: (date: Date) => task.match(date), fire };
    this.entries.add(entry);
    return {
      stop: () => {
        this.entries.delete(entry);
        void task.destroy();
      },
    };
  }

  tick(at: Date): void {
    for (const entry of [...this.entries]) if (entry.matches(at)) entry.fire(at);
  }
}

const logger = createLogger('silent');
const newSubscription = (schedule: string) => ({
  channel: 'C0DIGEST01',
  schedule,
  timezone: 'Europe/Paris',
  scope: {},
  createdBy: 'U0ALICE',
});

describe('replicas sharing PostgreSQL', () => {
  let target: StoreTarget;
  let stores: Store[];

  beforeEach(async () => {
    target = await createTarget('postgres');
    stores = await Promise.all([0, 1, 2].map(() => openStore(target.config)));
  });
  afterEach(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await target.destroy();
  });

  function replica(
    store: Store,
    name: string,
    posts: { holder: string; id: string }[],
    engine: CronEngine,
    pollMs?: number,
  ) {
    return new DigestScheduler({
      store,
      holder: name,
      logger,
      engine,
      pollMs,
      deliver: async (subscription: DigestSubscription) => {
        posts.push({ holder: name, id: subscription.id });
      },
    });
  }

  test('three replicas, a schedule firing every minute for three minutes: exactly three posts', async () => {
    const subscription = await stores[0].createSubscription(newSubscription('* * * * *'));
    const posts: { holder: string; id: string }[] = [];
    const engines = [new ManualCron(), new ManualCron(), new ManualCron()];
    const schedulers = stores.map((store, i) => replica(store, `replica-${i}`, posts, engines[i]));
    await Promise.all(schedulers.map((s) => s.start()));

    for (const minute of [0, 1, 2]) {
      // Each replica's timer fires a little later than the last; all name the same scheduled minute.
      const at = new Date(Date.UTC(2026, 2, 4, 9, minute, 0));
      engines.forEach((engine, i) => engine.tick(new Date(at.getTime() + i * 150)));
    }
    await Promise.all(schedulers.map((s) => s.stop()));

    expect(posts).toHaveLength(3);
    expect(posts.every((post) => post.id === subscription.id)).toBe(true);
    const db = await target.openDb();
    try {
      const runs = await db.query<{ fire_at: string }>('SELECT fire_at FROM digest_runs ORDER BY fire_at');
      expect(runs.map((run) => run.fire_at)).toEqual([
        '2026-03-04T09:00:00.000Z',
        '2026-03-04T09:01:00.000Z',
        '2026-03-04T09:02:00.000Z',
      ]);
    } finally {
      await db.close();
    }
  });

  test('a restarted replica reloads the schedules, and changes on one replica reach the others by polling', async () => {
    const first = await stores[0].createSubscription(newSubscription('0 9 * * *'));
    const posts: { holder: string; id: string }[] = [];
    const a = replica(stores[0], 'replica-a', posts, new ManualCron(), 50);
    const b = replica(stores[1], 'replica-b', posts, new ManualCron(), 50);
    await Promise.all([a.start(), b.start()]);
    expect(b.scheduled()).toEqual([first.id]);

    const second = await stores[0].createSubscription(newSubscription('30 8 * * 1-5'));
    await a.reload();
    expect(a.scheduled().sort()).toEqual([first.id, second.id].sort());
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(b.scheduled().sort()).toEqual([first.id, second.id].sort());

    await stores[0].deleteSubscription(first.id);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(b.scheduled()).toEqual([second.id]);

    await b.stop();
    const restarted = replica(stores[2], 'replica-b', posts, new ManualCron(), 50);
    await restarted.start();
    expect(restarted.scheduled()).toEqual([second.id]);
    await Promise.all([a.stop(), restarted.stop()]);
  });

  test('a digest removed on another replica is not posted, even before the next reload', async () => {
    const subscription = await stores[0].createSubscription(newSubscription('* * * * *'));
    const posts: { holder: string; id: string }[] = [];
    const engine = new ManualCron();
    const scheduler = replica(stores[1], 'replica-b', posts, engine);
    await scheduler.start();
    await stores[0].deleteSubscription(subscription.id);
    engine.tick(new Date(Date.UTC(2026, 2, 4, 9, 0, 0)));
    await scheduler.stop();
    expect(posts).toEqual([]);
  });

  test('with node-cron and a per-second schedule, every second fired is posted once across the replicas', async () => {
    const subscription = await stores[0].createSubscription({
      ...newSubscription('* * * * * *'),
      timezone: 'UTC',
    });
    const posts: { holder: string; id: string }[] = [];
    const schedulers = stores.map((store, i) => replica(store, `replica-${i}`, posts, nodeCronEngine));
    await Promise.all(schedulers.map((s) => s.start()));
    await new Promise((resolve) => setTimeout(resolve, 3200));
    await Promise.all(schedulers.map((s) => s.stop()));

    const db = await target.openDb();
    try {
      const runs = await db.query('SELECT fire_at FROM digest_runs WHERE subscription_id = $1', [
        subscription.id,
      ]);
      expect(runs.length).toBeGreaterThanOrEqual(2);
      expect(posts).toHaveLength(runs.length);
    } finally {
      await db.close();
    }
  });
});

test('the claimed time is the scheduled minute, or the second for a six-field schedule', () => {
  expect(fireTime('0 9 * * *', new Date('2026-03-04T09:00:00.400Z')).toISOString()).toBe(
    '2026-03-04T09:00:00.000Z',
  );
  expect(fireTime('* * * * *', new Date('2026-03-04T09:01:02.000Z')).toISOString()).toBe(
    '2026-03-04T09:01:00.000Z',
  );
  expect(fireTime('*/5 * * * * *', new Date('2026-03-04T09:01:05.700Z')).toISOString()).toBe(
    '2026-03-04T09:01:05.000Z',
  );
});
