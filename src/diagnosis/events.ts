import type { GuestEvent } from './guest-facts';

// Reading the Windows events the guest probe returns (the last 24 h of the ids the rules use): failed
// logons and lockouts from the Security log, the User Profile Service, session logons and logoffs, and
// application crashes. Pure helpers shared by the auth and guest rules.

/** How many occurrences one event stands for: the probe folds repeated 4625s into one with `data.Count`. */
export function occurrences(event: GuestEvent): number {
  const count = Number(event.data.Count);
  return Number.isInteger(count) && count > 0 ? count : 1;
}

/** `09:12 UTC` (or `09:12:05 UTC`): when something happened, the way evidence names it. */
export function clock(iso: string, withSeconds = false): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  return `${new Date(time).toISOString().slice(11, withSeconds ? 19 : 16)} UTC`;
}

/** The 4625 Status/SubStatus codes the auth rules read. */
export const LOGON_STATUS = {
  wrongPassword: '0xC000006A',
  lockedOut: '0xC0000234',
  accountDisabled: '0xC0000072',
  passwordExpired: '0xC0000071',
  mustChangePassword: '0xC0000224',
  logonTypeNotGranted: '0xC000015B',
} as const;

const STATUS_MEANINGS: Record<string, string> = {
  '0xC000006A': 'wrong password',
  '0xC0000234': 'account locked out',
  '0xC0000072': 'account disabled',
  '0xC0000071': 'password expired',
  '0xC0000224': 'must change password at next logon',
  '0xC000015B': 'logon through Remote Desktop not granted',
  '0xC0000064': 'no such user',
  '0xC000006D': 'bad user name or password',
  '0xC000006F': 'outside allowed logon hours',
  '0xC0000070': 'workstation restriction',
  '0xC0000193': 'account expired',
};

/** Windows logs NTSTATUS codes in either case (`0xc000006a`); evidence shows them as `0xC000006A`. */
export function formatStatus(code: string): string {
  return /^0x/i.test(code) ? `0x${code.slice(2).toUpperCase()}` : code;
}

