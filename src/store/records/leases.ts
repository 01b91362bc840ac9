import type { Db } from '../db';
import type { Lease, LeaseRecords } from '../store';

// Named leases: one holder at a time until it expires or is released.

interface LeaseRow {
  name: string;
  holder: string;
  expires_at: string;
  [column: string]: unknown;
}

export function leaseRecords(db: Db, clock: () => Date): LeaseRecords {
  return {
    async acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
      const now = clock();
      // One statement: a free or expired lease is taken, the holder's own lease is renewed, anyone else's stands.
      const rows = await db.query(
        `INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE leases.expires_at <= $4 OR leases.holder = excluded.holder
       RETURNING name`,
        [name, holder, new Date(now.getTime() + ttlMs).toISOString(), now.toISOString()],
      );
      return rows.length > 0;
    },

    async getLease(name: string): Promise<Lease | null> {
      const rows = await db.query<LeaseRow>('SELECT * FROM leases WHERE name = $1', [name]);
      return rows.length
        ? { name: rows[0].name, holder: rows[0].holder, expiresAt: rows[0].expires_at }
        : null;
    },

    async listLeases(prefix: string): Promise<Lease[]> {
      const rows = await db.query<LeaseRow>(
        'SELECT * FROM leases WHERE substr(name, 1, length(CAST($1 AS TEXT))) = CAST($1 AS TEXT) ORDER BY expires_at, name',
        [prefix],
      );
      return rows.map((row) => ({ name: row.name, holder: row.holder, expiresAt: row.expires_at }));
    },

    async deleteExpiredLeases(prefix: string): Promise<number> {
      const rows = await db.query(
        'DELETE FROM leases WHERE substr(name, 1, length(CAST($1 AS TEXT))) = CAST($1 AS TEXT) AND expires_at <= $2 RETURNING name',
        [prefix, clock().toISOString()],
      );
      return rows.length;
    },

    async releaseLease(name: string, holder: string): Promise<void> {
      await db.query('DELETE FROM leases WHERE name = $1 AND holder = $2', [name, holder]);
    },
  };
}
