import { passwordRejected } from '../../../../src/diagnosis/causes/auth/password-rejected';
import {
  failedLogon,
  guestEvents,
  guestWith,
  healthyFacts,
  testCauseRule,
  testWindowsGuestRule,
} from '../../../fixtures/facts';

const WRONG = { subStatus: '0xc000006a' };

testCauseRule(passwordRejected, {
  fires: [
    {
      name: 'five wrong passwords from one address, folded into one group',
      facts: guestEvents(failedLogon('azureadmin', WRONG, '203.0.113.10', 5, '2026-11-27T09:12:00Z')),
      summary: ['azureadmin', '5 times', '203.0.113.10'],
      evidence: [
        '5 failed logons for azureadmin with 0xC000006A (wrong password) from 203.0.113.10, the latest at 09:12 UTC',
      ],
      fixes: ['vmaccess-reset'],
    },
    {
      name: 'three single failures across groups of one account, in mixed case',
      facts: guestEvents(
        failedLogon('azureadmin', WRONG, '203.0.113.10'),
        failedLogon('AzureAdmin', { subStatus: '0xC000006A' }, '203.0.113.10'),
        failedLogon('azureadmin', WRONG, '198.51.100.4'),
      ),
      summary: ['azureadmin 3 times'],
      evidence: ['3 failed logons for azureadmin', 'from 203.0.113.10, 198.51.100.4'],
      fixes: ['vmaccess-reset'],
    },
    {
      name: 'from exactly three addresses',
      facts: guestEvents(
        failedLogon('azureadmin', WRONG, '203.0.113.10'),
        failedLogon('azureadmin', WRONG, '203.0.113.11'),
        failedLogon('azureadmin', WRONG, '203.0.113.12'),
      ),
      summary: ['azureadmin'],
      evidence: ['from 203.0.113.10, 203.0.113.11, 203.0.113.12'],
      fixes: ['vmaccess-reset'],
    },
  ],
  quiet: [
    { name: 'no failed logons', facts: healthyFacts() },
    { name: 'two wrong passwords', facts: guestEvents(failedLogon('azureadmin', WRONG, '203.0.113.10', 2)) },
    {
      name: 'three wrong passwords spread over two accounts',
      facts: guestEvents(
        failedLogon('azureadmin', WRONG, '203.0.113.10', 2),
        failedLogon('bob', WRONG, '203.0.113.10'),
      ),
    },
    {
      name: 'from four addresses: a spray, not a stale password',
      facts: guestEvents(
        failedLogon('azureadmin', WRONG, '203.0.113.10'),
        failedLogon('azureadmin', WRONG, '203.0.113.11'),
        failedLogon('azureadmin', WRONG, '203.0.113.12'),
        failedLogon('azureadmin', WRONG, '203.0.113.13'),
      ),
    },
    {
      name: 'an unknown user name',
      facts: guestEvents(failedLogon('admin', { subStatus: '0xc0000064' }, '203.0.113.10', 9)),
    },
    {
      name: 'the events sub-probe failed',
      facts: guestWith((g) => {
        g.events = null;
      }),
    },
  ],
});

testWindowsGuestRule(passwordRejected, "Get-WinEvent -FilterHashtable @{LogName='Security';Id=4625}");
