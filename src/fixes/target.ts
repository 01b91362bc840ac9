import type { Facts, VmFacts } from '../diagnosis/facts';
import type { GuestFacts } from '../diagnosis/guest-facts';
import { FixRefusal } from './fix';

// What a fix needs from the diagnosis before it can be proposed, refused in words when it is missing.

/** The VM as the diagnosis saw it. */
export function vmOf(facts: Facts): VmFacts {
  if (facts.vm.status !== 'ok') {
    throw new FixRefusal(
      `The VM could not be read during the diagnosis (${facts.vm.reason}): diagnose again.`,
    );
  }
  return facts.vm.value;
}

/** The VM, when Run Command (and VMAccess, which rides the same agent) can reach inside it. */
export function reachableGuest(facts: Facts): VmFacts {
  const vm = vmOf(facts);
  if (vm.osType !== 'Windows') throw new FixRefusal(`${vm.name} runs ${vm.osType}: this fix is for Windows.`);
  if (vm.powerState !== 'running') {
    throw new FixRefusal(
      `${vm.name} is ${vm.powerState}: this fix runs inside Windows, so start the VM first.`,
    );
  }
  if (vm.agent.status === 'not-ready') {
    throw new FixRefusal(
      `The VM agent on ${vm.name} is not ready, so Run Command and VMAccess cannot reach Windows: use the serial console.`,
    );
  }
  return vm;
}

/** The guest probe's facts, which the fixes that target an account, a process or a session read. */
export function guestOf(facts: Facts): GuestFacts {
  if (facts.guest.status !== 'ok') {
    throw new FixRefusal(
      `The guest could not be read during the diagnosis (${facts.guest.reason}): diagnose again.`,
    );
  }
  return facts.guest.value;
}

export type LocalAccount = NonNullable<GuestFacts['accounts']>[number];

/** The guest's local accounts, or null when the probe could not read them. */
export function localAccounts(facts: Facts): LocalAccount[] | null {
  return facts.guest.status === 'ok' ? facts.guest.value.accounts : null;
}

/** The local account of that name: Windows account names are case-insensitive. */
export function findAccount(accounts: readonly LocalAccount[], name: string): LocalAccount | undefined {
  return accounts.find((a) => a.name.toLowerCase() === name.toLowerCase());
}
