import { rmSync } from 'node:fs';
import './postgres-setup';

// Jest's globalTeardown: stops the PostgreSQL server the setup started, if it started one.
export default async function stopEmbeddedPostgres(): Promise<void> {
  const embedded = globalThis.embeddedPostgres;
  if (!embedded) return;
  await embedded.server.stop();
  rmSync(embedded.dir, { recursive: true, force: true });
  globalThis.embeddedPostgres = undefined;
}
