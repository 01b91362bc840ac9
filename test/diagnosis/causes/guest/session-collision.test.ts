import { sessionCollision } from '../../../../src/diagnosis/causes/guest/session-collision';
import type { GuestFacts } from '../../../../src/diagnosis/guest-facts';
import { guestWith, healthyFacts, testCauseRule, testWindowsGuestRule } from '../../../fixtures/facts';

type Session = NonNullable<NonNullable<GuestFacts['rdp']>['sessions']>[number];

function sessions(...list: Session[]) {
  return guestWith((g) => {
    g.rdp!.sessions = [{ id: 0, user: '', state: 'Disc' }, ...list];
  });
}

testCauseRule(sessionCollision, {
  fires: [
    {
      name: 'an active and a disconnected administrator',
      facts: sessions({ id: 2, user: 'bob', state: 'Active' }, { id: 3, user: 'alice', state: 'Disc' }),
      summary: [
        '2 sessions',
        'alice in session 3, Disc',
        'bob in session 2, Active',
        'sign off the stale session 3 (alice)',
      ],
      evidence: ['Session 3: alice, Disc', 'Session 2: bob, Active'],
      fixes: ['logoff-session'],
    },
    {
      name: 'two active sessions',
      facts: sessions({ id: 1, user: 'alice', state: 'Active' }, { id: 2, user: 'bob', state: 'active' }),
      summary: ['sign off the stale session 1 (alice)'],
      evidence: ['Session 1: alice, Active', 'Session 2: bob, active'],
      fixes: ['logoff-session'],
    },
  ],
  quiet: [
    { name: 'nobody signed in', facts: healthyFacts() },
    { name: 'one session', facts: sessions({ id: 2, user: 'alice', state: 'Active' }) },
    {
      name: 'a second session only listening or down',
      facts: sessions(
        { id: 2, user: 'alice', state: 'Active' },
        { id: 65536, user: '', state: 'Listen' },
        { id: 4, user: 'bob', state: 'Down' },
      ),
    },
    {
      name: 'a Session Host carries many users by design',
      facts: guestWith((g) => {
        g.rdp!.rdsh = { installed: true, licensingMode: 4, licenseServers: ['lic01'], graceDaysLeft: null };
        g.rdp!.sessions = [
          { id: 2, user: 'alice', state: 'Active' },
          { id: 3, user: 'bob', state: 'Active' },
        ];
      }),
    },
    {
      name: 'the role could not be read',
      facts: guestWith((g) => {
        g.rdp!.rdsh = null;
        g.rdp!.sessions = [
          { id: 2, user: 'alice', state: 'Active' },
          { id: 3, user: 'bob', state: 'Disc' },
        ];
      }),
    },
    {
      name: 'the sessions sub-probe failed',
      facts: guestWith((g) => {
        g.rdp!.sessions = null;
      }),
    },
  ],
});

testWindowsGuestRule(sessionCollision, '--scripts "quser"');
