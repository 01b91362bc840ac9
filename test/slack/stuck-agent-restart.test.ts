import { scenarios } from '@rdp-doctor/azure-sandbox';
import { validateMessageBlocks } from '@rdp-doctor/slack-fake';
import { RERUN_ACTION_ID } from '../../src/slack/blocks/rerun-button';
import { findButton, scenarioAzure, startHarness, type Harness } from '../support/slack-harness';
import { diagnosed, finalProposal, propose, proposalIdOf, textOf } from './approvals-support';

// An incomplete diagnosis offers a restart when the agent is stuck: on vm-hung every Run Command is
// accepted and never finishes, so after the (here shortened) timeout the report is incomplete and its next
// steps offer Restart VM beside Re-run. Proposed by one person and approved by another, the restart is
// re-checked first (the probe still gets no answer), runs in the sandbox, and is verified (the probe
// answers again); the report then says the stuck agent was resolved.

const VM = 'vm-hung';
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';
/** Short enough for the hang to show, long enough that a loaded machine's answer after the restart arrives. */
const GUEST_TIMEOUT_MS = 5_000;

let h: Harness | undefined;
let closeAzure: (() => Promise<void>) | undefined;
afterEach(async () => {
  await h?.stop();
  await closeAzure?.();
});

test('a hung Run Command: the incomplete report offers Restart VM, and the approved restart is verified', async () => {
  const azure = await scenarioAzure(
    { scenarios: scenarios.filter((s) => s.name === VM) },
    { guest: GUEST_TIMEOUT_MS },
  );
  closeAzure = () => azure.close();
  const harness = await startHarness({ azure, env: { APPROVERS: BOB } });
  h = harness;
  const machine = [...azure.sandbox.state.vms.values()].find((vm) => vm.name === VM)!;

  const diagnosis = await diagnosed(harness, VM, '', ALICE);
  const report = textOf(diagnosis);
  expect(validateMessageBlocks(diagnosis.blocks ?? [])).toEqual([]);
  expect(report).toContain('⚠️ *No failing layer found, but the diagnosis is incomplete.*');
  expect(report).toContain('no answer within 5 s');
  expect(report).toContain('the agent or Windows is stuck');
  expect(findButton(diagnosis, 'fix:restart-vm')).toBeDefined();
  expect(findButton(diagnosis, RERUN_ACTION_ID)).toBeDefined();

  const proposal = await propose(harness, diagnosis, 'restart-vm', ALICE);
  expect(textOf(proposal)).toContain('Restart vm-hung: Windows shuts down and starts again');
  const id = proposalIdOf(proposal);
  await harness.click(proposal, 'approve-fix', BOB);
  const final = await finalProposal(harness, id);

  expect(final.state).toBe('succeeded');
  const restarts = azure.sandbox.requests.filter((r) => r.method === 'POST' && /\/restart$/i.test(r.path));
  expect(restarts.map((r) => r.status)).toEqual([202]);
  expect(machine.powerState).toBe('running');
  const result = await harness.waitFor(() =>
    harness.fake.messages.find(
      (m) => m.thread_ts === diagnosis.ts && !m.ephemeral && /Verified: /.test(textOf(m)),
    ),
  );
  expect(textOf(result)).toContain('Restarted vm-hung. Verified: The VM agent is ready');

  // The report follows: the stuck agent reads as resolved, its button is gone, Re-run is still there.
  const redrawn = await harness.waitFor(() => {
    const now = harness.channelMessages().find((m) => m.ts === diagnosis.ts);
    return now && /The stuck agent was resolved by/.test(textOf(now)) ? now : undefined;
  });
  expect(textOf(redrawn)).toMatch(/resolved by Restart the VM · approved by <@U0BOB> · \d\d:\d\d UTC/);
  expect(findButton(redrawn, 'fix:restart-vm')).toBeUndefined();
  expect(findButton(redrawn, RERUN_ACTION_ID)).toBeDefined();
  expect(validateMessageBlocks(redrawn.blocks ?? [])).toEqual([]);
}, 90_000);
