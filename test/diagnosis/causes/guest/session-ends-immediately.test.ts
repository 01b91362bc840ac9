import { sessionEndsImmediately } from '../../../../src/diagnosis/causes/guest/session-ends-immediately';
import {
  guestEvent,
  guestEvents,
  guestWith,
  healthyFacts,
  testCauseRule,
  testWindowsGuestRule,
} from '../../../fixtures/facts';

const LSM = 'Microsoft-Windows-TerminalServices-LocalSessionManager/Operational';
const PROVIDER = 'Microsoft-Windows-TerminalServices-LocalSessionManager';

function at(seconds: number): string {
  return new Date(Date.parse('2026-11-27T09:00:00Z') + seconds * 1000).toISOString();
}

function lsm(id: 21 | 23 | 24, sessionId: string, seconds: number, user = 'VM-WEB-01\\alice') {
  return guestEvent(
    LSM,
    id,
    PROVIDER,
    { User: user, SessionID: sessionId, Address: '203.0.113.10' },
    at(seconds),
  );
}

testCauseRule(sessionEndsImmediately, {
  fires: [
    {
      name: 'two sessions logged off within seconds',
      facts: guestEvents(lsm(21, '2', 0), lsm(23, '2', 8), lsm(21, '3', 120), lsm(23, '3', 126)),
      summary: ['2 sessions ended within a minute of logon'],
      evidence: [
        'Session 2 (VM-WEB-01\\alice) logged on at 09:00:00 UTC and logged off 8 s later',
        'Session 3 (VM-WEB-01\\alice) logged on at 09:02:00 UTC and logged off 6 s later',
      ],
      advice: 'logoff scripts',
    },
    {
      name: 'a logoff and a disconnect at exactly 60 s',
      facts: guestEvents(
        lsm(21, '2', 0),
        lsm(24, '2', 60),
        lsm(21, '4', 300, 'VM-WEB-01\\bob'),
        lsm(23, '4', 301, 'VM-WEB-01\\bob'),
      ),
      summary: ['2 sessions'],
      evidence: ['disconnected 60 s later', 'Session 4 (VM-WEB-01\\bob)'],
    },
  ],
  quiet: [
    { name: 'no session events', facts: healthyFacts() },
    {
      name: 'only one short session',
      facts: guestEvents(lsm(21, '2', 0), lsm(23, '2', 8), lsm(21, '3', 120), lsm(23, '3', 900)),
    },
    {
      name: 'the second ended after 61 s',
      facts: guestEvents(lsm(21, '2', 0), lsm(23, '2', 8), lsm(21, '3', 120), lsm(24, '3', 181)),
    },
    {
      name: 'logons and logoffs of different sessions',
      facts: guestEvents(lsm(21, '2', 0), lsm(23, '5', 3), lsm(21, '3', 10), lsm(23, '6', 12)),
    },
    {
      name: 'the events sub-probe failed',
      facts: guestWith((g) => {
        g.events = null;
      }),
    },
  ],
});

testWindowsGuestRule(sessionEndsImmediately, 'LocalSessionManager/Operational');
