import { scenarios } from '@rdp-doctor/azure-sandbox';
import { RESOURCE_GROUP } from '@rdp-doctor/azure-sandbox/foundation';
import type { FakeMessage } from '@rdp-doctor/slack-fake';
import { CHANNEL, findButton, scenarioAzure, startHarness, type Harness } from '../support/slack-harness';

// "Diagnose RDP" on a message, through the real Bolt app (message_action payloads, signed) against the
// sandbox: the machine the message names is diagnosed in the message's thread, as `/rdp` would.

const MACHINES = ['termservice-not-running', 'nsg-denies-rdp', 'vm-dup'];
const ALICE = 'U0ALICE';
const DAVE = 'U0DAVE';
let h: Harness;
let nextTs = 1764860300;

beforeAll(async () => {
  const azure = await scenarioAzure({ scenarios: scenarios.filter((s) => MACHINES.includes(s.name)) });
  h = await startHarness({ azure });
  const stop = h.stop;
  h.stop = async () => {
    await stop();
    await azure.close();
  };
});
afterAll(async () => {
  await h.stop();
});

/** A message someone (or the monitoring integration) posted in the channel. */
function postedMessage(text: string) {
  nextTs += 1;
  return { ts: `${nextTs}.000100`, text, user: DAVE, channel: CHANNEL };
}

/** The run's message in `thread`, once its details follow it there: the run is over. */
async function finishedRunIn(thread: string, vm: string): Promise<FakeMessage> {
  return h.waitFor(() => {
    const replies = h.fake.messages.filter((m) => m.thread_ts === thread && !m.ephemeral);
    const run = replies.find((m) => m.text.startsWith(`${vm}:`) && !m.text.includes('checking'));
    return run && replies.length > 1 ? run : undefined;
  }, 30_000);
}

function privateAnswersTo(user: string): FakeMessage[] {
  return h.fake.messages.filter((m) => m.ephemeral && m.user === user);
}

test("a user's complaint naming a machine: that machine is diagnosed under the complaint, with its fixes", async () => {
  const complaint = postedMessage(
    "Can't RDP into termservice-not-running since this morning, it says the remote computer refused. Anyone?",
  );
  const response = await h.shortcut(complaint, ALICE, 'diagnose_rdp');
  expect(response.status).toBe(200);
  const run = await finishedRunIn(complaint.ts, 'termservice-not-running');
  expect(run.thread_ts).toBe(complaint.ts);
  expect(findButton(run, 'fix:start-termservice')).toBeDefined();
  expect(h.channelMessages().some((m) => m.text.startsWith('termservice-not-running:'))).toBe(false);
});

test('an Azure Monitor alert quoting the resource id: the machine of that id is diagnosed in the thread', async () => {
  const id =
    `/subscriptions/${h.azure.sandbox!.subscriptionId}/resourceGroups/${RESOURCE_GROUP}` +
    '/providers/Microsoft.Compute/virtualMachines/nsg-denies-rdp';
  const alert = postedMessage(
    ':red_circle: *Fired: Sev1 - RDP availability*\n' +
      `*Affected resource:* <https://portal.azure.com/#@contoso.onmicrosoft.com/resource${id}/overview|nsg-denies-rdp>\n` +
      '*Monitor condition:* Fired  *Signal type:* Metric',
  );
  await h.shortcut(alert, ALICE, 'diagnose_rdp');
  const run = await finishedRunIn(alert.ts, 'nsg-denies-rdp');
  expect(run.text).toContain('NSG nsg-denies-rdp-nsg');
});

test('a message naming several machines asks which one privately, and the choice runs in the thread', async () => {
  const message = postedMessage('vm-dup is flapping again, and termservice-not-running too');
  const before = privateAnswersTo(ALICE).length;
  await h.shortcut(message, ALICE, 'diagnose_rdp');
  const picker = await h.waitFor(() => privateAnswersTo(ALICE)[before]);
  // vm-dup is two machines, plus the other one.
  const buttons = JSON.stringify(picker.blocks).match(/"action_id":"pick-vm"/g) ?? [];
  expect(buttons).toHaveLength(3);
  expect(h.fake.messages.some((m) => m.thread_ts === message.ts && !m.ephemeral)).toBe(false);

  await h.click(picker, 'pick-vm', ALICE);
  await finishedRunIn(message.ts, 'vm-dup');
});

test('a message that names no machine the identity can see gets a private answer and no run', async () => {
  const message = postedMessage("Can't RDP into vm-ghost-42, and <@U0BOB> says the VPN is fine.");
  const before = privateAnswersTo(ALICE).length;
  await h.shortcut(message, ALICE, 'diagnose_rdp');
  const answer = await h.waitFor(() => privateAnswersTo(ALICE)[before]);
  expect(answer.text).toContain('names no VM rdp-doctor can see');
  expect(h.fake.messages.some((m) => m.thread_ts === message.ts && !m.ephemeral)).toBe(false);
});
