import { scenarios } from '@rdp-doctor/azure-sandbox';
import { RESOURCE_GROUP } from '@rdp-doctor/azure-sandbox/foundation';
import { validateMessageBlocks } from '@rdp-doctor/slack-fake';
import { CHANNEL, findButton, scenarioAzure, startHarness, type Harness } from '../support/slack-harness';
import {
  armWrites,
  diagnosed,
  finalProposal,
  openedModal,
  privateAnswer,
  propose,
  proposalIdOf,
  proposalsIn,
  settle,
  textOf,
} from './approvals-support';

// A fix behind two people, through the real Bolt app over signed requests, against a sandbox holding only
// the machine of the cause at hand (a fix changes it for good), and the fake Slack.

const VM = 'nsg-denies-rdp';
const FIX = 'nsg-allow-rdp-from-source';
const SOURCE = '203.0.113.10';
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';
const CAROL = 'U0CAROL';
const MALLORY = 'U0MALLORY';

/** The app with APPROVERS=* unless `env` says otherwise: unset, nobody could approve. */
async function start(
  env: Record<string, string> = {},
  options: { approverGroupTtlMs?: number } = {},
): Promise<Harness> {
  const azure = await scenarioAzure({ scenarios: scenarios.filter((s) => s.name === VM) });
  const h = await startHarness({ azure, env: { APPROVERS: '*', ...env }, ...options });
  const stop = h.stop;
  h.stop = async () => {
    await stop();
    await azure.close();
  };
  return h;
}

function nsgRules(h: Harness) {
  const sandbox = h.azure.sandbox!;
  const nsg = sandbox.state.nsgs.find(
    sandbox.subscriptionId,
    RESOURCE_GROUP,
    'Microsoft.Network/networkSecurityGroups',
    `${VM}-nsg`,
  );
  if (!nsg) throw new Error(`no NSG ${VM}-nsg in the sandbox`);
  return nsg.rules;
}

let h: Harness;
afterEach(async () => {
  await h.stop();
});

