import { bruteForcePressure } from '../../../../src/diagnosis/causes/auth/brute-force-pressure';
import {
  failedLogon,
  guestEvents,
  guestWith,
  healthyFacts,
  testCauseRule,
  testWindowsGuestRule,
} from '../../../fixtures/facts';

const WRONG = { subStatus: '0xc000006a' };
const NO_USER = { subStatus: '0xc0000064' };

/** `addresses` sources, each trying `perAddress` times against `administrator`. */
function spray(addresses: number, perAddress: number) {
  return Array.from({ length: addresses }, (_, i) =>
    failedLogon('administrator', NO_USER, `198.51.100.${i + 1}`, perAddress, '2026-11-27T02:05:00Z'),
  );
}

testCauseRule(bruteForcePressure, {
  fires: [
    {
      name: 'exactly 20 failures from exactly 5 addresses',
      facts: guestEvents(...spray(5, 4)),
      summary: ['20 failed logons from 5 addresses'],
      evidence: [
        '20 failed logons (4625) from 5 addresses in the last 24 h, the latest at 02:05 UTC',
        'administrator (20)',
      ],
      advice: 'Bastion',
    },
    {
      name: 'a heavy spray, with the loudest source named first',
      facts: guestEvents(
        ...spray(6, 10),
        failedLogon('admin', NO_USER, '203.0.113.99', 120),
        failedLogon('azureadmin', WRONG, '203.0.113.99', 3),
      ),
      summary: ['183 failed logons from 7 addresses'],
      evidence: [
        'Most attempts from 203.0.113.99 (123)',
        'Accounts tried most: admin (120), administrator (60), azureadmin (3)',
      ],
      advice: 'scope the NSG rule',
    },
  ],
  quiet: [
    { name: 'no failed logons', facts: healthyFacts() },
    {
      name: '19 failures from 5 addresses',
      facts: guestEvents(...spray(4, 4), failedLogon('admin', NO_USER, '198.51.100.50', 3)),
    },
    { name: '400 failures from 4 addresses', facts: guestEvents(...spray(4, 100)) },
    {
      name: 'attempts without a recorded address do not count as sources',
      facts: guestEvents(...spray(4, 10), failedLogon('admin', NO_USER, '-', 10)),
    },
    {
      name: 'the events sub-probe failed',
      facts: guestWith((g) => {
        g.events = null;
      }),
    },
  ],
});

testWindowsGuestRule(bruteForcePressure, "Get-WinEvent -FilterHashtable @{LogName='Security';Id=4625}");
