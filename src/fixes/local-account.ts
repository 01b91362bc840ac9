import type { Facts, VmFacts } from '../diagnosis/facts';
import { FixRefusal, type FixInput } from './fix';
import { findAccount, localAccounts, reachableGuest, type LocalAccount } from './target';
import { accountName } from './validate';

// The fixes that act on one local account inside Windows (unlock it; reset its password with VMAccess)
// ask for it the same way and check what was typed against the probe's account list the same way.

export const USER_NAME_INPUT = 'userName';

/** The account field, pre-filled with the account the finding points at. */
export function localAccountInput(suggested: string | null, hint: string): FixInput {
  return {
    name: USER_NAME_INPUT,
    label: 'Local account',
    hint,
    ...(suggested ? { initial: suggested } : {}),
  };
}

/** Why a typed account is refused: not a local account at all, or one the fix has nothing to do for. */
export interface AccountRefusals {
  unknown(args: { userName: string; vm: VmFacts; known: string }): string;
  unsuitable?(account: LocalAccount, vm: VmFacts): string | null;
}

/**
 * The reachable VM and the validated account name, spelled as Windows lists it. When the probe could not
 * list the accounts, the typed name stands: the fix itself then answers for it.
 */
export function plannedAccount(
  facts: Facts,
  typed: string | undefined,
  refusals: AccountRefusals,
): { vm: VmFacts; userName: string } {
  const vm = reachableGuest(facts);
  const userName = accountName(typed);
  const accounts = localAccounts(facts);
  if (accounts === null) return { vm, userName };
  const account = findAccount(accounts, userName);
  if (!account) {
    const known = accounts.map((a) => a.name).join(', ') || 'none found';
    throw new FixRefusal(refusals.unknown({ userName, vm, known }));
  }
  const unsuitable = refusals.unsuitable?.(account, vm);
  if (unsuitable) throw new FixRefusal(unsuitable);
  return { vm, userName: account.name };
}
