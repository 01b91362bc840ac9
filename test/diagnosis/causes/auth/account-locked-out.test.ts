import { accountLockedOut } from '../../../../src/diagnosis/causes/auth/account-locked-out';
import {
  failedLogon,
  guestEvent,
  guestEvents,
  guestWith,
  healthyFacts,
  minutesAgo,
  testCauseRule,
  testWindowsGuestRule,
} from '../../../fixtures/facts';

const lockout = guestEvent(
  'Security',
  4740,
  'Microsoft-Windows-Security-Auditing',
  { TargetUserName: 'azureadmin', TargetDomainName: 'LAPTOP-7' },
  '2026-11-27T09:14:00.000Z',
);

testCauseRule(accountLockedOut, {
  fires: [
    {
      name: 'the account list says locked out',
      facts: guestWith((g) => {
        g.accounts![0].lockedOut = true;
      }),
      summary: ['azureadmin is locked out'],
      evidence: ['Local account azureadmin is locked out'],
      fixes: ['unlock-account'],
    },
    {
      name: 'a 4740 lockout event',
      facts: guestEvents(lockout),
      summary: ['azureadmin'],
      evidence: ['4740 at 09:14 UTC: azureadmin locked out (attempts from LAPTOP-7)'],
      fixes: ['unlock-account'],
    },
    {
      name: 'logons refused with 0xC0000234, in lower case',
      facts: guestEvents(
        failedLogon('bob', { status: '0xc0000234' }, '203.0.113.10', 4, '2026-11-27T10:02:00Z'),
      ),
      summary: ['bob is locked out'],
      evidence: [
        '4 failed logons for bob with 0xC0000234 (account locked out) from 203.0.113.10, the latest at 10:02 UTC',
      ],
      fixes: ['unlock-account'],
    },
    {
      name: 'two accounts locked out',
      facts: guestEvents(lockout, failedLogon('bob', { status: '0xC0000234' }, '203.0.113.10')),
      summary: ['azureadmin and bob are locked out'],
      evidence: ['4740', 'bob'],
      fixes: ['unlock-account'],
    },
  ],
  quiet: [
    { name: 'nothing locked', facts: healthyFacts() },
    {
      name: 'a disabled account that is also flagged locked',
      facts: guestWith((g) => {
        g.accounts![0] = { ...g.accounts![0], enabled: false, lockedOut: true };
      }),
    },
    {
      name: 'wrong passwords only',
      facts: guestEvents(failedLogon('bob', { subStatus: '0xc000006a' }, '203.0.113.10', 5)),
    },
    {
      name: 'a lockout code outside the Security log',
      facts: guestEvents({
        ...failedLogon('bob', { status: '0xc0000234' }, '-'),
        log: 'Application',
        time: minutesAgo(5),
      }),
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

testWindowsGuestRule(accountLockedOut, 'Win32_UserAccount');
