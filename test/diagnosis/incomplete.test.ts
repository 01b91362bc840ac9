import { causes } from '../../src/diagnosis/causes';
import { incompleteDiagnosis, timedOutReason } from '../../src/diagnosis/incomplete';
import { check, fired, report, VM_ID } from '../slack/blocks/support';

// What an incomplete report (no failing layer, some checks could not run) tells a person to do next.

const PORTAL = 'https://portal.azure.us';
const none = { layer: 'none' as const, causes: [], summary: 'No failing layer found, but …' };
/** Every check that reads the guest probe, ended by `reason` as the engine ends a check whose fact failed. */
const guestChecks = (reason: string) =>
  causes
    .filter((rule) => rule.needs.includes('guest'))
    .map((rule) => ({ check: check(rule.id, 'error', { summary: `Could not check: ${reason}` }) }));

test('links the console pages of the VM in the portal of the configured cloud', () => {
  const incomplete = incompleteDiagnosis(report(none, guestChecks('Run Command failed: Conflict')), PORTAL);
  expect(incomplete?.console).toEqual([
    { label: 'Boot diagnostics', url: `${PORTAL}/#@/resource${VM_ID}/bootDiagnostics` },
    { label: 'Serial console', url: `${PORTAL}/#@/resource${VM_ID}/serialConsole` },
  ]);
});

test.each([
  [
    'the agent is stuck (its warning: Run Command timed out though the agent was not reported down)',
    true,
    true,
  ],
  ['Run Command failed for another reason, the agent check clean', false, false],
] as const)('the agent is stuck, with its restart, only when %s', (_what, stuck, unanswered) => {
  const reason = stuck ? timedOutReason(120_000) : 'Run Command failed: Conflict';
  const agent = stuck
    ? fired('vm-agent-unhealthy', {
        summary: 'Run Command on vm-web-01 did not answer though the VM agent reports ready.',
        evidence: ['VM agent status: ready'],
        fixes: ['restart-vm'],
        severity: 'warning',
      })
    : { check: check('vm-agent-unhealthy', 'pass') };
  const outcomes = [...guestChecks(reason), agent];
  const stuckAgent = incompleteDiagnosis(report(none, outcomes), PORTAL)?.stuckAgent ?? null;
  expect(stuckAgent?.fixes ?? null).toEqual(unanswered ? ['restart-vm'] : null);
});

test('a report with a verdict, or whose every check ran, has no next steps of this kind', () => {
  expect(incompleteDiagnosis(report(none), PORTAL)).toBeNull();
  const failing = { layer: 'platform' as const, causes: ['vm-not-running' as const], summary: 'stopped' };
  expect(incompleteDiagnosis(report(failing, guestChecks(timedOutReason(120_000))), PORTAL)).toBeNull();
});