function sameCode(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function fromSecurityLog(event: GuestEvent, id: number): boolean {
  return event.id === id && event.log.toLowerCase() === 'security';
}

/** One group of failed logons (Security 4625) as the probe folded them. */
export interface LogonFailure {
  user: string;
  /** The status code this group is read by: the one asked for, else SubStatus (Status when SubStatus is 0x0). */
  code: string;
  /** IpAddress as logged; `-` when Windows recorded none. */
  address: string;
  count: number;
  time: string;
}

function failureReason(event: GuestEvent): string {
  const sub = event.data.SubStatus ?? '';
  return sub === '' || /^0x0+$/i.test(sub) ? (event.data.Status ?? '') : sub;
}

/**
 * Failed logons (4625), optionally only those whose Status or SubStatus is one of `codes`
 * (compared case-insensitively, as Windows writes them in either case).
 */
export function logonFailures(events: readonly GuestEvent[], codes?: readonly string[]): LogonFailure[] {
  return events.flatMap((event) => {
    if (!fromSecurityLog(event, 4625)) return [];
    const logged = [event.data.Status ?? '', event.data.SubStatus ?? ''];
    const code = codes ? codes.find((c) => logged.some((l) => sameCode(l, c))) : failureReason(event);
    if (code === undefined) return [];
    return [
      {
        user: event.data.TargetUserName ?? '',
        code: formatStatus(code),
        address: event.data.IpAddress ?? '-',
        count: occurrences(event),
        time: event.time,
      },
    ];
  });
}

/** The failed logons of one account, merged across the probe's groups. */
export interface AccountFailures {
  user: string;
  count: number;
  /** Distinct addresses, in the order first seen. */
  addresses: string[];
  codes: string[];
  /** The latest failure: the probe stamps each folded group with its newest occurrence. */
  latest: string;
}

/** Failed logons per account (Windows account names are case-insensitive), most failures first. */
export function failuresByAccount(failures: readonly LogonFailure[]): AccountFailures[] {
  const byUser = new Map<string, AccountFailures>();
  for (const f of failures) {
    const key = f.user.toLowerCase();
    const account = byUser.get(key) ?? { user: f.user, count: 0, addresses: [], codes: [], latest: f.time };
    account.count += f.count;
    if (!account.addresses.includes(f.address)) account.addresses.push(f.address);
    if (!account.codes.includes(f.code)) account.codes.push(f.code);
    if (Date.parse(f.time) > Date.parse(account.latest)) account.latest = f.time;
    byUser.set(key, account);
  }
  return [...byUser.values()].sort((a, b) => b.count - a.count);
}

/** Addresses a person can read: `-` is what Windows logs when the attempt carried none. */
export function describeAddresses(addresses: readonly string[]): string {
  return addresses.map((a) => (a === '-' || a === '' ? 'an unrecorded address' : a)).join(', ');
}

/** `0xC000006A (wrong password)` */
export function describeStatus(code: string): string {
  const meaning = STATUS_MEANINGS[formatStatus(code)];
  return meaning ? `${formatStatus(code)} (${meaning})` : formatStatus(code);
}

/** `5 failed logons for azureadmin with 0xC000006A (wrong password) from 203.0.113.10, the latest at 09:12 UTC` */
export function describeFailures(account: AccountFailures): string {
  const logons = account.count === 1 ? 'failed logon' : 'failed logons';
  const codes = account.codes.map(describeStatus).join(', ');
  return (
    `${account.count} ${logons} for ${account.user || 'an unnamed account'} with ${codes} ` +
    `from ${describeAddresses(account.addresses)}, the latest at ${clock(account.latest)}`
  );
}

/** An account lockout (Security 4740). */
export interface Lockout {
  user: string;
  /** The computer the failing attempts came from; 4740 records it as TargetDomainName. */
  callerComputer: string | null;
  time: string;
}

export function lockouts(events: readonly GuestEvent[]): Lockout[] {
  return events
    .filter((e) => fromSecurityLog(e, 4740))
    .map((e) => ({
      user: e.data.TargetUserName ?? '',
      callerComputer: e.data.TargetDomainName || null,
      time: e.time,
    }));
}

// The provider is `Microsoft-Windows-User Profiles Service`; people (and the guide) say "User Profile Service".
const PROFILE_SERVICE = /user profiles? service/i;

/** User Profile Service events with one of `ids`, oldest first. */
export function profileServiceEvents(events: readonly GuestEvent[], ids: readonly number[]): GuestEvent[] {
  return byTime(events.filter((e) => ids.includes(e.id) && PROFILE_SERVICE.test(e.provider)));
}

/** The account an event names, where the event data carries one. */
export function eventUser(event: GuestEvent): string | null {
  return event.data.TargetUserName || event.data.UserName || event.data.User || null;
}

const LOCAL_SESSION_MANAGER = /LocalSessionManager/i;
const SESSION_LOGON = 21;
const SESSION_LOGOFF = 23;
const SESSION_DISCONNECT = 24;

/** A session that ended soon after its logon (LocalSessionManager 21, then 23 or 24 for the same SessionID). */
export interface ShortSession {
  sessionId: string;
  user: string | null;
  logon: string;
  end: string;
  ending: 'logged off' | 'disconnected';
  seconds: number;
}

/** Sessions whose logon was followed by a logoff or disconnect of the same session within `withinSeconds`. */
export function shortSessions(events: readonly GuestEvent[], withinSeconds: number): ShortSession[] {
  const lsm = events
    .filter(
      (e) =>
        [SESSION_LOGON, SESSION_LOGOFF, SESSION_DISCONNECT].includes(e.id) &&
        (LOCAL_SESSION_MANAGER.test(e.provider) || LOCAL_SESSION_MANAGER.test(e.log)),
    )
    // At the same instant, a logon sorts before the logoff that ends it.
    .sort(
      (a, b) =>
        Date.parse(a.time) - Date.parse(b.time) ||
        Number(b.id === SESSION_LOGON) - Number(a.id === SESSION_LOGON),
    );
  const short: ShortSession[] = [];
  lsm.forEach((logon, i) => {
    if (logon.id !== SESSION_LOGON) return;
    const sessionId = logon.data.SessionID;
    const next = lsm.slice(i + 1).find((e) => e.data.SessionID === sessionId);
    // A second logon of the same id first means this session's end is not in the window.
    if (!next || next.id === SESSION_LOGON) return;
    const seconds = (Date.parse(next.time) - Date.parse(logon.time)) / 1000;
    if (seconds > withinSeconds) return;
    short.push({
      sessionId,
      user: logon.data.User || next.data.User || null,
      logon: logon.time,
      end: next.time,
      ending: next.id === SESSION_LOGOFF ? 'logged off' : 'disconnected',
      seconds,
    });
  });
  return short;
}

/** Application Error 1000 (a process crashed) for one of `apps`, matched on `data.AppName`, oldest first. */
export function applicationCrashes(events: readonly GuestEvent[], apps: readonly string[]): GuestEvent[] {
  const wanted = apps.map((a) => a.toLowerCase());
  return byTime(
    events.filter(
      (e) =>
        e.id === 1000 &&
        e.provider.toLowerCase() === 'application error' &&
        wanted.includes((e.data.AppName ?? '').toLowerCase()),
    ),
  );
}

/** LsaSrv 6041: CredSSP refused to negotiate because of the encryption-oracle policy, oldest first. */
export function credsspRefusals(events: readonly GuestEvent[]): GuestEvent[] {
  return byTime(events.filter((e) => e.id === 6041 && e.provider.toLowerCase() === 'lsasrv'));
}

function byTime(events: readonly GuestEvent[]): GuestEvent[] {
  return [...events].sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
}
