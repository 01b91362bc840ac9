import { scenarios } from '@rdp-doctor/azure-sandbox';
import { CHANNEL, findButton, scenarioAzure, startHarness, type Harness } from '../support/slack-harness';
import { openedModal, prefilled, proposalsIn } from './approvals-support';

// A fix button works the moment it is shown: the network verdict and its button appear while the Run
// Command (20 s here) is still out, and a click then opens the proposal at once instead of "still finishing".

const VM = 'nsg-denies-rdp';
const FIX = 'nsg-allow-rdp-from-source';
const RUN_COMMAND_MS = 20_000;

let h: Harness | undefined;
let closeAzure: (() => Promise<void>) | undefined;
afterEach(async () => {
  await h?.stop();
  await closeAzure?.();
});

test('a fix clicked while the Run Command is still out opens its proposal at once', async () => {
  const azure = await scenarioAzure({
    scenarios: scenarios.filter((s) => s.name === VM),
    operationMs: { runCommand: RUN_COMMAND_MS },
  });
  closeAzure = () => azure.close();
  const harness = await startHarness({ azure, env: { APPROVERS: 'U0BOB' } });
  h = harness;
  const started = Date.now();
  expect((await harness.command(`${VM} from 203.0.113.10`, { user: 'U0ALICE' })).status).toBe(200);

  const diagnosis = await harness.waitFor(
    () => harness.channelMessages().find((m) => m.channel === CHANNEL && findButton(m, `fix:${FIX}`)),
    15_000,
  );
  const clickedAt = Date.now() - started;
  const runCommands = () =>
    azure.sandbox!.requests.filter((r) => r.path.toLowerCase().endsWith('/runcommand') && r.status > 0);
  const modal = await openedModal(harness, 'fix-params', () =>
    harness.click(diagnosis, `fix:${FIX}`, 'U0ALICE'),
  );
  expect((await harness.submit(modal, 'U0ALICE', prefilled(modal))).status).toBe(200);
  const proposal = await harness.waitFor(() => proposalsIn(harness, diagnosis)[0], 5_000);
  const proposedAt = Date.now() - started;

  expect(clickedAt).toBeLessThan(RUN_COMMAND_MS / 2);
  expect(proposedAt).toBeLessThan(RUN_COMMAND_MS);
  expect(findButton(proposal, 'approve-fix')).toBeTruthy();
  // The guest probe was still out when the proposal appeared: the diagnosis had not finished.
  expect(harness.fake.messages.some((m) => m.ephemeral && /still finishing/.test(m.text))).toBe(false);
  expect(runCommands().filter((r) => r.durationMs >= RUN_COMMAND_MS)).toHaveLength(0);
}, 60_000);
