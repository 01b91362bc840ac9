import { scenarios } from '@rdp-doctor/azure-sandbox/scenarios';
import type { FakeMessage, FakeView } from '@rdp-doctor/slack-fake';
import { signMetadata } from '../../src/slack/views/signed-metadata';
import { CHANNEL, findButton, scenarioAzure, startHarness, type Harness } from '../support/slack-harness';
import {
  diagnosed,
  finalProposal,
  openedModal,
  privateAnswer,
  propose,
  proposalIdOf,
  settle,
} from './approvals-support';

// Buttons and modals come back as the client sends them, so anyone can forge them. Each forgery below is
// a signed request a member could craft; none may propose a fix the diagnosis never offered, count an
// approval from elsewhere, or pick where a proposal goes.

const VM = 'nsg-denies-rdp';
const FIX = 'nsg-allow-rdp-from-source';
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';
const MALLORY = 'U0MALLORY';
/** A member, not an approver. */
const EVE = 'U0EVE';
const OTHER_CHANNEL = 'C0ELSEWHERE';

let h: Harness;
let diagnosis: FakeMessage;
let runId: string;

beforeAll(async () => {
  const azure = await scenarioAzure({ scenarios: scenarios.filter((s) => s.name === VM) });
  h = await startHarness({ azure, env: { APPROVERS: `${BOB},${MALLORY}` } });
  const stop = h.stop;
  h.stop = async () => {
    await stop();
    await azure.close();
  };
  diagnosis = await diagnosed(h, VM, 'from 203.0.113.10', ALICE);
  runId = (JSON.parse(findButton(diagnosis, `fix:${FIX}`)!.value!) as { run: string }).run;
});
afterAll(async () => {
  await h.stop();
});