test('proposed by A, approved by A: refused; by B outside APPROVERS: refused; by B: runs once, verified, and /rdp no longer names the cause', async () => {
  h = await start({ APPROVERS: `${BOB},${CAROL}` });
  const diagnosis = await diagnosed(h, VM, `from ${SOURCE}`, ALICE);
  const proposal = await propose(h, diagnosis, FIX, ALICE, {});
  const id = proposalIdOf(proposal);
  // The message as a client that has not redrawn yet still shows it, buttons and all.
  const asFirstShown = structuredClone(proposal);

  // In the diagnosis thread, broadcast to the channel: who proposes what, on which VM, and why.
  const post = h.fake.calls.find(
    (c) => c.method === 'chat.postMessage' && JSON.stringify(c.body.blocks ?? []).includes(id),
  );
  expect(post?.body).toMatchObject({ channel: CHANNEL, thread_ts: diagnosis.ts, reply_broadcast: 'true' });
  expect(textOf(proposal)).toContain(`<@${ALICE}>`);
  expect(textOf(proposal)).toContain(VM);
  expect(textOf(proposal)).toContain('nsg-denies-rdp');
  expect(textOf(proposal)).toContain(`from ${SOURCE}`);
  expect(findButton(proposal, 'deny-fix')).toBeDefined();
  expect(validateMessageBlocks(proposal.blocks ?? [])).toEqual([]);

  expect(await privateAnswer(h, ALICE, () => h.click(proposal, 'approve-fix', ALICE))).toMatch(
    /You proposed this fix; a second person must approve it/,
  );
  expect(await privateAnswer(h, MALLORY, () => h.click(proposal, 'approve-fix', MALLORY))).toMatch(
    /not one of the approvers/,
  );
  await settle();
  expect(armWrites(h)).toBe(0);
  expect((await h.app.store.getProposal(id))?.state).toBe('proposed');

  await h.click(proposal, 'approve-fix', BOB);
  const done = await finalProposal(h, id);
  expect(done.state).toBe('succeeded');
  expect(done.reason).toMatch(/Verified/);

  // Once: one rule PUT per NSG the plan named, and the rule is there, ahead of the deny.
  const writes = h.azure.sandbox!.writes();
  expect(writes.map((w) => `${w.method} ${w.path.split('/').slice(-4).join('/')}`)).toEqual([
    `PUT networkSecurityGroups/${VM}-nsg/securityRules/Allow-RDP-203.0.113.10-32-rdpdoctor`,
  ]);
  const allow = nsgRules(h).find((r) => r.name === 'Allow-RDP-203.0.113.10-32-rdpdoctor');
  const deny = nsgRules(h).find((r) => r.name === 'DenyRdpAll');
  expect(allow).toMatchObject({ access: 'Allow', sourceAddressPrefix: SOURCE });
  expect(allow!.priority).toBeLessThan(deny!.priority);

  // The message went through every state, and the thread has the result with its verification.
  const states = [...proposal.history.map((v) => v.text), proposal.text].map((t) => t.split(': ').pop());
  expect(states).toEqual(expect.arrayContaining(['waiting for approval', 'running', 'done and verified']));
  expect(findButton(proposal, 'approve-fix')).toBeUndefined();
  expect(validateMessageBlocks(proposal.blocks ?? [])).toEqual([]);
  const result = await h.waitFor(() =>
    h.fake.messages.find(
      (m) => m.thread_ts === diagnosis.ts && m.text.startsWith(`${FIX} on ${VM}: done and verified`),
    ),
  );
  expect(textOf(result)).toMatch(/Verified/);
  expect(textOf(result)).toMatch(/ARM correlation id/);

  // A late click changes nothing and says why.
  expect(await privateAnswer(h, CAROL, () => h.click(asFirstShown, 'approve-fix', CAROL))).toMatch(
    /already ran and succeeded/,
  );
  await settle();
  expect(h.azure.sandbox!.writes()).toHaveLength(1);

  const again = await diagnosed(h, VM, `from ${SOURCE}`, CAROL);
  expect(JSON.stringify(again.blocks)).not.toContain(`fix:${FIX}`);
  const snapshot = await h.app.store.latestSnapshot(done.vmId);
  expect(snapshot?.report.findings.map((f) => f.cause)).not.toContain('nsg-denies-rdp');

  // `/rdp audit` shows every step, refused ones included, with the ARM correlation id: people as
  // mentions and steps as sentences, never the workflow's internal names.
  const audit = await privateAnswer(h, CAROL, () => h.command(`audit ${VM}`, { user: CAROL }));
  const title = '*Allow RDP from your address*';
  expect(audit).toContain(`<@${ALICE}> proposed ${title}`);
  expect(audit).toContain(`<@${ALICE}> tried to approve ${title}: refused: the proposer cannot approve`);
  expect(audit).toContain(
    `<@${MALLORY}> tried to approve ${title}: refused: they are not one of the approvers`,
  );
  expect(audit).toMatch(new RegExp(`<@(${BOB}|${CAROL})> approved \\*Allow RDP from your address\\*`));
  expect(audit).toContain(`rdp-doctor started ${title}`);
  expect(audit).toContain(`${title} succeeded`);
  expect(audit).toMatch(/ARM correlation id [0-9a-f-]{36}/);
  expect(audit).not.toMatch(/approve-refused|approval-added|self-approval|not-an-approver|executing/);
});

