import { DigestService } from '../../src/digest/service';
import type { DigestSubscription } from '../../src/store';
import { startFleetHarness, type FleetHarness } from './harness';
import { emptyPeriod } from './period';

// Resource Graph allows a user about 15 queries per 5 seconds and answers the rest 429 with Retry-After.
// The SDK retries those itself (three times); beyond that the inventory waits as asked and goes on.

let h: FleetHarness;
beforeAll(async () => {
  h = await startFleetHarness({ scenarios: [], fleet: { size: 1200 } });
});
afterAll(() => h.sandbox.stop());

const subscription = (scope: DigestSubscription['scope']): DigestSubscription => ({
  id: '7d0c4d8e-0000-4000-8000-000000000001',
  channel: 'C0DIGEST01',
  schedule: '0 9 * * *',
  timezone: 'UTC',
  scope,
  createdBy: 'U0ALICE',
  createdAt: '2026-03-01T09:00:00.000Z',
  lastReport: null,
});

test('a 429 storm longer than the SDK retries delays the digest, which still completes', async () => {
  h.sandbox.state.resourceGraphThrottle.requests = 15;
  h.sandbox.state.resourceGraphThrottle.retryAfterSeconds = 1;
  const service = new DigestService({
    reader: h.reader,
    store: emptyPeriod(),
    configuredSubscriptions: [h.sandbox.subscriptionId],
  });
  const started = Date.now();
  const { report } = await service.build(subscription({}));
  const elapsed = Date.now() - started;

  expect(report.machines).toBe(1200);
  expect(report.findings.length).toBeGreaterThan(0);
  const throttled = h.sandbox.requests.filter((r) => r.status === 429);
  expect(throttled).toHaveLength(15);
  // Every 429 asked for a second and the two queries run side by side: one of them met at least five
  // 429s in a row, one more than the SDK retries, so five seconds went by and the inventory waited once itself.
  expect(elapsed).toBeGreaterThanOrEqual(4500);
  expect(report.inventory.throttledMs).toBeGreaterThanOrEqual(1000);
  expect(h.sandbox.state.resourceGraphThrottle.requests).toBe(0);
}, 60_000);
