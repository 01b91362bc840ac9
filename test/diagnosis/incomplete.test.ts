import { causes } from '../../src/diagnosis/causes';
import { incompleteDiagnosis, timedOutReason } from '../../src/diagnosis/incomplete';
import { check, report, VM_ID } from '../slack/blocks/support';

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
  ['Run Command timed out and the agent was not reported down', timedOutReason(120_000), 'pass', true],
  ['Run Command refused for another reason', 'Run Command failed: Conflict', 'pass', false],
  ['the agent itself could not be read', timedOutReason(120_000), 'error', false],
] as const)('the guest is unanswered only when %s', (_what, reason, agent, unanswered) => {
  const outcomes = [...guestChecks(reason), { check: check('vm-agent-unhealthy', agent) }];
  expect(incompleteDiagnosis(report(none, outcomes), PORTAL)?.guestUnanswered).toBe(unanswered);
});

test('a report with a verdict, or whose every check ran, has no next steps of this kind', () => {
  expect(incompleteDiagnosis(report(none), PORTAL)).toBeNull();
  const failing = { layer: 'platform' as const, causes: ['vm-not-running' as const], summary: 'stopped' };
  expect(incompleteDiagnosis(report(failing, guestChecks(timedOutReason(120_000))), PORTAL)).toBeNull();
});
