import { HEALTHY_VM, sandboxAdmin, scenarios, type ArmBody } from '@rdp-doctor/azure-sandbox';
import type { CronEngine } from '../../src/digest/scheduler';
import { createLogger } from '../../src/logger';
import { openStore, type Store, type Watch, type WatchAlert } from '../../src/store';
import { WatchScheduler } from '../../src/watch/scheduler';
import type { AlertDetail, WatchPoster, WatchService } from '../../src/watch/service';
import { startFleetHarness, type FleetHarness } from '../digest/harness';
import { createTarget, type StoreTarget } from '../store/support';
import { denyRdpRule, nicNsgOf, watchService } from './support';

// A watch end to end against the sandbox through the real SDK: a change made through the sandbox's admin
// API shows in its activity log with its author, and the watch turns it into one alert, or into nothing.

const CHANNEL = 'C0WATCH01';

class RecordingPoster implements WatchPoster {
  readonly posted: { watch: Watch; detail: AlertDetail }[] = [];
  readonly updated: { alert: WatchAlert; detail: AlertDetail }[] = [];
  async postAlert(watch: Watch, detail: AlertDetail): Promise<string> {
    this.posted.push({ watch, detail });
    return `1700000000.${String(this.posted.length).padStart(6, '0')}`;
  }
  async updateAlert(alert: WatchAlert, detail: AlertDetail): Promise<void> {
    this.updated.push({ alert, detail });
  }
}

/** Fires every schedule registered on it with one scheduled time, the way every replica's cron fires. */
class HandEngine implements CronEngine {
  private readonly fires: ((at: Date) => void)[] = [];
  schedule(_expression: string, _timezone: string, fire: (at: Date) => void) {
    this.fires.push(fire);
    return { stop: () => undefined };
  }
  fireAll(at: Date): void {
    for (const fire of this.fires) fire(at);
  }
}

let h: FleetHarness;
let target: StoreTarget;
let store: Store;

function service(poster: WatchPoster, on: Store = store): WatchService {
  return watchService(h, { store: on, poster });
}

async function addWatch(watches: WatchService, on: Store = store): Promise<Watch> {
  const scope = { subscriptions: [h.sandbox.subscriptionId], resourceGroups: [], tags: [] };
  return on.createWatch({
    channel: CHANNEL,
    scope,
    sources: await watches.defaultSources(scope),
    createdBy: 'U0ALICE',
    cursor: new Date().toISOString(),
  });
}

const changeAs = (caller: string, name: string, rule: ArmBody) =>
  sandboxAdmin(h.sandbox).putSecurityRule({
    caller,
    nsgId: nicNsgOf(h.sandbox, HEALTHY_VM),
    name,
    rule,
  });

beforeAll(async () => {
  h = await startFleetHarness({ scenarios: scenarios.filter((s) => s.name === HEALTHY_VM) });
  target = await createTarget('postgres');
  store = await openStore(target.config);
});

afterAll(async () => {
  await store.close();
  await target.destroy();
  await h.sandbox.stop();
});

afterEach(async () => {
  for (const watch of await store.listWatches()) await store.deleteWatch(watch.id);
});

test('by default a watch listens from the sources the allow rules for 3389 name', async () => {
  const watch = await addWatch(service(new RecordingPoster()));
  expect(watch.sources).toEqual(['203.0.113.0/24']);
});

test('a hardening deny rule posts one alert naming the rule, its author and the cut-off VM, then recovered when it goes', async () => {
  const poster = new RecordingPoster();
  const watches = service(poster);
  const watch = await addWatch(watches);
  await watches.tick();

  const added = await changeAs('alice@contoso.com', 'Deny-RDP-Hardening', denyRdpRule(100));
  expect(added.status).toBe(201);
  // Within two ticks; the second tick must not post it again.
  await watches.tick();
  await watches.tick();
  expect(poster.posted).toHaveLength(1);
  const { detail } = poster.posted[0];
  expect(detail.what).toBe(
    'rule Deny-RDP-Hardening in NSG ' + nicNsgOf(h.sandbox, HEALTHY_VM).split('/').pop() + ' written',
  );
  expect(detail.change.caller).toBe('alice@contoso.com');
  expect(detail.machines.map((m) => m.name)).toEqual([HEALTHY_VM]);
  expect(detail.machines[0].sources).toEqual(['203.0.113.0/24']);
  expect((await store.listOpenWatchAlerts(watch.id)).map((a) => a.messageTs)).toEqual(['1700000000.000001']);

  const removed = await sandboxAdmin(h.sandbox).deleteSecurityRule({
    caller: 'bob@contoso.com',
    nsgId: nicNsgOf(h.sandbox, HEALTHY_VM),
    name: 'Deny-RDP-Hardening',
  });
  expect(removed.status).toBe(200);
  await watches.tick();
  expect(poster.updated).toHaveLength(1);
  expect(poster.updated[0].detail.recovery?.cause).toEqual({
    kind: 'change',
    what: expect.stringMatching(/^rule Deny-RDP-Hardening in NSG .* deleted$/),
    caller: 'bob@contoso.com',
    time: expect.any(String),
  });
  expect(await store.listOpenWatchAlerts(watch.id)).toEqual([]);
  expect(poster.posted).toHaveLength(1);
});

