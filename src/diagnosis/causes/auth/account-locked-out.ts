import type { CauseRule } from '../../cause';
import { factValue } from '../../facts';
import {
  LOGON_STATUS,
  clock,
  describeFailures,
  failuresByAccount,
  lockouts,
  logonFailures,
} from '../../events';
import { LOCAL_ACCOUNTS_SCRIPT, distinctNames, joinNames, runPowerShell, windowsOnly } from '../guest-probe';

export const accountLockedOut: CauseRule = {
  id: 'account-locked-out',
  layer: 'auth',
  title: 'The account is locked out',
  label: 'account lockouts',
  guide: 'Layer three: the authentication handshake',
  severity: 'critical',
  needs: ['guest'],
  notApplicable: windowsOnly,
  confirm: (facts) =>
    runPowerShell(
      facts,
      `${LOCAL_ACCOUNTS_SCRIPT}; Get-WinEvent -FilterHashtable @{LogName='Security';Id=4740} -MaxEvents 10 | Select-Object TimeCreated, Message`,
    ),
  clean: 'No account is locked out and no lockout was logged in the last 24 h.',
  detect(facts) {
    const guest = factValue(facts, 'guest');
    const locked = (guest.accounts ?? []).filter((a) => a.enabled && a.lockedOut);
    const events = guest.events ?? [];
    const lockoutEvents = lockouts(events);
    const rejected = failuresByAccount(logonFailures(events, [LOGON_STATUS.lockedOut]));
    if (locked.length === 0 && lockoutEvents.length === 0 && rejected.length === 0) return null;
    const users = distinctNames([
      ...locked.map((a) => a.name),
      ...lockoutEvents.map((l) => l.user),
      ...rejected.map((a) => a.user),
    ]);
    return {
      summary: `${joinNames(users) || 'An account'} ${users.length > 1 ? 'are' : 'is'} locked out after repeated failed logons, so even the right password is rejected until the lockout is cleared.`,
      evidence: [
        ...locked.map((a) => `Local account ${a.name} is locked out`),
        ...lockoutEvents.map(
          (l) =>
            `4740 at ${clock(l.time)}: ${l.user} locked out${l.callerComputer ? ` (attempts from ${l.callerComputer})` : ''}`,
        ),
        ...rejected.map(describeFailures),
      ],
      fixes: ['unlock-account'],
      advice:
        'If the failed attempts come from the internet, the lockout will return: remove the public exposure (Bastion).',
    };
  },
};
