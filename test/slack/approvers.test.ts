import type { WebClient } from '@slack/web-api';
import { ApproverDirectory } from '../../src/slack/approvers';
import { startFakeSlack, type FakeSlack } from '@rdp-doctor/slack-fake';
import { clientFor } from './fake/client';

// Who may approve, read at each click: APPROVERS unset is nobody, `*` anyone (the workflow keeps the
// proposer out), a user group's members come from Slack and are trusted for a short while only.

let fake: FakeSlack;
let client: WebClient;

beforeEach(async () => {
  fake = await startFakeSlack();
  client = clientFor(fake);
});
afterEach(() => fake.stop());

const groupReads = () => fake.calls.filter((call) => call.method === 'usergroups.users.list').length;

test('APPROVERS unset resolves to nobody, and `*` to any member, without asking Slack', async () => {
  const unset = new ApproverDirectory({ client, setting: { kind: 'unset' } });
  const anyone = new ApproverDirectory({ client, setting: { kind: 'any-member' } });
  expect(await unset.resolve()).toEqual({ ok: true, policy: 'unset' });
  expect(await anyone.resolve()).toEqual({ ok: true, policy: 'any-member' });
  expect(groupReads()).toBe(0);
});

test("a group's members are read from Slack once per TTL, and a change shows once the cache expires", async () => {
  let now = 1_000_000;
  const directory = new ApproverDirectory({
    client,
    setting: { kind: 'listed', ids: ['U0DAVE', 'S0ONCALL'] },
    groupTtlMs: 60_000,
    clock: () => now,
  });
  fake.setUserGroup('S0ONCALL', ['U0BOB']);
  expect(await directory.resolve()).toEqual({ ok: true, policy: ['U0DAVE', 'U0BOB'] });

  fake.setUserGroup('S0ONCALL', ['U0CAROL']);
  now += 59_999;
  expect(await directory.resolve()).toEqual({ ok: true, policy: ['U0DAVE', 'U0BOB'] });
  expect(groupReads()).toBe(1);

  now += 1;
  expect(await directory.resolve()).toEqual({ ok: true, policy: ['U0DAVE', 'U0CAROL'] });
  expect(groupReads()).toBe(2);
});

test('a failed group read is not cached: the click after it asks Slack again', async () => {
  const directory = new ApproverDirectory({
    client,
    setting: { kind: 'listed', ids: ['S0ONCALL'] },
    clock: () => 0,
  });
  fake.setUserGroup('S0ONCALL', ['U0BOB']);
  fake.failMethod('usergroups.users.list', 'missing_scope');
  expect(await directory.resolve()).toMatchObject({
    ok: false,
    message: expect.stringContaining('missing_scope'),
  });
  fake.failMethod('usergroups.users.list', undefined);
  expect(await directory.resolve()).toEqual({ ok: true, policy: ['U0BOB'] });
});
