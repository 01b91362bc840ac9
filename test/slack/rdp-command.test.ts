import { validateMessageBlocks } from '@rdp-doctor/slack-fake';
import type { FakeMessage } from '@rdp-doctor/slack-fake';
import { CHANNEL, startHarness, type Harness } from '../support/slack-harness';

// `/rdp` through the real Bolt app over signed HTTP, the engine against the sandbox emulator, and the
// blocks as they reach the fake Slack Web API.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

function actionIds(message: FakeMessage): string[] {
  return JSON.stringify(message.blocks ?? [])
    .match(/"action_id":"[^"]+"/g)!
    .map((m) => m.slice('"action_id":"'.length, -1));
}

/** The button with this action id anywhere in the message's blocks. */
function button(message: FakeMessage, actionId: string): { value?: string } | undefined {
  const walk = (node: unknown): { value?: string } | undefined => {
    if (Array.isArray(node)) return node.map(walk).find(Boolean);
    if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record.type === 'button' && record.action_id === actionId) return record as { value?: string };
      return Object.values(record).map(walk).find(Boolean);
    }
    return undefined;
  };
  return walk(message.blocks);
}

function ephemeralsFor(user: string): FakeMessage[] {
  return h.fake.messages.filter((m) => m.ephemeral && m.user === user);
}

/** The run's message once its details reached the thread: the run is over. */
async function finishedRunFor(vm: string): Promise<{ message: FakeMessage; thread: FakeMessage[] }> {
  return h.waitFor(() => {
    const message = h
      .channelMessages()
      .find((m) => m.text.startsWith(`${vm}:`) && !m.text.includes('checking'));
    const thread = message ? h.fake.messages.filter((m) => m.thread_ts === message.ts) : [];
    return message && thread.length > 0 ? { message, thread } : undefined;
  }, 30_000);
}

describe.each([
  ['nsg-denies-rdp', 'from 203.0.113.10', 'network', 'fix:nsg-allow-rdp-from-source'],
  ['termservice-not-running', 'refused', 'service', 'fix:start-termservice'],
  ['account-locked-out', 'credentials', 'auth', 'fix:unlock-account'],
  ['memory-exhausted', 'black-screen', 'guest', 'fix:stop-process'],
])('/rdp %s', (vm, options, layer, fixAction) => {
  it(`answers with one message that ends naming the ${layer} layer, the cause and its fix`, async () => {
    const response = await h.command(`${vm} ${options}`);
    expect(response.status).toBe(200);
    const { message, thread } = await finishedRunFor(vm);
    expect(h.channelMessages().filter((m) => m.text.startsWith(`${vm}:`))).toHaveLength(1);
    expect(message.history.length).toBeGreaterThan(0);
    const blocks = JSON.stringify(message.blocks);
    expect(blocks).toContain(vm);
    expect(actionIds(message)).toContain(fixAction);
    const value = JSON.parse(button(message, fixAction)!.value!) as {
      run: string;
      cause: string;
      fix: string;
    };
    expect(value).toMatchObject({ cause: vm, fix: fixAction.slice('fix:'.length) });
    expect(message.text.toLowerCase()).toContain('fails');
    expect(thread.length).toBeGreaterThan(0);
    for (const m of [message, ...thread]) expect(validateMessageBlocks(m.blocks ?? [])).toEqual([]);
  });
});

it('shows a clean verdict for the healthy VM, with no fix buttons, and the boot screenshot as a PNG in the thread', async () => {
  await h.command('vm-healthy from 203.0.113.10');
  const { message } = await finishedRunFor('vm-healthy');
  expect(JSON.stringify(message.blocks)).not.toContain('"action_id":"fix:');
  const screenshot = await h.waitFor(() =>
    h.fake.files.find((f) => f.name === 'vm-healthy-boot-screenshot.png' && f.completed),
  );
  expect(screenshot.bytes!.subarray(1, 4).toString('ascii')).toBe('PNG');
  expect(
    h.fake.messages.some((m) => m.thread_ts === message.ts && (m.files ?? []).includes(screenshot.id)),
  ).toBe(true);
});

it('coalesces five concurrent /rdp for one VM into one run and one message naming everyone who asked', async () => {
  const users = ['U01', 'U02', 'U03', 'U04', 'U05'];
  const responses = await Promise.all(users.map((user) => h.command('disk-full disconnects', { user })));
  expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
  const { message } = await finishedRunFor('disk-full');
  expect(h.channelMessages().filter((m) => m.text.startsWith('disk-full:'))).toHaveLength(1);
  const runCommands = h.azure.sandbox!.requests.filter(
    (r) => /disk-full\/runCommand$/i.test(r.path) && r.method === 'POST',
  );
  expect(runCommands).toHaveLength(1);
  const everyone = JSON.stringify(message.blocks);
  for (const user of users) expect(everyone).toContain(`<@${user}>`);
});

it('never starts a second run for a Slack retry', async () => {
  await h.command(
    'rdp-port-nonstandard',
    { user: 'U0RETRY' },
    { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } },
  );
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(h.channelMessages().filter((m) => m.text.startsWith('rdp-port-nonstandard'))).toHaveLength(0);
});

