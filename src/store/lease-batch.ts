import type { Store } from './store';

interface Pending {
  name: string;
  holder: string;
  ttlMs: number;
  resolve: (acquired: boolean) => void;
  reject: (error: unknown) => void;
}

/**
 * Acquires leases asked for together in one transaction, so a burst of requests pays for one durable
 * commit instead of one each (a synchronous SQLite fsync per lease is what made 50 concurrent `/rdp`
 * wait). Each lease is still its own conditional statement, in arrival order, so the outcome of every
 * lease is exactly what `acquireLease` alone would give; when the commit fails, every lease in it fails.
 */
export function batchedLeaseAcquirer(
  store: Pick<Store, 'transaction'>,
): (name: string, holder: string, ttlMs: number) => Promise<boolean> {
  let waiting: Pending[] = [];
  let committing = false;

  const commit = async (): Promise<void> => {
    const batch = waiting;
    waiting = [];
    committing = true;
    try {
      const acquired = await store.transaction(async (tx) => {
        const outcomes: boolean[] = [];
        for (const lease of batch)
          outcomes.push(await tx.acquireLease(lease.name, lease.holder, lease.ttlMs));
        return outcomes;
      });
      batch.forEach((lease, i) => lease.resolve(acquired[i]));
    } catch (error) {
      for (const lease of batch) lease.reject(error);
    } finally {
      committing = false;
      // Leases asked for while this batch committed form the next one.
      if (waiting.length > 0) setImmediate(() => void commit());
    }
  };

  return (name, holder, ttlMs) =>
    new Promise<boolean>((resolve, reject) => {
      waiting.push({ name, holder, ttlMs, resolve, reject });
      // The first lease of a batch waits for the requests already read in this turn of the event loop.
      if (waiting.length === 1 && !committing) setImmediate(() => void commit());
    });
}
