import { passwordExpired } from '../../../../src/diagnosis/causes/auth/password-expired';
import {
  failedLogon,
  guestEvents,
  guestWith,
  healthyFacts,
  testCauseRule,
  testWindowsGuestRule,
} from '../../../fixtures/facts';

testCauseRule(passwordExpired, {
  fires: [
    {
      name: 'logon refused with 0xC0000071',
      facts: guestEvents(
        failedLogon('azureadmin', { subStatus: '0xc0000071' }, '203.0.113.10', 2, '2026-11-27T08:30:00Z'),
      ),
      summary: ['azureadmin', 'expired'],
      evidence: [
        '2 failed logons for azureadmin with 0xC0000071 (password expired) from 203.0.113.10, the latest at 08:30 UTC',
      ],
      fixes: ['vmaccess-reset'],
    },
    {
      name: 'must change password at next logon (0xC0000224)',
      facts: guestEvents(failedLogon('bob', { subStatus: '0xC0000224' }, '203.0.113.10')),
      summary: ['bob'],
      evidence: ['0xC0000224 (must change password at next logon)'],
      fixes: ['vmaccess-reset'],
    },
    {
      name: 'the account list says the password expired',
      facts: guestWith((g) => {
        g.accounts![0].passwordExpired = true;
      }),
      summary: ['azureadmin'],
      evidence: ['Local account azureadmin: password expired'],
      fixes: ['vmaccess-reset'],
    },
  ],
  quiet: [
    { name: 'nothing expired', facts: healthyFacts() },
    {
      name: 'an expired password on a disabled account',
      facts: guestWith((g) => {
        g.accounts![0] = { ...g.accounts![0], enabled: false, passwordExpired: true };
      }),
    },
    {
      name: 'a wrong password',
      facts: guestEvents(failedLogon('bob', { subStatus: '0xc000006a' }, '203.0.113.10')),
    },
    {
      name: 'the accounts and events sub-probes failed',
      facts: guestWith((g) => {
        g.accounts = null;
        g.events = null;
      }),
    },
  ],
});

testWindowsGuestRule(passwordExpired, 'Win32_UserAccount');
