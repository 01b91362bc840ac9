import { startFakeSlack, type FakeSlack } from '@rdp-doctor/slack-fake';
import { clientFor } from './client';

const CHANNEL = 'C0INCIDENTS';
const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

// What Bolt's respond() sends: a JSON POST to the response_url.
async function respond(url: string, message: Record<string, unknown>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(message),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

let fake: FakeSlack;
let proposalTs: string;

beforeEach(async () => {
  fake = await startFakeSlack();
  const posted = await clientFor(fake).chat.postMessage({
    channel: CHANNEL,
    text: 'Approve the fix?',
    blocks: [section('Approve?')],
  });
  proposalTs = posted.ts!;
});
afterEach(() => {
  jest.restoreAllMocks();
  return fake.stop();
});

describe('fake Slack response_url', () => {
  it('posts an ephemeral reply to the person by default', async () => {
    const url = fake.responseUrl({ channel: CHANNEL, user: 'U0ALICE', message_ts: proposalTs });
    expect(url.startsWith(fake.url.replace('/api/', ''))).toBe(true);

    expect(await respond(url, { text: 'Only approvers can approve.' })).toEqual({
      status: 200,
      body: { ok: true },
    });

    expect(fake.messages[1]).toMatchObject({
      channel: CHANNEL,
      user: 'U0ALICE',
      ephemeral: true,
      text: 'Only approvers can approve.',
    });
    expect(fake.calls[1]).toMatchObject({
      method: 'response_url',
      body: { text: 'Only approvers can approve.' },
    });
  });

  it('posts in the channel with response_type in_channel', async () => {
    const url = fake.responseUrl({ channel: CHANNEL, user: 'U0ALICE' });
    await respond(url, { response_type: 'in_channel', text: 'Diagnosing myVm…' });
    expect(fake.messages[1]).toMatchObject({ channel: CHANNEL, ephemeral: false, text: 'Diagnosing myVm…' });
  });

  it('replaces the original message with replace_original', async () => {
    const url = fake.responseUrl({ channel: CHANNEL, user: 'U0ALICE', message_ts: proposalTs });
    await respond(url, { replace_original: true, text: 'Approved by Alice', blocks: [section('Approved')] });
    expect(fake.messages).toHaveLength(1);
    expect(fake.messages[0]).toMatchObject({ text: 'Approved by Alice', blocks: [section('Approved')] });
    expect(fake.messages[0].history).toEqual([expect.objectContaining({ text: 'Approve the fix?' })]);
  });

  it('deletes the original message with delete_original', async () => {
    const url = fake.responseUrl({ channel: CHANNEL, user: 'U0ALICE', message_ts: proposalTs });
    expect((await respond(url, { delete_original: true })).body).toEqual({ ok: true });
    expect(fake.messages[0].deleted).toBe(true);
  });

  it('refuses blocks Slack would refuse, with an HTTP error status', async () => {
    const url = fake.responseUrl({ channel: CHANNEL, user: 'U0ALICE' });
    const answer = await respond(url, { blocks: [section('x'.repeat(3001))] });
    expect(answer).toMatchObject({ status: 400, body: { ok: false, error: 'invalid_blocks' } });
  });

  it('works 5 times, then answers used_url', async () => {
    const url = fake.responseUrl({ channel: CHANNEL, user: 'U0ALICE' });
    const statuses = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await respond(url, { text: `update ${i}` })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 404]);
  });

  it('expires after 30 minutes', async () => {
    const url = fake.responseUrl({ channel: CHANNEL, user: 'U0ALICE' });
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + 31 * 60 * 1000);
    expect(await respond(url, { text: 'too late' })).toEqual({
      status: 404,
      body: { ok: false, error: 'expired_url' },
    });
  });
});
