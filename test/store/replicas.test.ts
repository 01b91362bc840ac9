import { openStore } from '../../src/store/open';
import type { Store } from '../../src/store/store';
import { DRIVERS, FakeClock, createTarget, newProposal, type StoreTarget } from './support';

// Two replicas = two Store instances (two pools, or two connections to the file) on one database.

describe.each(DRIVERS)('two Store instances on one %s database racing', (driver) => {
  let target: StoreTarget;
  let replicas: [Store, Store];
  const clock = new FakeClock();

  beforeAll(async () => {
    target = await createTarget(driver);
    replicas = [
      await openStore({ ...target.config, clock: clock.now }),
      await openStore({ ...target.config, clock: clock.now }),
    ];
  });

  afterAll(async () => {
    await Promise.all(replicas.map((store) => store.close()));
    await target.destroy();
  });

  /** `count` calls alternating between the two replicas, all started at once. */
  function race<T>(count: number, call: (store: Store, index: number) => Promise<T>): Promise<T[]> {
    return Promise.all(Array.from({ length: count }, (_unused, index) => call(replicas[index % 2], index)));
  }

  test('a proposal written by one replica is read by the other', async () => {
    const created = await replicas[0].createProposal(newProposal());
    expect(await replicas[1].getProposal(created.id)).toEqual(created);
  });

  test('20 approved→executing transitions split across both replicas: exactly one wins', async () => {
    const { id } = await replicas[0].createProposal(newProposal());
    await replicas[1].transition(id, ['proposed'], 'approved');
    const results = await race(20, (store) => store.transition(id, ['approved'], 'executing'));
    expect(results.filter((row) => row !== null)).toHaveLength(1);
    expect((await replicas[0].getProposal(id))?.version).toBe(3);
  });

  test('the same approver clicking on both replicas counts once; distinct approvers all count', async () => {
    const { id } = await replicas[0].createProposal(newProposal({ approvalsRequired: 3 }));
    await race(10, (store) => store.addApproval(id, 'U0ALICE'));
    await race(6, (store, index) => store.addApproval(id, `U0APPROVER${index % 3}`));
    const approvers = await replicas[1].listApprovers(id);
    expect([...approvers].sort()).toEqual(['U0ALICE', 'U0APPROVER0', 'U0APPROVER1', 'U0APPROVER2']);
  });

  test('a digest fire time is claimed by exactly one replica', async () => {
    const fireAt = new Date('2025-03-04T08:00:00.000Z');
    const claims = await race(10, (store, index) =>
      store.claimDigestRun('sub-1', fireAt, `replica-${index % 2}`),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  test('a lease is held by exactly one replica at a time', async () => {
    const won = await race(10, (store, index) =>
      store.acquireLease('coalesce:web-01', `replica-${index}`, 60_000),
    );
    expect(won.filter(Boolean)).toHaveLength(1);
  });
});
