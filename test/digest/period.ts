import type { Store } from '../../src/store';

/** A store with nothing in the digest's period: no diagnoses, no proposals. */
export function emptyPeriod(): Pick<Store, 'listSnapshotsSince' | 'listProposalsSince'> {
  return { listSnapshotsSince: async () => [], listProposalsSince: async () => [] };
}
