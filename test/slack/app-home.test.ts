import { scenarios } from '@rdp-doctor/azure-sandbox';
import type { FakeView } from '@rdp-doctor/slack-fake';
import { findButton, scenarioAzure, startHarness, type Harness } from '../support/slack-harness';
import { diagnosed, finalProposal, openedModal, propose, proposalIdOf } from './approvals-support';

// The App Home tab through the real Bolt app: the app_home_opened event, Approve and Deny clicked in the
// tab (block_actions from a home view), and the tab redrawn as the proposal moves.

const VM = 'nsg-denies-rdp';
const FIX = 'nsg-allow-rdp-from-source';
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';
const CAROL = 'U0CAROL';
const MALLORY = 'U0MALLORY';

let h: Harness;
afterEach(async () => {
  await h.stop();
});

async function start(): Promise<Harness> {
  const azure = await scenarioAzure({ scenarios: scenarios.filter((s) => s.name === VM) });
  const harness = await startHarness({ azure, env: { APPROVERS: `${BOB},${CAROL}` } });
  const stop = harness.stop;
  harness.stop = async () => {
    await stop();
    await azure.close();
  };
  return harness;
}

function textOf(view: FakeView | undefined): string {
  return JSON.stringify(view?.view.blocks ?? []);
}

/** Opens `user`'s Home and resolves with it once a publish after the open reached Slack. */
async function openHome(user: string): Promise<FakeView> {
  const published = h.fake.calls.filter((c) => c.method === 'views.publish').length;
  const response = await h.openHome(user);
  expect(response.status).toBe(200);
  await h.waitFor(
    () =>
      h.fake.calls.filter((c) => c.method === 'views.publish' && c.body.user_id === user).length > 0 &&
      h.fake.calls.filter((c) => c.method === 'views.publish').length > published,
  );
  return h.home(user)!;
}

/** Alice diagnoses the machine and proposes its fix; resolves with the proposal id. */
async function proposedByAlice(): Promise<string> {
  const diagnosis = await diagnosed(h, VM, 'from 203.0.113.10', ALICE);
  return proposalIdOf(await propose(h, diagnosis, FIX, ALICE, {}));
}

test('opening the app shows the proposals waiting for the viewer with Approve and Deny, their diagnoses and the digests', async () => {
  h = await start();
  const proposalId = await proposedByAlice();
  await h.app.store.createSubscription({
    channel: 'C0INCIDENT',
    schedule: '0 9 * * *',
    timezone: 'Europe/Paris',
    scope: { subscriptions: [], resourceGroups: ['rg-web-prod'], tags: [] },
    createdBy: ALICE,
  });

  const bobs = await openHome(BOB);
  expect(bobs.type).toBe('home');
  expect(findButton(bobs.view, 'approve-fix', proposalId)).toBeDefined();
  expect(findButton(bobs.view, 'deny-fix', proposalId)).toBeDefined();
  expect(textOf(bobs)).toContain('rg-web-prod');
  expect(textOf(bobs)).toContain('<#C0INCIDENT>');

  const alices = await openHome(ALICE);
  expect(findButton(alices.view, 'approve-fix')).toBeUndefined();
  expect(textOf(alices)).toContain('Nothing waits for your approval');
  expect(textOf(alices)).toContain(`*${VM}*`);

  const mallorys = await openHome(MALLORY);
  expect(findButton(mallorys.view, 'approve-fix')).toBeUndefined();
  expect(textOf(mallorys)).toContain('You have not asked for a diagnosis yet');
});

test('Approve in the Home tab runs the fix through the same workflow, and every open Home drops the proposal', async () => {
  h = await start();
  const proposalId = await proposedByAlice();
  const carols = await openHome(CAROL);
  expect(findButton(carols.view, 'approve-fix', proposalId)).toBeDefined();
  await openHome(BOB);

  const response = await h.clickInHome(BOB, 'approve-fix', proposalId);
  expect(response.status).toBe(200);
  const proposal = await finalProposal(h, proposalId);
  expect(proposal.state).toBe('succeeded');
  const audit = await h.app.store.listAudit({ proposalId });
  expect(audit.find((entry) => entry.action === 'approval-added')?.actor).toBe(BOB);

  await h.waitFor(() => !findButton(h.home(CAROL)!.view, 'approve-fix'));
  await h.waitFor(() => !findButton(h.home(BOB)!.view, 'approve-fix'));
});

test('Deny in the Home tab asks why in the same modal, denies as the clicker and redraws the tab', async () => {
  h = await start();
  const proposalId = await proposedByAlice();
  await openHome(BOB);

  const modal = await openedModal(h, 'deny-reason', () => h.clickInHome(BOB, 'deny-fix', proposalId));
  expect((await h.submit(modal, BOB, { reason: 'Change freeze until Monday' })).status).toBe(200);

  const proposal = await finalProposal(h, proposalId);
  expect(proposal).toMatchObject({ state: 'denied', reason: 'Change freeze until Monday' });
  await h.waitFor(() => !findButton(h.home(BOB)!.view, 'deny-fix'));
});

test('a deny form submitted after the fix ran is refused and answered at the top of the Home tab', async () => {
  h = await start();
  const proposalId = await proposedByAlice();
  await openHome(CAROL);
  const modal = await openedModal(h, 'deny-reason', () => h.clickInHome(CAROL, 'deny-fix', proposalId));

  // While Carol writes her reason, Bob approves in the channel and the fix runs.
  const proposalMessage = h.fake.messages.find((m) => findButton(m, 'approve-fix', proposalId))!;
  await h.click(proposalMessage, 'approve-fix', BOB);
  await finalProposal(h, proposalId);

  expect((await h.submit(modal, CAROL, { reason: 'too late' })).status).toBe(200);
  const top = () => (h.home(CAROL)?.view.blocks as { type: string; text?: { text: string } }[])[0];
  await h.waitFor(() => top()?.text?.text === 'This fix already ran and succeeded.');
  const audit = await h.app.store.listAudit({ proposalId });
  expect(audit.filter((e) => e.action === 'deny-refused').map((e) => e.actor)).toEqual([CAROL]);
});

test('a click on a stale Home is refused by the workflow and answered at the top of the tab', async () => {
  h = await start();
  const proposalId = await proposedByAlice();
  const stale = structuredClone(await openHome(CAROL));
  expect(findButton(stale.view, 'approve-fix', proposalId)).toBeDefined();

  const proposalMessage = h.fake.messages.find((m) => findButton(m, 'approve-fix', proposalId))!;
  await h.click(proposalMessage, 'approve-fix', BOB);
  await finalProposal(h, proposalId);

  const response = await h.clickInHome(CAROL, 'approve-fix', proposalId, stale);
  expect(response.status).toBe(200);
  const top = () => (h.home(CAROL)?.view.blocks as { type: string; text?: { text: string } }[])[0];
  await h.waitFor(() => top()?.type === 'section');
  expect(top().text?.text).toBe('This fix already ran and succeeded.');
  const audit = await h.app.store.listAudit({ proposalId });
  expect(audit.filter((e) => e.action === 'approve-refused').map((e) => e.actor)).toEqual([CAROL]);
  expect(audit.filter((e) => e.action === 'approval-added').map((e) => e.actor)).toEqual([BOB]);
});
