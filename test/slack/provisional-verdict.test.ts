import type { FakeMessage } from '@rdp-doctor/slack-fake';
import { scenarioAzure, startHarness, type Harness } from '../support/slack-harness';

// The network verdict reaches the channel before Azure computes it: the run's message first shows the
// NSG rules as written labelled provisional, then the same layer confirmed by IP flow verify. Effective
// rules and IP flow verify take 1.5 s here, the plain GETs none, as their real latencies compare.

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ azure: await scenarioAzure({ operationMs: { networkWatcher: 1500 } }) });
});
afterAll(async () => {
  await h.stop();
  await h.azure.close();
});

/** The network layer's line in one version of the message. */
function networkLine(version: { blocks?: unknown }): string {
  const text = JSON.stringify(version.blocks ?? []);
  return /Network path\*:([^"\\]*)/.exec(text)?.[0] ?? '';
}

it('shows the NSG deny labelled provisional, then the verdict confirmed by IP flow verify', async () => {
  const response = await h.command('nsg-denies-rdp from 203.0.113.10');
  expect(response.status).toBe(200);
  const message: FakeMessage = await h.waitFor(
    () =>
      h
        .channelMessages()
        .find(
          (m) => m.text.startsWith('nsg-denies-rdp:') && h.fake.messages.some((t) => t.thread_ts === m.ts),
        ),
    30_000,
  );
  const lines = [...message.history, message].map(networkLine);
  const provisional = lines.findIndex((line) => line.includes('_provisional_'));
  const confirmed = lines.findIndex((line) =>
    line.includes('provisional verdict confirmed by IP flow verify'),
  );
  expect(provisional).toBeGreaterThanOrEqual(0);
  expect(lines[provisional]).toContain('NSG nsg-denies-rdp-nsg');
  expect(lines[provisional]).toContain('denies TCP 3389 from 203.0.113.10');
  expect(confirmed).toBeGreaterThan(provisional);
  expect(lines[lines.length - 1]).toContain('A network security group denies the RDP port');
  expect(lines[lines.length - 1]).toContain('provisional verdict confirmed by IP flow verify');
});
