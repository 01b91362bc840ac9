import { logonRightMissing } from '../../../../src/diagnosis/causes/auth/logon-right-missing';
import {
  failedLogon,
  guestEvents,
  guestWith,
  healthyFacts,
  localAccount,
  testCauseRule,
  testWindowsGuestRule,
} from '../../../fixtures/facts';

const NOT_GRANTED = { status: '0xc000015b' };

testCauseRule(logonRightMissing, {
  fires: [
    {
      name: 'logon type not granted (0xC000015B)',
      facts: guestEvents(failedLogon('bob', NOT_GRANTED, '203.0.113.10', 2, '2026-11-27T09:40:00Z')),
      summary: ['bob', 'not allowed to log on through Remote Desktop'],
      evidence: [
        '2 failed logons for bob with 0xC000015B (logon through Remote Desktop not granted) from 203.0.113.10, the latest at 09:40 UTC',
      ],
      advice: 'Remote Desktop Users',
    },
    {
      name: 'and the account list shows why',
      facts: guestWith((g) => {
        g.accounts!.push(localAccount('bob', { rdpAllowed: false }));
        g.events = [failedLogon('Bob', NOT_GRANTED, '203.0.113.10')];
      }),
      summary: ['Bob'],
      evidence: ['bob is not in Remote Desktop Users or Administrators'],
      advice: 'Deny log on through Remote Desktop Services',
    },
  ],
  quiet: [
    { name: 'no failed logons', facts: healthyFacts() },
    {
      name: 'an account outside Remote Desktop Users that never tried',
      facts: guestWith((g) => {
        g.accounts![0].rdpAllowed = false;
      }),
    },
    {
      name: 'the events sub-probe failed',
      facts: guestWith((g) => {
        g.events = null;
      }),
    },
  ],
});

testWindowsGuestRule(logonRightMissing, "Get-LocalGroupMember -Group 'Remote Desktop Users'");