test('Deny asks for a reason behind a confirm dialog; a denied fix never runs and its buttons only say so', async () => {
  h = await start();
  const diagnosis = await diagnosed(h, VM, `from ${SOURCE}`, ALICE);
  const proposal = await propose(h, diagnosis, FIX, ALICE, {});
  const asFirstShown = structuredClone(proposal);
  const id = proposalIdOf(proposal);
  expect(findButton(proposal, 'deny-fix')).toBeDefined();
  expect(JSON.stringify(proposal.blocks)).toMatch(
    /"confirm":\{"title":\{"type":"plain_text","text":"Deny this fix\?"/,
  );

  const modal = await openedModal(h, 'deny-reason', () => h.click(proposal, 'deny-fix', BOB));
  const response = await h.submit(modal, BOB, { reason: 'change freeze until 18:00' });
  expect(response.status).toBe(200);
  const denied = await finalProposal(h, id);
  expect(denied).toMatchObject({ state: 'denied', reason: 'change freeze until 18:00' });
  await h.waitFor(() => /Denied\* by <@U0BOB>: change freeze until 18:00/.test(textOf(proposal)));
  expect(findButton(proposal, 'approve-fix')).toBeUndefined();

  expect(await privateAnswer(h, CAROL, () => h.click(asFirstShown, 'approve-fix', CAROL))).toMatch(
    /denied \(change freeze until 18:00\); it will not run/,
  );
  expect(await privateAnswer(h, CAROL, () => h.click(asFirstShown, 'deny-fix', CAROL))).toMatch(/denied/);
  await settle();
  expect(armWrites(h)).toBe(0);
});

test('APPROVERS unset: nobody can approve, the proposal says an admin must set APPROVERS, nothing runs', async () => {
  h = await start({ APPROVERS: '' });
  const diagnosis = await diagnosed(h, VM, `from ${SOURCE}`, ALICE);
  const proposal = await propose(h, diagnosis, FIX, ALICE, {});
  const id = proposalIdOf(proposal);
  expect(textOf(proposal)).toContain('nobody yet: an admin must set APPROVERS');

  for (const user of [BOB, CAROL]) {
    expect(await privateAnswer(h, user, () => h.click(proposal, 'approve-fix', user))).toMatch(
      /not recorded: nobody may approve fixes until an admin sets APPROVERS/,
    );
  }
  await settle();
  expect(armWrites(h)).toBe(0);
  expect(await h.app.store.listApprovers(id)).toEqual([]);
  expect((await h.app.store.getProposal(id))?.state).toBe('proposed');
  const refused = (await h.app.store.listAudit({ proposalId: id })).filter(
    (e) => e.action === 'approve-refused',
  );
  expect(refused.map((e) => [e.actor, e.detail])).toEqual([
    [BOB, 'approvers-unset'],
    [CAROL, 'approvers-unset'],
  ]);
});

test('APPROVERS=*: the proposer is refused, any other member approves and the fix runs once', async () => {
  h = await start({ APPROVERS: '*' });
  const diagnosis = await diagnosed(h, VM, `from ${SOURCE}`, ALICE);
  const proposal = await propose(h, diagnosis, FIX, ALICE, {});
  const id = proposalIdOf(proposal);
  expect(textOf(proposal)).toContain('anyone here other than <@U0ALICE>');
  expect(await privateAnswer(h, ALICE, () => h.click(proposal, 'approve-fix', ALICE))).toMatch(
    /You proposed this fix/,
  );
  await h.click(proposal, 'approve-fix', MALLORY);
  expect(await finalProposal(h, id)).toMatchObject({ state: 'succeeded', decidedBy: MALLORY });
  expect(armWrites(h)).toBe(1);
});

test('APPROVERS as a user group: a member approves; when Slack cannot list the group, the click is refused and nothing runs', async () => {
  h = await start({ APPROVERS: 'S0ONCALL' });
  h.fake.setUserGroup('S0ONCALL', [BOB, CAROL]);
  const diagnosis = await diagnosed(h, VM, `from ${SOURCE}`, ALICE);
  const proposal = await propose(h, diagnosis, FIX, ALICE, {});
  const id = proposalIdOf(proposal);
  expect(textOf(proposal)).toContain('members of <!subteam^S0ONCALL>');

  h.fake.failMethod('usergroups.users.list', 'missing_scope');
  expect(await privateAnswer(h, BOB, () => h.click(proposal, 'approve-fix', BOB))).toMatch(
    /not recorded: Slack did not say who is in the approver group S0ONCALL \(missing_scope\)/,
  );
  h.fake.failMethod('usergroups.users.list', undefined);
  expect(await privateAnswer(h, MALLORY, () => h.click(proposal, 'approve-fix', MALLORY))).toMatch(
    /not one of the approvers/,
  );
  await settle();
  expect(armWrites(h)).toBe(0);
  expect(await h.app.store.listApprovers(id)).toEqual([]);
  const refused = (await h.app.store.listAudit({ proposalId: id })).filter(
    (e) => e.action === 'approve-refused',
  );
  expect(refused.map((e) => [e.actor, e.detail])).toEqual([
    [BOB, 'approvers-unavailable'],
    [MALLORY, 'not-an-approver'],
  ]);

  await h.click(proposal, 'approve-fix', CAROL);
  expect(await finalProposal(h, id)).toMatchObject({ state: 'succeeded' });
  expect(armWrites(h)).toBe(1);
});

test('APPROVALS_REQUIRED=2: one approval leaves it waiting and says who else may approve; the same person twice counts once', async () => {
  h = await start({ APPROVERS: `${BOB},${CAROL},U0DAVE`, APPROVALS_REQUIRED: '2' });
  const diagnosis = await diagnosed(h, VM, `from ${SOURCE}`, ALICE);
  const proposal = await propose(h, diagnosis, FIX, ALICE, {});
  const id = proposalIdOf(proposal);
  expect(textOf(proposal)).toContain('Waiting for 2 more approvals from <@U0BOB>, <@U0CAROL> or <@U0DAVE>');

  expect(await privateAnswer(h, BOB, () => h.click(proposal, 'approve-fix', BOB))).toMatch(
    /Approval recorded \(1 of 2\); 1 more approval needed/,
  );
  await h.waitFor(() =>
    textOf(proposal).includes(
      'Approved by <@U0BOB> (1 of 2). Waiting for 1 more approval from <@U0CAROL> or <@U0DAVE>',
    ),
  );
  expect(await privateAnswer(h, BOB, () => h.click(proposal, 'approve-fix', BOB))).toMatch(/\(1 of 2\)/);
  await settle();
  expect(await h.app.store.listApprovers(id)).toEqual([BOB]);
  expect((await h.app.store.getProposal(id))?.state).toBe('proposed');
  expect(armWrites(h)).toBe(0);

  await h.click(proposal, 'approve-fix', CAROL);
  const done = await finalProposal(h, id);
  expect(done.state).toBe('succeeded');
  expect(armWrites(h)).toBe(1);
  expect(textOf(proposal)).toContain('Done and verified');
});

test('an expired proposal cannot be approved, and its message says it expired', async () => {
  h = await start({ APPROVAL_TTL: '1s' });
  const diagnosis = await diagnosed(h, VM, `from ${SOURCE}`, ALICE);
  const clicked = await propose(h, diagnosis, FIX, ALICE, {});
  // A second address, since the same change proposed twice points at the first instead.
  const swept = await propose(h, diagnosis, FIX, ALICE, { 'input:source': '203.0.113.99' });
  await settle(1100);

  expect(await privateAnswer(h, BOB, () => h.click(clicked, 'approve-fix', BOB))).toMatch(
    /expired at \d\d:\d\d UTC before it was approved/,
  );
  expect((await h.app.store.getProposal(proposalIdOf(swept)))?.state).toBe('proposed');
  await h.app.sweep();
  for (const message of [clicked, swept]) {
    await h.waitFor(() => textOf(message).includes('*Expired*'));
    expect(findButton(message, 'approve-fix')).toBeUndefined();
  }
  expect(armWrites(h)).toBe(0);
});

test('a fix whose cause went away before approval does not run: no-longer-needed, no ARM write', async () => {
  h = await start();
  const diagnosis = await diagnosed(h, VM, `from ${SOURCE}`, ALICE);
  const proposal = await propose(h, diagnosis, FIX, ALICE, {});
  const id = proposalIdOf(proposal);
  // Someone removed the deny by hand meanwhile.
  const rules = nsgRules(h);
  rules.splice(
    rules.findIndex((r) => r.name === 'DenyRdpAll'),
    1,
  );

  await h.click(proposal, 'approve-fix', BOB);
  const ended = await finalProposal(h, id);
  expect(ended.state).toBe('no-longer-needed');
  expect(ended.reason).toMatch(/Nothing was changed/);
  expect(armWrites(h)).toBe(0);
  expect(textOf(proposal)).toContain('Not run:');
});

test('a fix button whose diagnosis is not on record answers privately and proposes nothing', async () => {
  h = await start();
  const diagnosis = await diagnosed(h, VM, `from ${SOURCE}`, ALICE);
  const { run } = JSON.parse(findButton(diagnosis, `fix:${FIX}`)!.value!) as { run: string };
  const forgotten = {
    ...diagnosis,
    blocks: JSON.parse(
      JSON.stringify(diagnosis.blocks).split(run).join('00000000-0000-4000-8000-000000000000'),
    ) as unknown[],
  };
  expect(await privateAnswer(h, ALICE, () => h.click(forgotten, `fix:${FIX}`, ALICE))).toMatch(
    /That diagnosis is still finishing, or is no longer on record/,
  );
  await settle();
  expect(proposalsIn(h, diagnosis)).toHaveLength(0);
  expect(h.fake.views).toHaveLength(0);
});
