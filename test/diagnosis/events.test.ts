import {
  applicationCrashes,
  clock,
  credsspRefusals,
  describeFailures,
  failuresByAccount,
  formatStatus,
  lockouts,
  logonFailures,
  occurrences,
  profileServiceEvents,
  shortSessions,
} from '../../src/diagnosis/events';
import { failedLogon, guestEvent, minutesAgo } from '../fixtures/facts';

const LSM = 'Microsoft-Windows-TerminalServices-LocalSessionManager/Operational';
const LSM_PROVIDER = 'Microsoft-Windows-TerminalServices-LocalSessionManager';

function session(id: 21 | 23 | 24, sessionId: string, time: string, user = 'VM-WEB-01\\alice') {
  return guestEvent(LSM, id, LSM_PROVIDER, { User: user, SessionID: sessionId }, time);
}

describe('occurrences', () => {
  it('reads the group size the probe folded into data.Count', () => {
    expect(occurrences(failedLogon('bob', {}, '203.0.113.10', 7))).toBe(7);
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['not a number', 'many'],
    ['zero', '0'],
  ])('counts one when Count is %s', (_, count) => {
    const event = guestEvent('Security', 4625, 'x', count === undefined ? {} : { Count: count });
    expect(occurrences(event)).toBe(1);
  });
});

describe('logonFailures', () => {
  it('matches the asked-for code in Status or SubStatus, whatever its case', () => {
    const events = [
      failedLogon('alice', { subStatus: '0xc000006a' }, '203.0.113.10'),
      failedLogon('bob', { status: '0XC0000234' }, '203.0.113.11'),
      failedLogon('carol', { subStatus: '0xC0000072' }, '203.0.113.12'),
    ];
    expect(logonFailures(events, ['0xC000006A', '0xC0000234']).map((f) => [f.user, f.code])).toEqual([
      ['alice', '0xC000006A'],
      ['bob', '0xC0000234'],
    ]);
  });

  it('reads every 4625 by its SubStatus, or its Status when SubStatus is 0x0, when no code is asked for', () => {
    const events = [
      failedLogon('alice', { subStatus: '0xc000006a' }, '203.0.113.10', 4),
      failedLogon('bob', { status: '0xc0000234' }, '-'),
    ];
    expect(logonFailures(events)).toEqual([
      { user: 'alice', code: '0xC000006A', address: '203.0.113.10', count: 4, time: minutesAgo(60) },
      { user: 'bob', code: '0xC0000234', address: '-', count: 1, time: minutesAgo(60) },
    ]);
  });

  it('ignores events outside the Security log and other ids', () => {
    const notSecurity = {
      ...failedLogon('alice', { subStatus: '0xc000006a' }, '203.0.113.10'),
      log: 'System',
    };
    const otherId = { ...failedLogon('alice', { subStatus: '0xc000006a' }, '203.0.113.10'), id: 4624 };
    expect(logonFailures([notSecurity, otherId])).toEqual([]);
  });
});

describe('failuresByAccount', () => {
  it('merges groups of one account (case-insensitively) and keeps addresses, codes and the latest time', () => {
    const failures = logonFailures([
      failedLogon('azureadmin', { subStatus: '0xc000006a' }, '203.0.113.10', 2, minutesAgo(30)),
      failedLogon('AzureAdmin', { subStatus: '0xc000006a' }, '203.0.113.11', 3, minutesAgo(170)),
      failedLogon('azureadmin', { subStatus: '0xc000006a' }, '203.0.113.10', 1, minutesAgo(10)),
      failedLogon('bob', { subStatus: '0xc000006a' }, '203.0.113.10', 9),
    ]);
    expect(failuresByAccount(failures)).toEqual([
      { user: 'bob', count: 9, addresses: ['203.0.113.10'], codes: ['0xC000006A'], latest: minutesAgo(60) },
      {
        user: 'azureadmin',
        count: 6,
        addresses: ['203.0.113.10', '203.0.113.11'],
        codes: ['0xC000006A'],
        latest: minutesAgo(10),
      },
    ]);
  });

  it('describes an account as the evidence line names it', () => {
    const [account] = failuresByAccount(
      logonFailures([
        failedLogon('azureadmin', { subStatus: '0xc000006a' }, '203.0.113.10', 5, '2026-11-27T09:12:00Z'),
      ]),
    );
    expect(describeFailures(account)).toBe(
      '5 failed logons for azureadmin with 0xC000006A (wrong password) from 203.0.113.10, the latest at 09:12 UTC',
    );
  });

  it('says so when Windows recorded no address', () => {
    const [account] = failuresByAccount(logonFailures([failedLogon('bob', { status: '0xc0000234' }, '-')]));
    expect(describeFailures(account)).toContain(
      '1 failed logon for bob with 0xC0000234 (account locked out) from an unrecorded address',
    );
  });
});

