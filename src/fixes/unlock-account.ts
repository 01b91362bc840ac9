import { LOGON_STATUS, failuresByAccount, lockouts, logonFailures } from '../diagnosis/events';
import type { Facts } from '../diagnosis/facts';
import type { GuestFacts } from '../diagnosis/guest-facts';
import type { CauseId } from '../diagnosis/ids';
import type { FixDefinition } from './fix';
import { runGuestFix } from './guest-script';
import { textParam } from './params';
import { USER_NAME_INPUT, localAccountInput, plannedAccount } from './local-account';
import { findAccount, localAccounts, type LocalAccount } from './target';
import { accountName } from './validate';

// Clears a lockout and enables a disabled local account. A domain account is unlocked in Active Directory,
// not on the VM, so only local accounts are accepted when the probe listed them.

function isBlocked(account: LocalAccount): boolean {
  return account.lockedOut || !account.enabled;
}

/** The accounts the finding names, most certain first: the probe's account list, then the events. */
function namedByFinding(guest: GuestFacts, cause: CauseId): string[] {
  const accounts = guest.accounts ?? [];
  const events = guest.events ?? [];
  if (cause === 'account-disabled') {
    return [
      ...failuresByAccount(logonFailures(events, [LOGON_STATUS.accountDisabled])).map((a) => a.user),
      ...accounts.filter((a) => !a.enabled).map((a) => a.name),
    ];
  }
  return [
    ...accounts.filter((a) => a.enabled && a.lockedOut).map((a) => a.name),
    ...lockouts(events).map((l) => l.user),
    ...failuresByAccount(logonFailures(events, [LOGON_STATUS.lockedOut])).map((a) => a.user),
  ];
}

/** The account the finding names that is still locked or disabled, else any local account that is. */
export function suggestedAccount(facts: Facts, cause: CauseId): string | null {
  if (facts.guest.status !== 'ok') return null;
  const guest = facts.guest.value;
  const named = namedByFinding(guest, cause).filter((name) => name !== '');
  if (guest.accounts === null) return named[0] ?? null;
  const accounts = guest.accounts;
  const blocked = named
    .map((name) => findAccount(accounts, name))
    .find((a) => a !== undefined && isBlocked(a));
  return (blocked ?? accounts.find(isBlocked))?.name ?? null;
}

export const unlockAccount: FixDefinition = {
  id: 'unlock-account',
  title: 'Unlock the account',
  causes: ['account-locked-out', 'account-disabled'],
  inputs({ facts, finding }) {
    return [
      localAccountInput(suggestedAccount(facts, finding.cause), 'The local account to unlock and enable.'),
    ];
  },
  plan({ facts, input }) {
    const { vm, userName } = plannedAccount(facts, input[USER_NAME_INPUT], {
      unknown: ({ userName: typed, vm: machine, known }) =>
        `${typed} is not a local account on ${machine.name} (its local accounts: ${known}): ` +
        'a domain account is unlocked in Active Directory, not on the VM.',
      unsuitable: (account, machine) =>
        isBlocked(account)
          ? null
          : `${account.name} is neither locked out nor disabled on ${machine.name}: there is nothing to unlock.`,
    });
    return {
      params: { userName },
      description: `Unlock and enable local account ${userName} on ${vm.name}, through Run Command.`,
    };
  },
  stillApplies(facts, params) {
    const userName = String(params.userName);
    const accounts = localAccounts(facts);
    if (accounts === null) return null;
    const account = findAccount(accounts, userName);
    if (!account) return `There is no local account ${userName} any more.`;
    return isBlocked(account) ? null : `${account.name} is no longer locked out or disabled.`;
  },
  execute: async (ctx) =>
    runGuestFix(ctx, 'unlock-account', { UserName: accountName(textParam(ctx.params, 'userName')) }),
};