describe('request authenticity', () => {
  const before = () => h.fake.calls.length;

  it('rejects a forged signature and runs nothing', async () => {
    const calls = before();
    const response = await h.command(
      'vm-healthy',
      {},
      { headers: { 'x-slack-signature': 'v0=' + '0'.repeat(64) } },
    );
    expect(response.status).toBe(401);
    expect(h.fake.calls.length).toBe(calls);
  });

  it('rejects a request older than five minutes and runs nothing', async () => {
    const calls = before();
    const response = await h.command('vm-healthy', {}, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(response.status).toBe(401);
    expect(h.fake.calls.length).toBe(calls);
  });

  it('rejects a replayed request and runs nothing the second time', async () => {
    const body = new URLSearchParams({
      command: '/rdp',
      text: 'help',
      user_id: 'U0REPLAY',
      channel_id: CHANNEL,
      team_id: h.fake.teamId,
      response_url: h.fake.responseUrl({ channel: CHANNEL, user: 'U0REPLAY' }),
      trigger_id: h.fake.triggerId(),
    }).toString();
    const timestamp = Math.floor(Date.now() / 1000);
    const first = await h.post(body, { timestamp });
    expect(first.status).toBe(200);
    await h.waitFor(() => ephemeralsFor('U0REPLAY').length === 1);
    const replay = await h.post(body, { timestamp });
    expect(replay.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(ephemeralsFor('U0REPLAY')).toHaveLength(1);
  });
});

describe('bad input gets a private, helpful answer', () => {
  it.each([
    ['empty', '', 'U0EMPTY', /\/rdp &lt;vm&gt;/],
    ['2 KB of junk', 'x'.repeat(2048), 'U0JUNK', /characters long/],
    ['unicode', 'мой-сервер 🔥', 'U0UNICODE', /not a valid|did not understand/i],
    ['an unknown VM', 'no-such-vm', 'U0UNKNOWN', /no-such-vm/],
    ['a bad from address', 'vm-healthy from 999.1.1.1', 'U0BADIP', /not an IP address/],
    [
      'a resource id of another subscription',
      '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1',
      'U0OTHERSUB',
      /subscription/i,
    ],
  ])('%s', async (_name, text, user, expected) => {
    const response = await h.command(text, { user });
    expect(response.status).toBe(200);
    const answers = await h.waitFor(() => (ephemeralsFor(user).length > 0 ? ephemeralsFor(user) : undefined));
    expect(answers).toHaveLength(1);
    expect(JSON.stringify(answers[0].blocks) + answers[0].text).toMatch(expected);
    expect(h.channelMessages().filter((m) => m.text.includes(text.slice(0, 20)) && text !== '')).toHaveLength(
      0,
    );
  });

  it('answers an ambiguous name with a picker, and the pick starts the run', async () => {
    await h.command('vm-dup', { user: 'U0PICKER' });
    const [picker] = await h.waitFor(() =>
      ephemeralsFor('U0PICKER').length > 0 ? ephemeralsFor('U0PICKER') : undefined,
    );
    expect(actionIds(picker)).toEqual(['pick-vm', 'pick-vm']);
    expect(JSON.stringify(picker.blocks)).toContain('rg-sandbox-2');
    const choice = JSON.stringify(picker.blocks).includes('rg-sandbox-2')
      ? button(picker, 'pick-vm')!
      : undefined;
    const response = await h.interact({
      type: 'block_actions',
      user: { id: 'U0PICKER', username: 'picker', name: 'picker', team_id: h.fake.teamId },
      api_app_id: 'A0RDPDOCTOR',
      token: 'deprecated-verification-token',
      container: { type: 'message', message_ts: picker.ts, channel_id: CHANNEL, is_ephemeral: true },
      trigger_id: h.fake.triggerId(),
      team: { id: h.fake.teamId, domain: 'rdp-doctor' },
      channel: { id: CHANNEL, name: 'incidents' },
      response_url: h.fake.responseUrl({ channel: CHANNEL, user: 'U0PICKER', message_ts: picker.ts }),
      actions: [
        {
          type: 'button',
          action_id: 'pick-vm',
          block_id: 'pick-0',
          value: choice!.value,
          action_ts: '1700000000.000100',
          text: { type: 'plain_text', text: 'This one' },
        },
      ],
    });
    expect(response.status).toBe(200);
    const { message } = await finishedRunFor('vm-dup');
    expect(JSON.stringify(message.blocks)).toContain('<@U0PICKER>');
  });
});

it('says when rdp-doctor is not enabled in the channel', async () => {
  const restricted = await startHarness({ env: { ALLOWED_CHANNELS: 'C0ONLYHERE' } });
  try {
    await restricted.command('vm-healthy', { user: 'U0ELSEWHERE', channel: 'C0OTHER' });
    const answer = await restricted.waitFor(() =>
      restricted.fake.messages.find((m) => m.user === 'U0ELSEWHERE'),
    );
    expect(answer.text + JSON.stringify(answer.blocks)).toMatch(/not enabled in this channel/);
    expect(restricted.fake.messages.filter((m) => !m.ephemeral)).toHaveLength(0);
  } finally {
    await restricted.stop();
  }
});