describe('lockouts', () => {
  it('reads 4740: the locked account and the caller computer', () => {
    const event = guestEvent('Security', 4740, 'Microsoft-Windows-Security-Auditing', {
      TargetUserName: 'azureadmin',
      TargetDomainName: 'LAPTOP-7',
    });
    expect(lockouts([event, failedLogon('x', {}, '-')])).toEqual([
      { user: 'azureadmin', callerComputer: 'LAPTOP-7', time: minutesAgo(60) },
    ]);
  });
});

describe('profileServiceEvents', () => {
  it('keeps the asked-for ids from the User Profile Service, oldest first', () => {
    const later = guestEvent(
      'Application',
      1511,
      'Microsoft-Windows-User Profiles Service',
      {},
      minutesAgo(5),
    );
    const earlier = guestEvent(
      'Application',
      1515,
      'Microsoft-Windows-User Profiles Service',
      {},
      minutesAgo(50),
    );
    const otherProvider = guestEvent('Application', 1511, 'Some Other Provider', {});
    const otherId = guestEvent('Application', 1500, 'Microsoft-Windows-User Profiles Service', {});
    expect(profileServiceEvents([later, earlier, otherProvider, otherId], [1511, 1515])).toEqual([
      earlier,
      later,
    ]);
  });
});

describe('shortSessions', () => {
  const t = (seconds: number) => new Date(Date.parse('2026-11-27T09:00:00Z') + seconds * 1000).toISOString();

  it('pairs a logon with the next logoff or disconnect of the same SessionID', () => {
    const events = [
      session(23, '3', t(8)),
      session(21, '3', t(0)),
      session(21, '4', t(100), 'VM-WEB-01\\bob'),
      session(24, '4', t(160), 'VM-WEB-01\\bob'),
    ];
    expect(shortSessions(events, 60)).toEqual([
      { sessionId: '3', user: 'VM-WEB-01\\alice', logon: t(0), end: t(8), ending: 'logged off', seconds: 8 },
      {
        sessionId: '4',
        user: 'VM-WEB-01\\bob',
        logon: t(100),
        end: t(160),
        ending: 'disconnected',
        seconds: 60,
      },
    ]);
  });

  it('leaves out sessions that lasted longer, or whose end is not in the window', () => {
    const events = [
      session(21, '3', t(0)),
      session(23, '3', t(61)),
      session(21, '5', t(200)),
      session(21, '5', t(300)),
      session(23, '5', t(900)),
      session(21, '6', t(1000)),
    ];
    expect(shortSessions(events, 60)).toEqual([]);
  });

  it('does not pair a logoff of another session', () => {
    expect(shortSessions([session(21, '3', t(0)), session(23, '4', t(5))], 60)).toEqual([]);
  });

  it('orders a logon before its logoff logged in the same instant', () => {
    expect(shortSessions([session(23, '3', t(0)), session(21, '3', t(0))], 60)).toHaveLength(1);
  });
});

describe('applicationCrashes', () => {
  it('keeps Application Error 1000 for the asked-for apps, matched on AppName case-insensitively', () => {
    const explorer = guestEvent('Application', 1000, 'Application Error', { AppName: 'Explorer.EXE' });
    const other = guestEvent('Application', 1000, 'Application Error', { AppName: 'w3wp.exe' });
    const wrongProvider = guestEvent('Application', 1000, 'Windows Error Reporting', {
      AppName: 'explorer.exe',
    });
    expect(applicationCrashes([explorer, other, wrongProvider], ['explorer.exe', 'dwm.exe'])).toEqual([
      explorer,
    ]);
  });
});

describe('credsspRefusals', () => {
  it('keeps LsaSrv 6041 only', () => {
    const refusal = guestEvent('System', 6041, 'LsaSrv', {});
    expect(credsspRefusals([refusal, guestEvent('System', 6041, 'Other', {})])).toEqual([refusal]);
  });
});

describe('formatting', () => {
  it('shows NTSTATUS codes in upper case after 0x', () => {
    expect(formatStatus('0xc000006a')).toBe('0xC000006A');
  });

  it('names the time of day in UTC', () => {
    expect(clock('2026-11-27T09:12:45.000Z')).toBe('09:12 UTC');
    expect(clock('2026-11-27T09:12:45.000Z', true)).toBe('09:12:45 UTC');
  });
});
