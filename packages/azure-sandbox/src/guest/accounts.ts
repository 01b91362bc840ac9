import { NTSTATUS, type WindowsGuest } from './windows';

// What resetting a local account does to the evidence the auth rules read. On a real machine the old 4625
// and 4740 events stay in the Security log until they age out of the probe's 24 hours; the sandbox drops
// them when the account is reset, so that a re-diagnosis reads the account as it now is.

/** The failed-logon codes an unlock or enable answers. */
export const LOCKOUT_CODES = [NTSTATUS.lockedOut, NTSTATUS.accountDisabled];

/** The failed-logon codes a password reset (which also enables and unlocks) answers. */
export const PASSWORD_RESET_CODES = [
  ...LOCKOUT_CODES,
  NTSTATUS.wrongPassword,
  NTSTATUS.passwordExpired,
  NTSTATUS.mustChangePassword,
];

/** Drops the account's lockouts (4740) and its failed logons (4625) with one of `codes`. */
export function clearLogonEvidence(guest: WindowsGuest, user: string, codes: readonly string[]): void {
  if (!guest.events) return;
  const name = user.toLowerCase();
  const wanted = codes.map((code) => code.toLowerCase());
  guest.events = guest.events.filter((event) => {
    if (event.log.toLowerCase() !== 'security') return true;
    if ((event.data.TargetUserName ?? '').toLowerCase() !== name) return true;
    if (event.id === 4740) return false;
    if (event.id !== 4625) return true;
    const logged = [event.data.Status ?? '', event.data.SubStatus ?? ''].map((code) => code.toLowerCase());
    return !logged.some((code) => wanted.includes(code));
  });
}
