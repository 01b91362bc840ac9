import type { WebClient } from '@slack/web-api';
import { startFakeSlack, type FakeSlack } from '@rdp-doctor/slack-fake';
import { clientFor, slackError } from './client';

let fake: FakeSlack;
let client: WebClient;

beforeEach(async () => {
  fake = await startFakeSlack();
  client = clientFor(fake);
});
afterEach(() => fake.stop());

describe('fake Slack directory methods', () => {
  it('lists the members of a user group it was given', async () => {
    fake.setUserGroup('S0APPROVERS', ['U0ALICE', 'U0BOB']);
    await expect(client.usergroups.users.list({ usergroup: 'S0APPROVERS' })).resolves.toMatchObject({
      ok: true,
      users: ['U0ALICE', 'U0BOB'],
    });
  });

  it('answers no_such_subteam for a group it does not know', async () => {
    expect((await slackError(client.usergroups.users.list({ usergroup: 'S0NOBODY' }))).error).toBe(
      'no_such_subteam',
    );
  });

  it('fails usergroups.users.list on request, so approval checks can be seen failing closed', async () => {
    fake.setUserGroup('S0APPROVERS', ['U0ALICE']);
    fake.failMethod('usergroups.users.list', 'missing_scope');
    const data = await slackError(client.usergroups.users.list({ usergroup: 'S0APPROVERS' }));
    expect(data).toMatchObject({ ok: false, error: 'missing_scope' });
  });

  it('answers users.info for known users and user_not_found otherwise', async () => {
    fake.setUser({ id: 'U0ALICE', name: 'alice', real_name: 'Alice Admin', is_admin: true });
    await expect(client.users.info({ user: 'U0ALICE' })).resolves.toMatchObject({
      user: { id: 'U0ALICE', name: 'alice', real_name: 'Alice Admin', is_admin: true, is_bot: false },
    });
    await expect(client.users.info({ user: fake.botUserId })).resolves.toMatchObject({
      user: { is_bot: true },
    });
    expect((await slackError(client.users.info({ user: 'U0GHOST' }))).error).toBe('user_not_found');
  });

  it('answers conversations.info for channels it knows', async () => {
    fake.setChannel({ id: 'C0INCIDENTS', name: 'incidents' });
    await expect(client.conversations.info({ channel: 'C0INCIDENTS' })).resolves.toMatchObject({
      channel: { id: 'C0INCIDENTS', name: 'incidents', is_channel: true, is_private: false },
    });
    expect((await slackError(client.conversations.info({ channel: 'C0ELSEWHERE' }))).error).toBe(
      'channel_not_found',
    );
  });
});
