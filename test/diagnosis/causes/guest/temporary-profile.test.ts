import { temporaryProfile } from '../../../../src/diagnosis/causes/guest/temporary-profile';
import {
  guestEvent,
  guestEvents,
  guestWith,
  healthyFacts,
  testCauseRule,
  testWindowsGuestRule,
} from '../../../fixtures/facts';

const PROFILES = 'Microsoft-Windows-User Profiles Service';

testCauseRule(temporaryProfile, {
  fires: [
    {
      name: '1511: no local profile, temporary one given',
      facts: guestEvents(
        guestEvent('Application', 1511, PROFILES, { UserName: 'alice' }, '2026-11-27T09:20:00Z'),
      ),
      summary: ['signed alice in with a temporary profile'],
      evidence: ['Event 1511 at 09:20 UTC: Windows could not find the local profile', '(alice)'],
      advice: 'Repair or recreate',
    },
    {
      name: '1515: profile backed up, temporary one given, no user in the data',
      facts: guestEvents(guestEvent('Application', 1515, PROFILES, {})),
      summary: ['signed a user in with a temporary profile'],
      evidence: ['Event 1515'],
    },
  ],
  quiet: [
    { name: 'no profile events', facts: healthyFacts() },
    {
      name: 'the same id from another provider',
      facts: guestEvents(guestEvent('Application', 1511, 'MsiInstaller', {})),
    },
    {
      name: 'a profile load failure is another cause',
      facts: guestEvents(guestEvent('Application', 1500, PROFILES, {})),
    },
    {
      name: 'the events sub-probe failed',
      facts: guestWith((g) => {
        g.events = null;
      }),
    },
  ],
});

testWindowsGuestRule(temporaryProfile, 'Id=1511,1515');
