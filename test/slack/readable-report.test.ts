import { validateMessageBlocks, type FakeMessage } from '@rdp-doctor/slack-fake';
import { findButton, startHarness, type Harness } from '../support/slack-harness';

// The report as a channel reads it (issue 12: items 4, 6, 7, 8, 9), through signed requests to the real
// Bolt app, the engine against the sandbox emulator, and the blocks as they reach the fake Slack Web API.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

function textOf(message: FakeMessage): string {
  return JSON.stringify(message.blocks ?? []);
}

/** The run's message once it says the run finished, and its thread once the details reached it. */
async function finishedRunFor(vm: string): Promise<{ message: FakeMessage; thread: FakeMessage[] }> {
  return h.waitFor(() => {
    const message = h
      .channelMessages()
      .find((m) => m.text.startsWith(`${vm}:`) && textOf(m).includes(' · finished in '));
    const thread = message ? h.fake.messages.filter((m) => m.thread_ts === message.ts) : [];
    return message && thread.length > 0 ? { message, thread } : undefined;
  }, 30_000);
}

async function privateAnswerTo(text: string, user: string): Promise<FakeMessage> {
  const before = h.fake.messages.filter((m) => m.ephemeral && m.user === user).length;
  await h.command(text, { user });
  return h.waitFor(() => h.fake.messages.filter((m) => m.ephemeral && m.user === user)[before]);
}

it('4: a deallocated VM: the layers after the machine read "not checked" with the reason, never ✅', async () => {
  await h.command('vm-not-running');
  const { message } = await finishedRunFor('vm-not-running');
  const layers = textOf(message);
  for (const layer of ['Network path', 'RDP service', 'Authentication', 'Guest OS state']) {
    expect(layers).toContain(
      `➖ *${layer}*: not checked, a session stops at the machine itself (power, boot, agent) first`,
    );
    expect(layers).not.toContain(`✅ *${layer}*`);
  }
  expect(layers).toContain('❌ *Machine up and visible*: The VM is not running');
});

it('6 and 7: the thread names checks by what they looked at, one line per clean layer, each confirm once, with portal links', async () => {
  await h.command('nsg-denies-rdp from 203.0.113.10');
  const { message, thread } = await finishedRunFor('nsg-denies-rdp');
  const main = textOf(message);
  const details = thread.map(textOf).join('\n');
  for (const m of [message, ...thread]) expect(validateMessageBlocks(m.blocks ?? [])).toEqual([]);

  expect(details).toContain('✅ power state, boot log, VM agent, boot diagnostics, OS type: clean');
  expect(details).toContain('*A network security group denies the RDP port*');
  expect(details).not.toMatch(/`(vm-not-running|nsg-denies-rdp|termservice-not-running)`/);
  expect(main).not.toMatch(/`nsg-denies-rdp`/);

  const commands = [...(main + details).matchAll(/```([^`]+)```/g)].map((m) => m[1]);
  expect(commands.length).toBeGreaterThan(0);
  expect(commands).toEqual([...new Set(commands)]);

  // The finding links to the NSG on the path and to Connection troubleshoot, in the public portal.
  expect(main).toMatch(
    /<https:\/\/portal\.azure\.com\/#@\/resource\/subscriptions\/[^|]+\/networkSecurityGroups\/[^|]+\/overview\|NSG [^>]+ rules>/,
  );
  expect(main).toContain('/virtualMachines/nsg-denies-rdp/connectionTroubleshoot|Connection troubleshoot>');
});

it('8: an unknown name suggests the closest names the identity can see, with a button each, and no setting to edit', async () => {
  const answer = await privateAnswerTo('vm-healthyy', 'U0TYPO');
  const text = textOf(answer);
  expect(text).toContain('rdp-doctor cannot see a VM named vm-healthyy in its subscriptions');
  expect(text).toContain('ask whoever runs rdp-doctor to add its subscription');
  expect(text).toContain('Did you mean vm-healthy?');
  expect(text).not.toMatch(/AZURE_|environment variable/);
  const pick = findButton(answer, 'pick-vm');
  expect(JSON.parse(pick!.value!)).toMatchObject({
    vm: expect.stringMatching(/\/virtualMachines\/vm-healthy$/),
  });
  expect(h.logLines.some((line) => line.includes('AZURE_SUBSCRIPTION_IDS'))).toBe(true);
});

it('9: a healthy VM diagnosed without an address says what was not covered and gives the next /rdp, without a useless symptom select', async () => {
  await h.command('vm-healthy');
  const { message } = await finishedRunFor('vm-healthy');
  const text = textOf(message);
  expect(text).toContain(
    'Not covered: no client address was given, so the network was checked for any source',
  );
  expect(text).toContain('*Next step:* `/rdp vm-healthy from &lt;your ip&gt; &lt;symptom&gt;`');
  expect(text).not.toContain('static_select');
});

it('5: an incomplete diagnosis says what to do next, and its Re-run button runs the same diagnosis again', async () => {
  // vm-arm-error: ARM answers 500 for the NIC's effective rules, so the network checks cannot run.
  await h.command('vm-arm-error from 203.0.113.10');
  const { message } = await finishedRunFor('vm-arm-error');
  const text = textOf(message);
  expect(validateMessageBlocks(message.blocks ?? [])).toEqual([]);
  expect(text).toContain('⚠️ *No failing layer found, but the diagnosis is incomplete.*');
  expect(text).toContain('⚠️ *Could not check:* ');
  expect(text).toContain('*Next steps*');
  expect(text).toMatch(/\/virtualMachines\/vm-arm-error\/serialConsole\|Serial console>/);

  // The run is over once its last post, the boot screenshot, reached the thread.
  await h.waitFor(() =>
    h.fake.calls.some((c) => c.method === 'files.completeUploadExternal' && c.body.thread_ts === message.ts),
  );
  const before = h.channelMessages().filter((m) => m.text.startsWith('vm-arm-error:')).length;
  await h.click(message, 'rerun-diagnosis', 'U0RERUN');
  const again = await h.waitFor(() => {
    const runs = h.channelMessages().filter((m) => m.text.startsWith('vm-arm-error:'));
    return runs.length > before && textOf(runs[before]).includes(' · finished in ')
      ? runs[before]
      : undefined;
  }, 30_000);
  expect(again.ts).not.toBe(message.ts);
  // Asked the same way: the same source address, by whoever clicked.
  expect(textOf(again)).toContain('from 203.0.113.10 · asked by <@U0RERUN>');
}, 90_000);
