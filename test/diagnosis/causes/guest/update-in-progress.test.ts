import { updateInProgress } from '../../../../src/diagnosis/causes/guest/update-in-progress';
import { guestWith, healthyFacts, testCauseRule, testWindowsGuestRule } from '../../../fixtures/facts';

testCauseRule(updateInProgress, {
  fires: [
    {
      name: 'servicing is installing updates',
      facts: guestWith((g) => {
        g.updates!.servicingActive = true;
        g.updates!.rebootPending = true;
      }),
      summary: ['installing updates'],
      evidence: [
        'Windows servicing is active',
        'A reboot is pending',
        'Newest hotfix KB5046616 installed 2026-11-12',
      ],
      advice: 'Let the installation finish',
    },
    {
      name: 'only a reboot pending: a warning, restart offered',
      facts: guestWith((g) => {
        g.updates!.rebootPending = true;
      }),
      summary: ['reboot pending'],
      evidence: ['A reboot is pending to finish installing updates', 'Last boot 2026-11-20T03:00:00.000Z'],
      fixes: ['restart-vm'],
      severity: 'warning',
    },
  ],
  quiet: [
    { name: 'nothing installing', facts: healthyFacts() },
    {
      name: 'the updates sub-probe failed',
      facts: guestWith((g) => {
        g.updates = null;
      }),
    },
  ],
});

testWindowsGuestRule(updateInProgress, 'RebootPending');
