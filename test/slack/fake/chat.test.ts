import type { WebClient } from '@slack/web-api';
import { startFakeSlack, type FakeMessage, type FakeSlack } from '@rdp-doctor/slack-fake';
import { clientFor, slackError } from './client';

const CHANNEL = 'C0INCIDENTS';
const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const button = (action_id: string, text = 'Approve') => ({
  type: 'button',
  action_id,
  text: { type: 'plain_text', text },
});

let fake: FakeSlack;
let client: WebClient;

beforeEach(async () => {
  fake = await startFakeSlack();
  client = clientFor(fake);
});
afterEach(() => fake.stop());

describe('fake Slack chat.*', () => {
  it('answers auth.test with the bot user and team, as Bolt expects at start', async () => {
    const result = await client.auth.test();
    expect(result).toMatchObject({
      ok: true,
      user_id: fake.botUserId,
      team_id: fake.teamId,
      bot_id: expect.any(String),
    });
  });

  it('posts a message and answers with its ts and the message', async () => {
    const posted: FakeMessage[] = [];
    fake.on('message_posted', (m) => posted.push(m));
    const blocks = [section('*myVm*: checking the NSG…')];

    const result = await client.chat.postMessage({ channel: CHANNEL, text: 'Diagnosing myVm', blocks });

    expect(result).toMatchObject({
      ok: true,
      channel: CHANNEL,
      ts: expect.stringMatching(/^\d{10}\.\d{6}$/),
      message: { type: 'message', text: 'Diagnosing myVm', blocks, user: fake.botUserId },
    });
    expect(fake.messages).toEqual([
      expect.objectContaining({
        channel: CHANNEL,
        ts: result.ts,
        text: 'Diagnosing myVm',
        blocks,
        ephemeral: false,
      }),
    ]);
    expect(posted).toHaveLength(1);
    expect(fake.calls).toEqual([
      expect.objectContaining({
        method: 'chat.postMessage',
        token: fake.botToken,
        body: expect.objectContaining({ blocks }),
      }),
    ]);
  });

  it('posts a thread reply under its parent', async () => {
    const parent = await client.chat.postMessage({ channel: CHANNEL, text: 'parent' });
    const reply = await client.chat.postMessage({ channel: CHANNEL, text: 'reply', thread_ts: parent.ts });
    expect(reply.message).toMatchObject({ thread_ts: parent.ts });
    expect(fake.messages[1]).toMatchObject({ ts: reply.ts, thread_ts: parent.ts });
  });

  it('updates a message, keeping what it said before', async () => {
    const updated: FakeMessage[] = [];
    fake.on('message_updated', (m) => updated.push(m));
    const { ts } = await client.chat.postMessage({
      channel: CHANNEL,
      text: 'step 1',
      blocks: [section('step 1')],
    });

    const result = await client.chat.update({
      channel: CHANNEL,
      ts: ts!,
      text: 'step 2',
      blocks: [section('step 2')],
    });

    expect(result).toMatchObject({
      ok: true,
      channel: CHANNEL,
      ts,
      text: 'step 2',
      message: { text: 'step 2' },
    });
    expect(fake.messages[0]).toMatchObject({ text: 'step 2', blocks: [section('step 2')] });
    expect(fake.messages[0].history).toEqual([
      { text: 'step 1', blocks: [section('step 1')], at: expect.any(Date) },
    ]);
    expect(updated).toEqual([fake.messages[0]]);
  });

  it('keeps the blocks when chat.update leaves them out, as Slack does', async () => {
    const { ts } = await client.chat.postMessage({ channel: CHANNEL, text: 'a', blocks: [section('a')] });
    await client.chat.update({ channel: CHANNEL, ts: ts!, text: 'b' });
    expect(fake.messages[0]).toMatchObject({ text: 'b', blocks: [section('a')] });
  });

  it('refuses to update a message it never posted', async () => {
    const data = await slackError(client.chat.update({ channel: CHANNEL, ts: '1.000001', text: 'x' }));
    expect(data.error).toBe('message_not_found');
  });

  it('posts an ephemeral message for one user and answers with message_ts', async () => {
    const result = await client.chat.postEphemeral({
      channel: CHANNEL,
      user: 'U0ALICE',
      text: 'Only you can see this',
    });
    expect(result).toMatchObject({ ok: true, message_ts: expect.any(String) });
    expect(fake.messages[0]).toMatchObject({ ts: result.message_ts, user: 'U0ALICE', ephemeral: true });
  });

  it('deletes a message', async () => {
    const { ts } = await client.chat.postMessage({ channel: CHANNEL, text: 'bye' });
    await expect(client.chat.delete({ channel: CHANNEL, ts: ts! })).resolves.toMatchObject({
      ok: true,
      channel: CHANNEL,
      ts,
    });
    expect(fake.messages[0].deleted).toBe(true);
  });

  it('refuses a message with neither text nor blocks', async () => {
    expect((await slackError(client.chat.postMessage({ channel: CHANNEL, text: '' }))).error).toBe('no_text');
  });

  it('refuses a channel that is not a channel ID', async () => {
    expect((await slackError(client.chat.postMessage({ channel: '#incidents', text: 'x' }))).error).toBe(
      'channel_not_found',
    );
  });

  const tooMuch: Array<[string, unknown[], string]> = [
    [
      '51 blocks',
      Array(51).fill({ type: 'divider' }),
      'no more than 50 items allowed [json-pointer:/blocks]',
    ],
    [
      'a 3001-character section',
      [section('x'.repeat(3001))],
      'must be less than 3001 characters [json-pointer:/blocks/0/text/text]',
    ],
    [
      '76-character button text',
      [{ type: 'actions', elements: [button('approve', 'x'.repeat(76))] }],
      'must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]',
    ],
    [
      'a 256-character action_id',
      [{ type: 'actions', elements: [button('a'.repeat(256))] }],
      'must be less than 256 characters [json-pointer:/blocks/0/elements/0/action_id]',
    ],
    [
      'duplicate action_ids',
      [
        {
          type: 'actions',
          elements: [button('fix:nsg-allow-rdp-from-source'), button('fix:nsg-allow-rdp-from-source')],
        },
      ],
      '`action_id` "fix:nsg-allow-rdp-from-source" already exists [json-pointer:/blocks/0/elements/1/action_id]',
    ],
  ];
  it.each(tooMuch)('answers invalid_blocks (HTTP 200) for %s', async (_name, blocks, error) => {
    const data = await slackError(
      client.chat.postMessage({ channel: CHANNEL, text: 'x', blocks: blocks as never }),
    );
    expect(data).toMatchObject({
      ok: false,
      error: 'invalid_blocks',
      errors: [error],
      response_metadata: { messages: [`[ERROR] ${error}`] },
    });
    expect(fake.messages).toEqual([]);
  });

  it('answers invalid_blocks_format when blocks are not a JSON array', async () => {
    const data = await slackError(
      client.apiCall('chat.postMessage', { channel: CHANNEL, blocks: '{not json' }),
    );
    expect(data.error).toBe('invalid_blocks_format');
  });

  it('cuts text past 40,000 characters and warns, as Slack does', async () => {
    const result = await client.chat.postMessage({ channel: CHANNEL, text: 'x'.repeat(40_001) });
    expect(fake.messages[0].text).toHaveLength(40_000);
    expect(result.response_metadata?.warnings).toEqual(['message_truncated']);
  });

  it('takes JSON bodies with a bearer token, as curl and respond() send them', async () => {
    const response = await fetch(`${fake.url}chat.postMessage`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        authorization: `Bearer ${fake.botToken}`,
      },
      body: JSON.stringify({ channel: CHANNEL, text: 'from JSON', blocks: [section('from JSON')] }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, message: { blocks: [section('from JSON')] } });
  });

  it('answers not_authed without a token and invalid_auth with a wrong one', async () => {
    const anonymous = clientFor(fake, null);
    expect((await slackError(anonymous.chat.postMessage({ channel: CHANNEL, text: 'x' }))).error).toBe(
      'not_authed',
    );
    const stranger = clientFor(fake, 'xoxb-someone-else');
    expect((await slackError(stranger.auth.test())).error).toBe('invalid_auth');
    expect(fake.messages).toEqual([]);
  });

  it.each(['chat.fly', 'constructor'])(
    'answers unknown_method for %s, a method it does not have',
    async (method) => {
      expect(await slackError(client.apiCall(method, { channel: CHANNEL }))).toMatchObject({
        error: 'unknown_method',
        req_method: method,
      });
    },
  );

  it('fails a method on request, and works again when told', async () => {
    fake.failMethod('chat.postMessage', 'fatal_error');
    expect((await slackError(client.chat.postMessage({ channel: CHANNEL, text: 'x' }))).error).toBe(
      'fatal_error',
    );
    fake.failMethod('chat.postMessage', undefined);
    await expect(client.chat.postMessage({ channel: CHANNEL, text: 'x' })).resolves.toMatchObject({
      ok: true,
    });
  });
});
