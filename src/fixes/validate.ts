import { FixRefusal } from './fix';

// Values that travel into Windows as Run Command parameters or VMAccess settings. They are checked here,
// strictly, and again by the scripts' own parameter validation: nothing else about them is trusted.

/**
 * Local Windows account names as rdp-doctor passes them: at most 20 characters (Windows' limit), letters,
 * digits, `.`, `_` and `-`, starting with a letter or digit (a leading `-` would read as a parameter name)
 * and not ending with `.`. Stricter than Windows, which also allows spaces and some punctuation.
 */
export const ACCOUNT_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,18}[A-Za-z0-9_-])?$/;

/** Process names as Get-Process reports them (no `.exe`), kept to characters that need no quoting. */
export const PROCESS_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

export function accountName(text: string | undefined): string {
  const value = (text ?? '').trim();
  if (!ACCOUNT_NAME.test(value)) {
    throw new FixRefusal(
      `"${value}" is not a local Windows account name rdp-doctor can pass on: type the account's name, at most 20 ` +
        "letters, digits, '.', '_' or '-', e.g. azureadmin.",
    );
  }
  return value;
}

/** A whole number from 1 to `max`; `what` names it in the refusal ('a process id'). */
export function positiveInteger(text: string | number | undefined, what: string, max = 2 ** 31 - 1): number {
  const value = String(text ?? '').trim();
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < 1 || number > max) {
    throw new FixRefusal(`"${value}" is not ${what}: type a whole number from 1 to ${max}.`);
  }
  return number;
}

export function processName(text: string): string {
  if (!PROCESS_NAME.test(text)) {
    throw new FixRefusal(
      `The process name "${text}" has characters rdp-doctor does not pass to Windows: stop it by hand through Run Command.`,
    );
  }
  return text;
}
