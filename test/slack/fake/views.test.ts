import type { WebClient } from '@slack/web-api';
import { startFakeSlack, type FakeSlack } from '@rdp-doctor/slack-fake';
import { clientFor, slackError } from './client';

const plain = (text: string) => ({ type: 'plain_text' as const, text });
const modal = (title = 'Fix parameters', extra: Record<string, unknown> = {}) => ({
  type: 'modal' as const,
  callback_id: 'fix-params',
  title: plain(title),
  submit: plain('Run fix'),
  close: plain('Cancel'),
  private_metadata: JSON.stringify({ vm: 'myVm' }),
  blocks: [
    {
      type: 'input',
      block_id: 'ip',
      label: plain('Source IP'),
      element: { type: 'plain_text_input', action_id: 'ip' },
    },
  ],
  ...extra,
});

let fake: FakeSlack;
let client: WebClient;

beforeEach(async () => {
  fake = await startFakeSlack();
  client = clientFor(fake);
});
afterEach(() => {
  jest.restoreAllMocks();
  return fake.stop();
});

describe('fake Slack views.*', () => {
  it('opens a modal and answers with the stored view', async () => {
    const opened: string[] = [];
    fake.on('view_opened', (v) => opened.push(v.id));

    const result = await client.views.open({ trigger_id: fake.triggerId(), view: modal() });

    expect(result.view).toMatchObject({
      id: expect.stringMatching(/^V/),
      type: 'modal',
      callback_id: 'fix-params',
      title: plain('Fix parameters'),
      hash: expect.any(String),
      state: { values: {} },
    });
    expect(result.view?.root_view_id).toBe(result.view?.id);
    expect(opened).toEqual([result.view?.id]);
    expect(fake.views[0].view).toEqual(modal());
  });

  it('refuses a modal past its limits with invalid_arguments and the reasons', async () => {
    const data = await slackError(
      client.views.open({ trigger_id: fake.triggerId(), view: modal('A title well past 24 chars') }),
    );
    expect(data).toMatchObject({
      error: 'invalid_arguments',
      response_metadata: {
        messages: ['[ERROR] must be less than 25 characters [json-pointer:/view/title/text]'],
      },
    });
  });

  it('refuses a modal of 101 blocks', async () => {
    const blocks = Array(101).fill({ type: 'divider' });
    const data = await slackError(
      client.views.open({ trigger_id: fake.triggerId(), view: modal(undefined, { blocks }) }),
    );
    expect(data.response_metadata).toEqual({
      messages: ['[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]'],
    });
  });

  it('takes a trigger_id once, and not after its 3 seconds', async () => {
    const trigger = fake.triggerId();
    await client.views.open({ trigger_id: trigger, view: modal() });
    expect((await slackError(client.views.open({ trigger_id: trigger, view: modal() }))).error).toBe(
      'exchanged_trigger_id',
    );

    const late = fake.triggerId();
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + 3500);
    expect((await slackError(client.views.open({ trigger_id: late, view: modal() }))).error).toBe(
      'expired_trigger_id',
    );
    expect((await slackError(client.views.open({ trigger_id: 'nonsense', view: modal() }))).error).toBe(
      'invalid_trigger_id',
    );
  });

  it('updates a view by id, refusing a stale hash', async () => {
    const { view } = await client.views.open({ trigger_id: fake.triggerId(), view: modal() });
    const [id, hash] = [view!.id!, view!.hash!];
    const stale = await slackError(
      client.views.update({ view_id: id, hash: 'old.hash', view: modal('Stale') }),
    );
    expect(stale.error).toBe('hash_conflict');

    const updated = await client.views.update({ view_id: id, hash, view: modal('Running fix') });

    expect(updated.view).toMatchObject({ id, title: plain('Running fix') });
    expect(updated.view?.hash).not.toBe(hash);
    expect(fake.views[0].history).toEqual([modal()]);
  });

  it('answers not_found for a view it never opened', async () => {
    expect((await slackError(client.views.update({ view_id: 'V404', view: modal() }))).error).toBe(
      'not_found',
    );
  });

  it('pushes onto the open modal up to three views', async () => {
    const { view: root } = await client.views.open({ trigger_id: fake.triggerId(), view: modal() });
    const second = await client.views.push({ trigger_id: fake.triggerId(root!.id), view: modal('Step 2') });
    await client.views.push({ trigger_id: fake.triggerId(second.view!.id), view: modal('Step 3') });

    const data = await slackError(
      client.views.push({ trigger_id: fake.triggerId(root!.id), view: modal('Step 4') }),
    );

    expect(second.view).toMatchObject({ root_view_id: root!.id, previous_view_id: root!.id });
    expect(data.error).toBe('push_limit_reached');
    fake.closeView(fake.views[2].id);
    await expect(
      client.views.push({ trigger_id: fake.triggerId(), view: modal('Step 3 again') }),
    ).resolves.toMatchObject({
      ok: true,
    });
  });

  it('publishes one Home tab per user, replaced in place, and refuses a stale hash or a modal', async () => {
    const home = (text: string) => ({
      type: 'home' as const,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
    });
    const first = await client.views.publish({ user_id: 'U0BOB', view: home('nothing waits') });
    const second = await client.views.publish({
      user_id: 'U0BOB',
      view: home('one proposal waits'),
      hash: first.view!.hash,
    });
    await client.views.publish({ user_id: 'U0ALICE', view: home('yours') });

    expect(second.view).toMatchObject({ id: first.view!.id, type: 'home' });
    expect(fake.views.filter((v) => v.type === 'home').map((v) => v.user)).toEqual(['U0BOB', 'U0ALICE']);
    expect(fake.views[0].history).toEqual([home('nothing waits')]);
    const stale = await slackError(
      client.views.publish({ user_id: 'U0BOB', view: home('late'), hash: first.view!.hash }),
    );
    expect(stale.error).toBe('hash_conflict');
    const modalRefused = await slackError(client.views.publish({ user_id: 'U0BOB', view: modal() }));
    expect(modalRefused.error).toBe('invalid_arguments');
  });
});
