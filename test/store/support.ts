import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { Db } from '../../src/store/db';
import type { StoreConfig } from '../../src/store/open';
import { openPostgres } from '../../src/store/postgres';
import { openSqlite } from '../../src/store/sqlite';
import type { NewProposal } from '../../src/store/store';
import { DEFAULT_TEST_DATABASE_URL } from '../support/postgres-setup';

// Each test file gets its own SQLite directory or its own PostgreSQL database, dropped afterwards.

export const DRIVERS = ['sqlite', 'postgres'] as const;
export type Driver = (typeof DRIVERS)[number];

/** The machine's PostgreSQL (CI starts it), or the one test/support/postgres-setup.ts started for this run. */
export const POSTGRES_ADMIN_URL = process.env.TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;

export interface StoreTarget {
  config: Omit<StoreConfig, 'clock'>;
  /** A raw connection to the same database, to check what the Store cannot do. */
  openDb(): Promise<Db>;
  destroy(): Promise<void>;
}

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'rdp-doctor-store-'));
}

async function adminClient(): Promise<Client> {
  const client = new Client({ connectionString: POSTGRES_ADMIN_URL });
  try {
    await client.connect();
  } catch (error) {
    // Never skip: a run without PostgreSQL must say so, not pass.
    throw new Error(
      `PostgreSQL is not reachable at ${POSTGRES_ADMIN_URL} (${(error as Error).message}); the PostgreSQL store ` +
        'tests need it. Start it with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` ' +
        'or set TEST_DATABASE_URL to a server where the user may create databases.',
    );
  }
  return client;
}

export async function createTarget(driver: Driver): Promise<StoreTarget> {
  if (driver === 'sqlite') {
    const dataDir = tempDataDir();
    return {
      config: { dataDir },
      openDb: async () => openSqlite(dataDir),
      destroy: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `rdp_doctor_test_${randomBytes(6).toString('hex')}`;
  const admin = await adminClient();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const dataDir = tempDataDir();
  return {
    config: { dataDir, databaseUrl },
    openDb: () => openPostgres(databaseUrl),
    destroy: async () => {
      fs.rmSync(dataDir, { recursive: true, force: true });
      const client = await adminClient();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** A clock the test moves by hand. */
export class FakeClock {
  constructor(public time = new Date('2025-03-04T10:00:00.000Z')) {}

  readonly now = (): Date => this.time;

  advance(ms: number): void {
    this.time = new Date(this.time.getTime() + ms);
  }
}

export function newProposal(overrides: Partial<NewProposal> = {}): NewProposal {
  return {
    vmId: '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/web-01',
    vmName: 'web-01',
    fixId: 'nsg-allow-rdp-from-source',
    cause: 'nsg-denies-rdp',
    params: { sourcePrefix: '203.0.113.10/32', priority: 100 },
    proposer: 'U0PROPOSER',
    approvalsRequired: 1,
    expiresAt: new Date('2025-03-04T10:15:00.000Z'),
    ...overrides,
  };
}
