import type { Db } from './db';
import { auditRecords } from './records/audit';
import { diagnosisRunRecords } from './records/diagnosis-runs';
import { digestRecords } from './records/digest-subscriptions';
import { leaseRecords } from './records/leases';
import { proposalRecords } from './records/proposals';
import { snapshotRecords } from './records/snapshots';
import { watchRecords } from './records/watches';
import type { Store, StoreRecords } from './store';

// The Store over one database: each kind of record has its module under records/, and every query there
// runs unchanged on SQLite and PostgreSQL.

function records(db: Db, clock: () => Date): StoreRecords {
  return {
    ...proposalRecords(db, clock),
    ...auditRecords(db, clock),
    ...digestRecords(db, clock),
    ...watchRecords(db, clock),
    ...snapshotRecords(db, clock),
    ...diagnosisRunRecords(db, clock),
    ...leaseRecords(db, clock),
  };
}

export function sqlStore(db: Db, clock: () => Date): Store {
  return {
    ...records(db, clock),
    transaction: (work) => db.transaction((tx) => work(records(tx, clock))),
    close: () => db.close(),
  };
}
