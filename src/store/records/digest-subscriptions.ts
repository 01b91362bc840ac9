import { randomUUID } from 'node:crypto';
import type { Db, SqlValue } from '../db';
import type {
  DigestRecords,
  DigestSubscription,
  DigestSubscriptionPatch,
  JsonObject,
  NewDigestSubscription,
} from '../store';

// Channels' digest subscriptions, and the one claim per scheduled run that keeps N replicas to one digest.

interface SubscriptionRow {
  id: string;
  channel: string;
  schedule: string;
  timezone: string;
  scope: string;
  created_by: string;
  created_at: string;
  last_report: string | null;
  [column: string]: unknown;
}

function toSubscription(row: SubscriptionRow): DigestSubscription {
  return {
    id: row.id,
    channel: row.channel,
    schedule: row.schedule,
    timezone: row.timezone,
    scope: JSON.parse(row.scope) as JsonObject,
    createdBy: row.created_by,
    createdAt: row.created_at,
    lastReport: row.last_report === null ? null : (JSON.parse(row.last_report) as JsonObject),
  };
}

export function digestRecords(db: Db, clock: () => Date): DigestRecords {
  const stamp = () => clock().toISOString();
  const records: DigestRecords = {
    async createSubscription(subscription: NewDigestSubscription): Promise<DigestSubscription> {
      const rows = await db.query<SubscriptionRow>(
        `INSERT INTO digest_subscriptions (id, channel, schedule, timezone, scope, created_by, created_at, last_report)
         VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)
         RETURNING *`,
        [
          randomUUID(),
          subscription.channel,
          subscription.schedule,
          subscription.timezone,
          JSON.stringify(subscription.scope),
          subscription.createdBy,
          stamp(),
        ],
      );
      return toSubscription(rows[0]);
    },

    async getSubscription(id: string): Promise<DigestSubscription | null> {
      const rows = await db.query<SubscriptionRow>('SELECT * FROM digest_subscriptions WHERE id = $1', [id]);
      return rows.length ? toSubscription(rows[0]) : null;
    },

    async listSubscriptions(channel?: string): Promise<DigestSubscription[]> {
      const rows =
        channel === undefined
          ? await db.query<SubscriptionRow>('SELECT * FROM digest_subscriptions ORDER BY created_at, id')
          : await db.query<SubscriptionRow>(
              'SELECT * FROM digest_subscriptions WHERE channel = $1 ORDER BY created_at, id',
              [channel],
            );
      return rows.map(toSubscription);
    },

    async updateSubscription(id: string, patch: DigestSubscriptionPatch): Promise<DigestSubscription | null> {
      const params: SqlValue[] = [id];
      const sets: string[] = [];
      const set = (column: string, value: SqlValue) => {
        params.push(value);
        sets.push(`${column} = $${params.length}`);
      };
      if (patch.schedule !== undefined) set('schedule', patch.schedule);
      if (patch.timezone !== undefined) set('timezone', patch.timezone);
      if (patch.scope !== undefined) set('scope', JSON.stringify(patch.scope));
      if (patch.lastReport !== undefined) {
        set('last_report', patch.lastReport === null ? null : JSON.stringify(patch.lastReport));
      }
      if (!sets.length) return records.getSubscription(id);
      const rows = await db.query<SubscriptionRow>(
        `UPDATE digest_subscriptions SET ${sets.join(', ')} WHERE id = $1 RETURNING *`,
        params,
      );
      return rows.length ? toSubscription(rows[0]) : null;
    },

    async deleteSubscription(id: string): Promise<boolean> {
      const rows = await db.query('DELETE FROM digest_subscriptions WHERE id = $1 RETURNING id', [id]);
      return rows.length > 0;
    },

    async claimDigestRun(subscriptionId: string, fireAt: Date, holder: string): Promise<boolean> {
      const rows = await db.query(
        `INSERT INTO digest_runs (subscription_id, fire_at, claimed_by, claimed_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (subscription_id, fire_at) DO NOTHING
         RETURNING subscription_id`,
        [subscriptionId, fireAt.toISOString(), holder, stamp()],
      );
      return rows.length > 0;
    },
  };
  return records;
}
