import { domainUnreachable } from '../../../../src/diagnosis/causes/auth/domain-unreachable';
import type { Facts } from '../../../../src/diagnosis/facts';
import { guestWith, healthyFacts, testCauseRule, testWindowsGuestRule } from '../../../fixtures/facts';

function joined(secureChannelOk: boolean | null): Facts {
  return guestWith((g) => {
    g.os = { ...g.os!, domainJoined: true, domain: 'contoso.com', secureChannelOk };
  });
}

testCauseRule(domainUnreachable, {
  fires: [
    {
      name: 'domain-joined, secure channel broken',
      facts: joined(false),
      summary: ['contoso.com', 'secure channel'],
      evidence: [
        'Joined to contoso.com; Test-ComputerSecureChannel returned False',
        'Local account azureadmin is enabled: sign in as .\\azureadmin',
      ],
      advice: 'local administrator account',
    },
  ],
  quiet: [
    { name: 'a workgroup machine', facts: healthyFacts() },
    { name: 'domain-joined, secure channel healthy', facts: joined(true) },
    { name: 'domain-joined, secure channel not tested', facts: joined(null) },
    {
      name: 'the OS sub-probe failed',
      facts: guestWith((g) => {
        g.os = null;
      }),
    },
  ],
});

testWindowsGuestRule(domainUnreachable, 'Test-ComputerSecureChannel');

it('asks nltest about the machine’s own domain', () => {
  expect(domainUnreachable.confirm(joined(false))).toContain('nltest /sc_query:contoso.com');
});
