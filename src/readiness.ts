// `/readyz` answers from probes of what the app depends on (Slack, the store, Azure). Each probe's result is
// kept for a short while, so a load balancer polling every second costs Azure one call per TTL, not one per poll.

export interface ProbeResult {
  ok: boolean;
  /** Why the dependency is not ready, for the operator; never a secret. */
  error?: string;
  checkedAt: string;
}

export interface ReadinessReport {
  ok: boolean;
  checks: Record<string, ProbeResult>;
}

/** Resolves when the dependency answers, throws (with a readable reason) when it does not. */
export type Probe = () => Promise<void>;

export const PROBE_TTL_MS = 15_000;
/** A dependency that does not answer within this is not ready; /readyz must answer a load balancer quickly. */
export const PROBE_TIMEOUT_MS = 5_000;
const MAX_ERROR_LENGTH = 200;

function withTimeout(work: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export function cachedProbe(
  probe: Probe,
  ttlMs = PROBE_TTL_MS,
  clock: () => number = Date.now,
): () => Promise<ProbeResult> {
  let last: { at: number; result: Promise<ProbeResult> } | undefined;
  return () => {
    // A probe in flight is shared too: a burst of polls waits on one call.
    if (last && clock() - last.at < ttlMs) return last.result;
    const at = clock();
    const result = withTimeout(probe(), PROBE_TIMEOUT_MS).then(
      (): ProbeResult => ({ ok: true, checkedAt: new Date(at).toISOString() }),
      (error: unknown): ProbeResult => ({
        ok: false,
        error: (error instanceof Error ? error.message : String(error)).slice(0, MAX_ERROR_LENGTH),
        checkedAt: new Date(at).toISOString(),
      }),
    );
    last = { at, result };
    return result;
  };
}

export async function readiness(
  probes: Record<string, () => Promise<ProbeResult>>,
): Promise<ReadinessReport> {
  const names = Object.keys(probes);
  const results = await Promise.all(names.map((name) => probes[name]()));
  const checks = Object.fromEntries(names.map((name, i) => [name, results[i]]));
  return { ok: results.every((r) => r.ok), checks };
}
