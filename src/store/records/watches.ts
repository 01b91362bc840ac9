import { randomUUID } from 'node:crypto';
import type { Db } from '../db';
import type { JsonObject, NewWatch, NewWatchAlert, Watch, WatchAlert, WatchRecords } from '../store';

// Channels' watches with their activity-log cursor, the one claim per tick that keeps N replicas to one
// read of the activity log, and one alert row per change so a change is posted once however it arrives.

interface WatchRow {
  id: string;
  channel: string;
  scope: string;
  sources: string;
  cursor: string;
  reachable: string | null;
  created_by: string;
  created_at: string;
  [column: string]: unknown;
}

interface AlertRow {
  watch_id: string;
  change_id: string;
  channel: string;
  cut_off: string;
  detail: string;
  message_ts: string | null;
  state: string;
  created_at: string;
  [column: string]: unknown;
}

function toWatch(row: WatchRow): Watch {
  return {
    id: row.id,
    channel: row.channel,
    scope: JSON.parse(row.scope) as JsonObject,
    sources: JSON.parse(row.sources) as string[],
    cursor: row.cursor,
    reachable: row.reachable === null ? null : (JSON.parse(row.reachable) as string[]),
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

function toAlert(row: AlertRow): WatchAlert {
  return {
    watchId: row.watch_id,
    changeId: row.change_id,
    channel: row.channel,
    cutOff: JSON.parse(row.cut_off) as string[],
    detail: JSON.parse(row.detail) as JsonObject,
    messageTs: row.message_ts,
    state: row.state === 'recovered' ? 'recovered' : 'open',
    createdAt: row.created_at,
  };
}

export function watchRecords(db: Db, clock: () => Date): WatchRecords {
  const stamp = () => clock().toISOString();
  return {
    async createWatch(watch: NewWatch): Promise<Watch> {
      const rows = await db.query<WatchRow>(
        `INSERT INTO watches (id, channel, scope, sources, cursor, reachable, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, NULL, $6, $7)
         RETURNING *`,
        [
          randomUUID(),
          watch.channel,
          JSON.stringify(watch.scope),
          JSON.stringify(watch.sources),
          watch.cursor,
          watch.createdBy,
          stamp(),
        ],
      );
      return toWatch(rows[0]);
    },

    async listWatches(channel?: string): Promise<Watch[]> {
      const rows =
        channel === undefined
          ? await db.query<WatchRow>('SELECT * FROM watches ORDER BY created_at, id')
          : await db.query<WatchRow>('SELECT * FROM watches WHERE channel = $1 ORDER BY created_at, id', [
              channel,
            ]);
      return rows.map(toWatch);
    },

    async deleteWatch(id: string): Promise<boolean> {
      const rows = await db.query('DELETE FROM watches WHERE id = $1 RETURNING id', [id]);
      return rows.length > 0;
    },

    async advanceWatch(id: string, cursor: string, reachable: string[]): Promise<Watch | null> {
      const rows = await db.query<WatchRow>(
        'UPDATE watches SET cursor = $2, reachable = $3 WHERE id = $1 RETURNING *',
        [id, cursor, JSON.stringify(reachable)],
      );
      return rows.length ? toWatch(rows[0]) : null;
    },

    async claimWatchTick(fireAt: Date, holder: string): Promise<boolean> {
      const rows = await db.query(
        `INSERT INTO watch_ticks (fire_at, claimed_by, claimed_at) VALUES ($1, $2, $3)
         ON CONFLICT (fire_at) DO NOTHING
         RETURNING fire_at`,
        [fireAt.toISOString(), holder, stamp()],
      );
      return rows.length > 0;
    },

    async claimWatchAlert(alert: NewWatchAlert): Promise<boolean> {
      const rows = await db.query(
        `INSERT INTO watch_alerts (watch_id, change_id, channel, cut_off, detail, message_ts, state, created_at)
         VALUES ($1, $2, $3, $4, $5, NULL, 'open', $6)
         ON CONFLICT (watch_id, change_id) DO NOTHING
         RETURNING change_id`,
        [
          alert.watchId,
          alert.changeId,
          alert.channel,
          JSON.stringify(alert.cutOff),
          JSON.stringify(alert.detail),
          stamp(),
        ],
      );
      return rows.length > 0;
    },

    async setWatchAlertMessage(watchId: string, changeId: string, messageTs: string): Promise<void> {
      await db.query('UPDATE watch_alerts SET message_ts = $3 WHERE watch_id = $1 AND change_id = $2', [
        watchId,
        changeId,
        messageTs,
      ]);
    },

    async listOpenWatchAlerts(watchId: string): Promise<WatchAlert[]> {
      const rows = await db.query<AlertRow>(
        `SELECT * FROM watch_alerts WHERE watch_id = $1 AND state = 'open' ORDER BY created_at, change_id`,
        [watchId],
      );
      return rows.map(toAlert);
    },

    async recoverWatchAlert(watchId: string, changeId: string, detail: JsonObject): Promise<boolean> {
      const rows = await db.query(
        `UPDATE watch_alerts SET state = 'recovered', detail = $3
         WHERE watch_id = $1 AND change_id = $2 AND state = 'open' RETURNING change_id`,
        [watchId, changeId, JSON.stringify(detail)],
      );
      return rows.length > 0;
    },
  };
}
