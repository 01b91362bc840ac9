import { openStore, type Store } from '../../src/store';
import { batchedLeaseAcquirer } from '../../src/store/lease-batch';
import { createTarget, DRIVERS, type StoreTarget } from './support';

describe.each(DRIVERS)('batched lease acquisition (%s)', (driver) => {
  let target: StoreTarget;
  let store: Store;

  beforeEach(async () => {
    target = await createTarget(driver);
    store = await openStore(target.config);
  });

  afterEach(async () => {
    await store.close();
    await target.destroy();
  });

  it('commits leases asked for together in one transaction, each with its own outcome', async () => {
    const transaction = jest.spyOn(store, 'transaction');
    const acquire = batchedLeaseAcquirer(store);

    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => acquire(`slack-request:sig-${i}`, `r1:${i}`, 60_000)),
    );

    expect(outcomes).toEqual(Array(20).fill(true));
    expect(transaction).toHaveBeenCalledTimes(1);
    expect(await store.getLease('slack-request:sig-7')).toMatchObject({ holder: 'r1:7' });
  });

  it('refuses the second sighting of a name, within one batch and in a later one', async () => {
    const acquire = batchedLeaseAcquirer(store);

    const together = await Promise.all([
      acquire('slack-request:same', 'r1:a', 60_000),
      acquire('slack-request:same', 'r1:b', 60_000),
    ]);
    const later = await acquire('slack-request:same', 'r2:c', 60_000);

    expect(together).toEqual([true, false]);
    expect(later).toBe(false);
  });

  it('fails every lease of a batch whose commit fails', async () => {
    jest.spyOn(store, 'transaction').mockRejectedValueOnce(new Error('disk full'));
    const acquire = batchedLeaseAcquirer(store);

    const outcomes = await Promise.allSettled([
      acquire('slack-request:x', 'r1:x', 60_000),
      acquire('slack-request:y', 'r1:y', 60_000),
    ]);

    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(await acquire('slack-request:x', 'r1:x2', 60_000)).toBe(true);
  });
});
