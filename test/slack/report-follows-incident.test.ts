import { scenarios } from '@rdp-doctor/azure-sandbox';
import { validateMessageBlocks } from '@rdp-doctor/slack-fake';
import { RERUN_ACTION_ID } from '../../src/slack/blocks/rerun-button';
import { findButton, scenarioAzure, startHarness, type Harness } from '../support/slack-harness';
import {
  diagnosed,
  finalProposal,
  openedModal,
  prefilled,
  privateAnswer,
  propose,
  proposalIdOf,
  proposalsIn,
  settle,
  textOf,
} from './approvals-support';

// The original report follows the incident: after a verified fix, the diagnosis message says which cause
// was resolved, by which fix, who approved it and when; that cause's fix buttons are gone and a Re-run
// button is there. An old button clicked again says what already happened instead of proposing again.

const VM = 'nsg-denies-rdp';
const FIX = 'nsg-allow-rdp-from-source';
const SOURCE = '203.0.113.10';
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';

let h: Harness | undefined;
let closeAzure: (() => Promise<void>) | undefined;
afterEach(async () => {
  await h?.stop();
  await closeAzure?.();
});

test('a verified fix redraws its diagnosis as resolved, and the old fix button then says so', async () => {
  const azure = await scenarioAzure({ scenarios: scenarios.filter((s) => s.name === VM) });
  closeAzure = () => azure.close();
  const harness = await startHarness({ azure, env: { APPROVERS: BOB } });
  h = harness;
  const diagnosis = await diagnosed(harness, VM, `from ${SOURCE}`, ALICE);
  const asFirstShown = structuredClone(diagnosis);
  expect(findButton(diagnosis, `fix:${FIX}`)).toBeDefined();

  // The same change proposed again while the first waits points at it instead of proposing twice.
  const proposal = await propose(harness, diagnosis, FIX, ALICE, {});
  const id = proposalIdOf(proposal);
  const again = await openedModal(harness, 'fix-params', () =>
    harness.click(asFirstShown, `fix:${FIX}`, BOB),
  );
  expect(await privateAnswer(harness, BOB, () => harness.submit(again, BOB, prefilled(again)))).toMatch(
    /already proposed in the thread below the report \(proposed, expires \d\d:\d\d UTC\)/,
  );
  expect(proposalsIn(harness, diagnosis)).toHaveLength(1);

  await harness.click(proposal, 'approve-fix', BOB);
  expect((await finalProposal(harness, id)).state).toBe('succeeded');

  const report = await harness.waitFor(() => {
    const now = harness.channelMessages().find((m) => m.ts === diagnosis.ts);
    return now && /resolved by/.test(textOf(now)) ? now : undefined;
  });
  const shown = textOf(report);
  expect(shown).toMatch(/Network path/);
  expect(shown).toMatch(/resolved by Allow RDP[^·]*· approved by <@U0BOB> · \d\d:\d\d UTC/);
  expect(findButton(report, `fix:${FIX}`)).toBeUndefined();
  expect(findButton(report, RERUN_ACTION_ID)).toBeDefined();
  expect(validateMessageBlocks(report.blocks ?? [])).toEqual([]);

  // The proposal's final state and its result say who approved.
  const final = proposalsIn(harness, diagnosis)[0];
  expect(textOf(final)).toMatch(/Done and verified\* \(approved by <@U0BOB>\)/);
  const result = harness.fake.messages.find(
    (m) =>
      m.thread_ts === diagnosis.ts &&
      !m.ephemeral &&
      /verified/i.test(m.text) &&
      /Approved by/.test(textOf(m)),
  );
  expect(result).toBeDefined();

  // The button as a client that has not redrawn still shows it: the click says what already happened.
  const before = proposalsIn(harness, diagnosis).length;
  expect(await privateAnswer(harness, ALICE, () => harness.click(asFirstShown, `fix:${FIX}`, ALICE))).toMatch(
    /already resolved this at \d\d:\d\d UTC.*Re-run diagnosis/,
  );
  await settle();
  expect(proposalsIn(harness, diagnosis)).toHaveLength(before);
}, 60_000);
