import { accountDisabled } from '../../../../src/diagnosis/causes/auth/account-disabled';
import {
  failedLogon,
  guestEvents,
  guestWith,
  healthyFacts,
  testCauseRule,
  testWindowsGuestRule,
} from '../../../fixtures/facts';

testCauseRule(accountDisabled, {
  fires: [
    {
      name: 'logons refused with 0xC0000072',
      facts: guestEvents(
        failedLogon('bob', { subStatus: '0xc0000072' }, '203.0.113.10', 3, '2026-11-27T09:12:00Z'),
      ),
      summary: ['bob', 'disabled'],
      evidence: [
        '3 failed logons for bob with 0xC0000072 (account disabled) from 203.0.113.10, the latest at 09:12 UTC',
      ],
      fixes: ['unlock-account'],
    },
  ],
  quiet: [
    { name: 'no failed logons', facts: healthyFacts() },
    {
      name: 'a wrong password',
      facts: guestEvents(failedLogon('bob', { subStatus: '0xc000006a' }, '203.0.113.10')),
    },
    {
      name: 'the events sub-probe failed',
      facts: guestWith((g) => {
        g.events = null;
      }),
    },
  ],
});

testWindowsGuestRule(accountDisabled, "Get-WinEvent -FilterHashtable @{LogName='Security';Id=4625}");
