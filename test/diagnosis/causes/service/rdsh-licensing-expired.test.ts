import { rdshLicensingExpired } from '../../../../src/diagnosis/causes/service/rdsh-licensing-expired';
import { guestWith, healthyFacts, testCauseRule, testWindowsGuestRule } from '../../../fixtures/facts';

function sessionHost(graceDaysLeft: number | null, licenseServers: string[] = []) {
  return guestWith((g) => {
    g.rdp!.rdsh = { installed: true, licensingMode: 4, licenseServers, graceDaysLeft };
  });
}

testCauseRule(rdshLicensingExpired, {
  fires: [
    {
      name: 'grace period over, no license server',
      facts: sessionHost(0),
      summary: ['Session Host', 'grace period is over', 'no license server'],
      evidence: ['licensing mode 4, no license server configured', '0 days left'],
      advice: 'license server',
    },
    {
      name: 'grace period long over',
      facts: sessionHost(-12),
      summary: ['no license server'],
      evidence: ['-12 days left'],
      advice: 'remove the role',
    },
  ],
  quiet: [
    { name: 'no Session Host role', facts: healthyFacts() },
    { name: 'one day of grace left', facts: sessionHost(1) },
    { name: 'a license server is configured', facts: sessionHost(0, ['lic01.contoso.com']) },
    { name: 'the grace period could not be read', facts: sessionHost(null) },
    {
      name: 'the RDSH sub-probe failed',
      facts: guestWith((g) => {
        g.rdp!.rdsh = null;
      }),
    },
  ],
});

testWindowsGuestRule(rdshLicensingExpired, 'GetGracePeriodDays');
