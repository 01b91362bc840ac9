import { profileLoadFailed } from '../../../../src/diagnosis/causes/guest/profile-load-failed';
import {
  guestEvent,
  guestEvents,
  guestWith,
  healthyFacts,
  testCauseRule,
  testWindowsGuestRule,
} from '../../../fixtures/facts';

const PROFILES = 'Microsoft-Windows-User Profiles Service';

testCauseRule(profileLoadFailed, {
  fires: [
    {
      name: '1500: the profile cannot be loaded',
      facts: guestEvents(
        guestEvent('Application', 1500, PROFILES, { UserName: 'alice' }, '2026-11-27T10:05:00Z'),
      ),
      summary: ['The profile of alice fails to load'],
      evidence: [
        'Event 1500 at 10:05 UTC: Windows cannot log the user on because the profile cannot be loaded (alice)',
      ],
      advice: 'Repair the profile',
    },
    {
      name: '1502 and 1508 together',
      facts: guestEvents(
        guestEvent('Application', 1508, PROFILES, {}, '2026-11-27T10:06:00Z'),
        guestEvent('Application', 1502, PROFILES, {}, '2026-11-27T10:05:00Z'),
      ),
      summary: ['the user fails to load'],
      evidence: ['Event 1502 at 10:05 UTC', 'Event 1508 at 10:06 UTC'],
    },
  ],
  quiet: [
    { name: 'no profile events', facts: healthyFacts() },
    {
      name: 'a temporary profile is another cause',
      facts: guestEvents(guestEvent('Application', 1511, PROFILES, {})),
    },
    {
      name: 'the events sub-probe failed',
      facts: guestWith((g) => {
        g.events = null;
      }),
    },
  ],
});

testWindowsGuestRule(profileLoadFailed, 'Id=1500,1502,1508');
