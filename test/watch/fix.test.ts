import { HEALTHY_VM, sandboxAdmin, scenarios } from '@rdp-doctor/azure-sandbox';
import type { FakeMessage } from '@rdp-doctor/slack-fake';
import { findButton, scenarioAzure, startHarness, type Harness } from '../support/slack-harness';
import { finalProposal, proposalIdOf, proposalsIn, textOf } from '../slack/approvals-support';
import { denyRdpRule, nicNsgOf } from './support';

// A watch alert's fix button end to end, through signed Slack requests to the real app: the alert offers
// the fix the diagnosis would; a click diagnoses the machine from the source that was cut off and proposes
// that fix in the diagnosis thread; a second person approves it, it runs, and the next tick redraws the
// alert as recovered, naming the fix and who proposed and approved it here.

const ALICE = 'U0ALICE';
const BOB = 'U0BOB';

let h: Harness;
beforeAll(async () => {
  const azure = await scenarioAzure({ scenarios: scenarios.filter((s) => s.name === HEALTHY_VM) });
  // Every second: the test waits for ticks, not minutes.
  h = await startHarness({ env: { APPROVERS: '*' }, azure, watchTick: '* * * * * *' });
}, 60_000);
afterAll(async () => {
  await h.stop();
  await h.azure.close();
});

async function until(probe: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('until: timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The run's message for the VM posted after `since` channel messages, once its details reached the thread. */
async function diagnosisOf(since: number): Promise<FakeMessage> {
  return h.waitFor(() => {
    const message = h
      .channelMessages()
      .slice(since)
      .find((m) => m.text.startsWith(`${HEALTHY_VM}:`) && textOf(m).includes(' · finished in '));
    return message && h.fake.messages.some((m) => m.thread_ts === message.ts) ? message : undefined;
  }, 30_000);
}

test("the alert's fix is proposed in the diagnosis thread by whoever clicked, approved by another, and the alert reads recovered by it", async () => {
  await h.command(`watch add subscription:${h.azure.sandbox.subscriptionId}`, { user: ALICE });
  // The change must come after the watch's first look, which records who reaches what.
  await until(async () => (await h.app.store.listWatches())[0]?.reachable != null);

  const nsgId = nicNsgOf(h.azure.sandbox, HEALTHY_VM);
  const denied = await sandboxAdmin(h.azure.sandbox).putSecurityRule({
    caller: 'dana@contoso.com',
    nsgId,
    name: 'Deny-RDP-Hardening',
    rule: denyRdpRule(200),
  });
  expect(denied.status).toBe(201);
  const alert = await h.waitFor(() =>
    h
      .channelMessages()
      .find((m) => m.text.startsWith('rule Deny-RDP-Hardening') && m.text.includes(' cuts ')),
  );
  expect(alert.text).toContain('by dana@contoso.com');
  expect(findButton(alert, 'watch-fix:nsg-allow-rdp-from-source:0')).toBeDefined();

  const since = h.channelMessages().length;
  await h.click(alert, 'watch-fix:nsg-allow-rdp-from-source:0', BOB);
  const diagnosis = await diagnosisOf(since);
  expect(textOf(diagnosis)).toContain('Deny-RDP-Hardening');
  const proposal = await h.waitFor(() => proposalsIn(h, diagnosis)[0], 30_000);
  expect(textOf(proposal)).toContain(`<@${BOB}>`);
  expect(proposal.text).toContain(`proposed by ${BOB}`);
  expect(textOf(proposal)).toContain('203.0.113.0/24');
  const id = proposalIdOf(proposal);

  // The proposer cannot approve it; another person can, and the fix runs.
  await h.click(proposal, 'approve-fix', BOB);
  expect((await h.app.store.getProposal(id))?.state).toBe('proposed');
  await h.click(proposal, 'approve-fix', ALICE);
  expect((await finalProposal(h, id)).state).toBe('succeeded');
  const rules = h.azure.sandbox.state.nsgs.get(nsgId)!.rules;
  expect(rules.find((r) => r.name === 'Allow-RDP-203.0.113.0-24-rdpdoctor')?.priority).toBe(199);

  await h.waitFor(() => alert.text.startsWith('Recovered:'), 20_000);
  expect(textOf(alert)).toContain(
    `*Allow RDP from your address*, proposed by <@${BOB}> and approved here by <@${ALICE}>`,
  );
  // One alert, redrawn in place: the fix's own write did not post another.
  const watchMessages = h.channelMessages().filter((m) => !m.text.startsWith(HEALTHY_VM));
  expect(watchMessages.map((m) => m.ts)).toEqual([alert.ts]);
}, 90_000);