/** Waits for an asynchronous condition (the store) to hold. */
async function until(probe: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('until: timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function proposalCount(): Promise<number> {
  return (await h.app.store.listProposalsInState(['proposed', 'approved', 'executing', 'succeeded'])).length;
}

interface Click {
  actionId: string;
  value: string;
  user: string;
  channel?: string;
  /** Where the button sits: a channel message (default), a modal, or the clicker's App Home. */
  surface?: 'message' | 'modal' | 'home';
}

/** A block_actions payload as a client could send it, with whatever action id, value and channel it likes. */
function forgedClick(click: Click): Promise<Response> {
  const channel = click.channel ?? CHANNEL;
  const surface = click.surface ?? 'message';
  const where =
    surface === 'message'
      ? {
          container: { type: 'message', message_ts: diagnosis.ts, channel_id: channel, is_ephemeral: false },
          channel: { id: channel, name: 'somewhere' },
          message: { type: 'message', ts: diagnosis.ts, text: diagnosis.text, blocks: diagnosis.blocks },
        }
      : {
          container: { type: 'view', view_id: 'V0FORGED' },
          view: { id: 'V0FORGED', type: surface, blocks: [], private_metadata: '', callback_id: '' },
        };
  return h.interact({
    type: 'block_actions',
    user: { id: click.user, username: click.user.toLowerCase(), name: click.user, team_id: h.fake.teamId },
    api_app_id: 'A0RDPDOCTOR',
    token: 'deprecated-verification-token',
    trigger_id: h.fake.triggerId(),
    team: { id: h.fake.teamId, domain: 'rdp-doctor' },
    ...where,
    actions: [
      {
        type: 'button',
        action_id: click.actionId,
        block_id: 'forged',
        value: click.value,
        action_ts: `${Date.now() / 1000}`,
        text: { type: 'plain_text', text: 'forged' },
      },
    ],
  });
}

const button = (cause: string, fix: string, run?: string) =>
  JSON.stringify({ run: run ?? runId, cause, fix });

describe('a forged fix button proposes nothing', () => {
  test.each<[string, () => Click, RegExp]>([
    [
      'a fix the finding never offered (restart-vm for nsg-denies-rdp)',
      () => ({ actionId: 'fix:restart-vm', value: button('nsg-denies-rdp', 'restart-vm'), user: ALICE }),
      /does not offer restart-vm for nsg-denies-rdp/,
    ],
    [
      'another cause’s fix on this finding (vmaccess-reset)',
      () => ({
        actionId: 'fix:vmaccess-reset',
        value: button('nsg-denies-rdp', 'vmaccess-reset'),
        user: ALICE,
      }),
      /does not offer vmaccess-reset/,
    ],
    [
      'a cause this run never found (termservice-not-running)',
      () => ({
        actionId: 'fix:start-termservice',
        value: button('termservice-not-running', 'start-termservice'),
        user: ALICE,
      }),
      /no longer holds what the fix needs/,
    ],
    [
      'a fix id this version does not have',
      () => ({ actionId: 'fix:format-c', value: button('nsg-denies-rdp', 'format-c'), user: ALICE }),
      /has no fix format-c/,
    ],
    [
      'a run id that was never diagnosed',
      () => ({
        actionId: `fix:${FIX}`,
        value: button('nsg-denies-rdp', FIX, 'run-that-never-was'),
        user: ALICE,
      }),
      /no longer on record/,
    ],
    [
      'the real button clicked from another channel',
      () => ({
        actionId: `fix:${FIX}`,
        value: button('nsg-denies-rdp', FIX),
        user: ALICE,
        channel: OTHER_CHANNEL,
      }),
      /posted in another channel/,
    ],
    [
      'an action id naming another fix than its value (fix:start-vm carrying the NSG fix)',
      () => ({ actionId: 'fix:start-vm', value: button('nsg-denies-rdp', FIX), user: ALICE }),
      /could not be read/,
    ],
    [
      'a value that is not JSON',
      () => ({ actionId: `fix:${FIX}`, value: '{"run":', user: ALICE }),
      /could not be read/,
    ],
  ])('%s', async (_, click, said) => {
    const before = await proposalCount();
    const views = h.fake.views.length;
    const forged = click();
    const answer = await privateAnswer(h, forged.user, () => forgedClick(forged));
    expect(answer).toMatch(said);
    await settle(100);
    expect(await proposalCount()).toBe(before);
    expect(h.fake.views.length).toBe(views);
  });
});

describe('a forged fix modal proposes nothing', () => {
  let modal: FakeView;
  beforeAll(async () => {
    modal = await openedModal(h, 'fix-params', () => h.click(diagnosis, `fix:${FIX}`, ALICE));
  });

  const genuine = () => ({ run: runId, cause: 'nsg-denies-rdp', fix: FIX, channel: CHANNEL, user: ALICE });
  const withMetadata = (metadata: string): FakeView => ({
    ...modal,
    view: { ...modal.view, private_metadata: metadata },
  });
  const payloadOf = (metadata: string) => metadata.split('.')[0];
  const signature = (metadata: string) => metadata.split('.')[1];
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

  test.each<[string, (signed: string) => { metadata: string; user: string }]>([
    [
      'unsigned JSON choosing another channel (the old format)',
      () => ({
        metadata: JSON.stringify({ ...genuine(), channel: OTHER_CHANNEL, thread: '1.1' }),
        user: ALICE,
      }),
    ],
    [
      'the signed context with its channel changed, signature kept',
      (signed) => ({
        metadata: `${encode({ ...genuine(), channel: OTHER_CHANNEL })}.${signature(signed)}`,
        user: ALICE,
      }),
    ],
    [
      'the signed context with its fix changed to one never offered, signature kept',
      (signed) => ({
        metadata: `${encode({ ...genuine(), fix: 'restart-vm' })}.${signature(signed)}`,
        user: ALICE,
      }),
    ],
    [
      'a context signed with another key',
      () => ({ metadata: signMetadata(Buffer.alloc(32, 7), genuine()), user: ALICE }),
    ],
    ['Alice’s genuine modal submitted by Mallory', (signed) => ({ metadata: signed, user: MALLORY })],
    ['no signature at all', (signed) => ({ metadata: payloadOf(signed), user: ALICE })],
  ])('%s', async (_, forge) => {
    const before = await proposalCount();
    const { metadata, user } = forge(String(modal.view.private_metadata ?? ''));
    const response = await h.submit(withMetadata(metadata), user, { 'input:source': '203.0.113.10' });
    expect(response.status).toBe(200);
    const body = JSON.parse(await response.text()) as {
      response_action: string;
      errors: Record<string, string>;
    };
    expect(body.response_action).toBe('errors');
    expect(Object.values(body.errors).join()).toMatch(/could not be read/);
    await settle(100);
    expect(await proposalCount()).toBe(before);
  });

  test('the genuine modal, submitted by whoever opened it, proposes in the diagnosis thread', async () => {
    const before = await proposalCount();
    const response = await h.submit(modal, ALICE, { 'input:source': '203.0.113.10' });
    expect(await response.text()).toBe('');
    await until(async () => (await proposalCount()) === before + 1);
    const [proposal] = await h.app.store.listProposalsInState(['proposed']);
    expect(proposal).toMatchObject({ channel: CHANNEL, threadTs: diagnosis.ts, proposer: ALICE });
  });
});

describe('a deny counts only from the proposal’s channel or App Home, through a signed form', () => {
  let proposalId: string;
  beforeAll(async () => {
    const proposal = await propose(h, diagnosis, 'nsg-allow-rdp-from-source', ALICE, {
      'input:source': '203.0.113.12',
    });
    proposalId = proposalIdOf(proposal);
  });

  const denyRefusals = async () =>
    (await h.app.store.listAudit({ proposalId })).filter(
      (row) => row.action === 'deny-refused' && row.detail?.startsWith('wrong-place'),
    ).length;

  test('deny clicked in another channel opens no form, is refused, recorded, and the fix still waits', async () => {
    const before = await denyRefusals();
    const forms = h.fake.views.length;
    const answer = await privateAnswer(h, MALLORY, () =>
      forgedClick({ actionId: 'deny-fix', value: proposalId, user: MALLORY, channel: OTHER_CHANNEL }),
    );
    expect(answer).toContain(`proposed in another channel (${CHANNEL}): approve or deny it there`);
    expect(await denyRefusals()).toBe(before + 1);
    expect(h.fake.views.length).toBe(forms);
    expect((await h.app.store.getProposal(proposalId))?.state).toBe('proposed');
  });

  test('deny forged from the App Home of someone who may not approve opens no form and is refused', async () => {
    const refusals = async () =>
      (await h.app.store.listAudit({ proposalId })).filter(
        (row) => row.action === 'deny-refused' && row.detail?.startsWith('not-an-approver'),
      ).length;
    const before = await refusals();
    const forms = h.fake.views.length;
    await forgedClick({ actionId: 'deny-fix', value: proposalId, user: EVE, surface: 'home' });
    await until(async () => (await refusals()) === before + 1);
    expect(h.fake.views.length).toBe(forms);
    expect((await h.app.store.getProposal(proposalId))?.state).toBe('proposed');
  });

  test('a deny form whose context the app did not sign, or whose signed place was changed, is refused and denies nothing', async () => {
    const modal = await openedModal(h, 'deny-reason', () =>
      forgedClick({ actionId: 'deny-fix', value: proposalId, user: BOB }),
    );
    const signed = String(modal.view.private_metadata ?? '');
    const [, signature] = signed.split('.');
    const elsewhere = Buffer.from(
      JSON.stringify({ proposal: proposalId, place: { surface: 'channel', channel: OTHER_CHANNEL } }),
    ).toString('base64url');
    for (const metadata of [
      JSON.stringify({ proposal: proposalId, channel: OTHER_CHANNEL }),
      `${elsewhere}.${signature}`,
    ]) {
      const response = await h.submit(
        { ...modal, view: { ...modal.view, private_metadata: metadata } },
        MALLORY,
        { reason: 'forged' },
      );
      const body = JSON.parse(await response.text()) as {
        response_action: string;
        errors: Record<string, string>;
      };
      expect(body.response_action).toBe('errors');
      expect(Object.values(body.errors).join()).toMatch(/could not be read/);
    }
    expect((await h.app.store.getProposal(proposalId))?.state).toBe('proposed');

    // The genuine form, as the app signed it, denies.
    await h.submit(modal, BOB, { reason: 'change freeze' });
    await until(async () => (await h.app.store.getProposal(proposalId))?.state === 'denied');
  });
});

describe('an approval counts only from the proposal’s channel or App Home', () => {
  let proposalId: string;
  beforeAll(async () => {
    const proposal = await propose(h, diagnosis, 'nsg-allow-rdp-from-source', ALICE, {
      'input:source': '203.0.113.11',
    });
    proposalId = proposalIdOf(proposal);
  });

  test.each<[string, Partial<Click>]>([
    ['approve clicked in another channel', { channel: OTHER_CHANNEL }],
    ['approve clicked in a direct message', { channel: 'D0MALLORYDM' }],
    ['approve clicked inside a modal', { surface: 'modal' }],
  ])('%s is refused, recorded and counts nothing', async (_, where) => {
    const refusals = async () =>
      (await h.app.store.listAudit({ proposalId })).filter(
        (row) => row.action === 'approve-refused' && row.detail?.startsWith('wrong-place'),
      ).length;
    const before = await refusals();
    await forgedClick({ actionId: 'approve-fix', value: proposalId, user: MALLORY, ...where });
    await until(async () => (await refusals()) === before + 1);
    expect(await h.app.store.listApprovers(proposalId)).toEqual([]);
    expect((await h.app.store.getProposal(proposalId))?.state).toBe('proposed');
  });

  test('the clicker in another channel is told where to approve', async () => {
    const answer = await privateAnswer(h, MALLORY, () =>
      forgedClick({ actionId: 'approve-fix', value: proposalId, user: MALLORY, channel: OTHER_CHANNEL }),
    );
    expect(answer).toContain(`proposed in another channel (${CHANNEL}): approve or deny it there`);
  });

  test('an eligible approver clicking in App Home is counted', async () => {
    await forgedClick({ actionId: 'approve-fix', value: proposalId, user: BOB, surface: 'home' });
    await until(async () => (await h.app.store.listApprovers(proposalId)).includes(BOB));
    await finalProposal(h, proposalId);
  });
});
