import { scenarios } from '@rdp-doctor/azure-sandbox';
import { validateMessageBlocks } from '@rdp-doctor/slack-fake';
import { findButton, scenarioAzure, startHarness, type Harness } from '../support/slack-harness';
import { diagnosed, finalProposal, propose, proposalIdOf, proposalsIn, textOf } from './approvals-support';

// The re-check decides a fix's outcome, not the script's own words: a guest fix whose script says it
// worked, on a machine that puts itself back at once (a Group Policy refresh), ends "failed" in Slack with
// the check's evidence, and the diagnosis keeps its fix button, since nothing was resolved; a fix whose
// output Run Command lost, on a machine it did mend, ends "succeeded" and says the output was unreadable.

const VM = 'termservice-not-running';
const FIX = 'start-termservice';
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';

let h: Harness | undefined;
let closeAzure: (() => Promise<void>) | undefined;
afterEach(async () => {
  await h?.stop();
  await closeAzure?.();
});

test('a fix whose re-check still finds the cause ends failed, and the thread shows the evidence', async () => {
  const azure = await scenarioAzure({ scenarios: scenarios.filter((s) => s.name === VM) });
  closeAzure = () => azure.close();
  const harness = await startHarness({ azure, env: { APPROVERS: BOB } });
  h = harness;
  const machine = [...azure.sandbox.state.vms.values()].find((vm) => vm.name === VM)!;
  machine.faults.fixScript = 'reverted';

  const diagnosis = await diagnosed(harness, VM, '', ALICE);
  const proposal = await propose(harness, diagnosis, FIX, ALICE);
  const id = proposalIdOf(proposal);
  await harness.click(proposal, 'approve-fix', BOB);
  const final = await finalProposal(harness, id);

  expect(final.state).toBe('failed');
  // The script ran (one write) and said it worked; the machine says otherwise.
  expect(azure.sandbox.writes()).toHaveLength(1);
  const result = await harness.waitFor(() =>
    harness.fake.messages.find(
      (m) => m.thread_ts === diagnosis.ts && !m.ephemeral && /But the cause is still there/.test(textOf(m)),
    ),
  );
  const text = textOf(result);
  expect(text).toContain('The Remote Desktop service (TermService) is Stopped');
  expect(text).toContain('Evidence: TermService is Stopped, start type Disabled.');
  expect(text).toContain('Confirm by hand: `az vm run-command invoke');
  expect(validateMessageBlocks(result.blocks ?? [])).toEqual([]);
  expect(textOf(proposalsIn(harness, diagnosis)[0])).toMatch(/Failed\* \(approved by <@U0BOB>\)/);

  // Nothing was resolved: the report still offers the fix.
  const report = harness.channelMessages().find((m) => m.ts === diagnosis.ts)!;
  expect(textOf(report)).not.toMatch(/resolved by/);
  expect(findButton(report, `fix:${FIX}`)).toBeDefined();
}, 60_000);

test('a fix whose output was lost ends succeeded when the re-check finds the cause gone, and says so', async () => {
  const azure = await scenarioAzure({ scenarios: scenarios.filter((s) => s.name === VM) });
  closeAzure = () => azure.close();
  const harness = await startHarness({ azure, env: { APPROVERS: BOB } });
  h = harness;
  const machine = [...azure.sandbox.state.vms.values()].find((vm) => vm.name === VM)!;
  machine.faults.fixOutput = 'lost';

  const diagnosis = await diagnosed(harness, VM, '', ALICE);
  const proposal = await propose(harness, diagnosis, FIX, ALICE);
  const id = proposalIdOf(proposal);
  await harness.click(proposal, 'approve-fix', BOB);
  const final = await finalProposal(harness, id);

  expect(final.state).toBe('succeeded');
  const result = await harness.waitFor(() =>
    harness.fake.messages.find(
      (m) => m.thread_ts === diagnosis.ts && !m.ephemeral && /output was unreadable/.test(textOf(m)),
    ),
  );
  expect(textOf(result)).toMatch(/so the re-check decides\. Verified: TermService is running/);
  expect(validateMessageBlocks(result.blocks ?? [])).toEqual([]);
  expect(textOf(proposalsIn(harness, diagnosis)[0])).toMatch(
    /Done and verified\* \(approved by <@U0BOB>\)\. The fix ran, but its output was unreadable/,
  );

  // Resolved: the report says by what, and its fix button is gone.
  const report = await harness.waitFor(() =>
    harness.channelMessages().find((m) => m.ts === diagnosis.ts && /resolved by/.test(textOf(m))),
  );
  expect(findButton(report, `fix:${FIX}`)).toBeUndefined();
}, 60_000);
