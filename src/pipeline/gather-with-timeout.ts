import { GatherSkipped, type GatherContext, type Gatherer } from '../azure/gatherer';
import type { FactKey, FactValue, Gathered } from '../diagnosis/facts';
import { timedOutReason } from '../diagnosis/incomplete';
import { metrics } from '../metrics';

/**
 * Runs one gatherer to a `Gathered` outcome: never throws, and never waits past its timeout. The abort
 * signal tells the SDK to stop polling; the race makes sure a call that ignores it cannot hold the report.
 */
export async function gatherWithTimeout<K extends FactKey>(
  gatherer: Gatherer<K>,
  context: Omit<GatherContext, 'signal'>,
  timeoutMs = gatherer.timeoutMs,
  clock: () => Date = () => new Date(),
): Promise<Gathered<FactValue<K>>> {
  const outcome = await gather(gatherer, context, timeoutMs, clock);
  metrics.gathererDuration.observe(
    { gatherer: gatherer.key, status: outcome.status },
    outcome.durationMs / 1000,
  );
  return outcome;
}

async function gather<K extends FactKey>(
  gatherer: Gatherer<K>,
  context: Omit<GatherContext, 'signal'>,
  timeoutMs = gatherer.timeoutMs,
  clock: () => Date = () => new Date(),
): Promise<Gathered<FactValue<K>>> {
  const skip = gatherer.skip?.(context) ?? null;
  if (skip) return { status: 'skipped', reason: skip, durationMs: 0 };
  const started = clock().getTime();
  const elapsed = () => clock().getTime() - started;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
      reject(new Error(timedOutReason(timeoutMs)));
    }, timeoutMs);
  });
  try {
    const value = await Promise.race([gatherer.gather({ ...context, signal: controller.signal }), timeout]);
    return { status: 'ok', value, durationMs: elapsed() };
  } catch (error) {
    // Azure said the check does not apply here (no Network Watcher in the region): not a failure.
    if (error instanceof GatherSkipped)
      return { status: 'skipped', reason: error.message, durationMs: elapsed() };
    return {
      status: 'error',
      reason: error instanceof Error ? error.message : String(error),
      durationMs: elapsed(),
      ...(timedOut ? { timedOut: true as const } : {}),
    };
  } finally {
    clearTimeout(timer);
  }
}
