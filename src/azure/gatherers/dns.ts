import { Resolver } from 'node:dns/promises';
import type { DnsFacts } from '../../diagnosis/facts';
import type { DnsResolver, Gatherer } from '../gatherer';
import { SECOND } from './common';

export type { DnsResolver } from '../gatherer';

// What the host name the user dials resolves to, from where rdp-doctor runs.

// "No such name" and "no record of this family" are answers, not failures.
const NO_RECORDS = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN']);

async function recordsOrNone(lookup: Promise<string[]>): Promise<string[]> {
  try {
    return await lookup;
  } catch (err) {
    if (NO_RECORDS.has((err as NodeJS.ErrnoException).code ?? '')) return [];
    throw err;
  }
}

/** The system's resolver: A and AAAA records, cancelled when the gatherer's time is up. */
export const systemResolver: DnsResolver = async (host, signal) => {
  const resolver = new Resolver();
  const cancel = () => resolver.cancel();
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    const [v4, v6] = await Promise.all([
      recordsOrNone(resolver.resolve4(host)),
      recordsOrNone(resolver.resolve6(host)),
    ]);
    return [...v4, ...v6];
  } finally {
    signal?.removeEventListener('abort', cancel);
  }
};

export const dnsGatherer: Gatherer<'dns'> = {
  key: 'dns',
  timeoutMs: 20 * SECOND,
  skip: ({ request }) => (request.host === null ? 'No host name given (use `host <name>`)' : null),
  async gather({ request, resolveHost = systemResolver, signal }): Promise<DnsFacts> {
    const host = request.host ?? '';
    try {
      return { host, addresses: await recordsOrNone(resolveHost(host, signal)) };
    } catch (err) {
      if (signal.aborted) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      throw new Error(
        `DNS could not resolve ${host} (${code ?? (err as Error).message}); check the resolver rdp-doctor runs with`,
      );
    }
  },
};