test('a change that cuts nobody off posts nothing', async () => {
  const poster = new RecordingPoster();
  const watches = service(poster);
  await addWatch(watches);
  await watches.tick();
  const allowWeb = {
    properties: { ...denyRdpRule(310).properties, access: 'Allow', destinationPortRange: '443' },
  };
  expect((await changeAs('carol@contoso.com', 'Allow-HTTPS', allowWeb)).status).toBe(201);
  await watches.tick();
  await watches.tick();
  expect(poster.posted).toEqual([]);
});

test('three replicas on PostgreSQL post one alert for one breaking change', async () => {
  const replicas = await Promise.all([0, 1, 2].map(() => openStore(target.config)));
  const poster = new RecordingPoster();
  const engine = new HandEngine();
  const schedulers = replicas.map(
    (replica, index) =>
      new WatchScheduler({
        store: replica,
        holder: `replica-${index}`,
        tick: () => service(poster, replica).tick(),
        logger: createLogger('silent'),
        engine,
      }),
  );
  for (const scheduler of schedulers) scheduler.start();
  try {
    await addWatch(service(poster));
    const tickAt = async (at: Date) => {
      engine.fireAll(at);
      await Promise.all(schedulers.map((scheduler) => scheduler.idle()));
    };
    await tickAt(new Date('2031-01-01T00:00:00Z'));
    expect((await changeAs('dave@contoso.com', 'Deny-RDP-Freeze', denyRdpRule(110))).status).toBe(201);
    await tickAt(new Date('2031-01-01T00:01:00Z'));
    await tickAt(new Date('2031-01-01T00:02:00Z'));
    expect(poster.posted.map((p) => p.detail.change.caller)).toEqual(['dave@contoso.com']);
  } finally {
    await Promise.all(schedulers.map((scheduler) => scheduler.stop()));
    await sandboxAdmin(h.sandbox).deleteSecurityRule({
      caller: 'dave@contoso.com',
      nsgId: nicNsgOf(h.sandbox, HEALTHY_VM),
      name: 'Deny-RDP-Freeze',
    });
    await Promise.all(replicas.map((replica) => replica.close()));
  }
});

test('a watch whose subscription cannot be read is reported, and the others still alert', async () => {
  const poster = new RecordingPoster();
  const watches = service(poster);
  const unreadable = '5a4db0c5-0000-4000-8000-00000000dead';
  await store.createWatch({
    channel: CHANNEL,
    scope: { subscriptions: [unreadable], resourceGroups: [], tags: [] },
    sources: ['203.0.113.0/24'],
    createdBy: 'U0ALICE',
    cursor: new Date().toISOString(),
  });
  const watch = await addWatch(watches);
  await watches.tick();
  expect((await changeAs('frank@contoso.com', 'Deny-RDP-Audit', denyRdpRule(120))).status).toBe(201);
  const ticked = await watches.tick();
  expect(ticked.failures.map((failure) => failure.watchId)).not.toContain(watch.id);
  expect(ticked.failures).toHaveLength(1);
  expect(poster.posted.map((p) => p.detail.change.caller)).toEqual(['frank@contoso.com']);
  await sandboxAdmin(h.sandbox).deleteSecurityRule({
    caller: 'frank@contoso.com',
    nsgId: nicNsgOf(h.sandbox, HEALTHY_VM),
    name: 'Deny-RDP-Audit',
  });
});
