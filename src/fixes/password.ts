import { randomInt } from 'node:crypto';

// The password VMAccess sets: 24 characters from node:crypto, with upper and lower case letters, digits
// and symbols, which meets Azure's and Windows' complexity rules (12-123 characters, three of the four
// classes, not containing the account name). Letters and digits that read alike (O/0, l/1/I) and symbols
// that Slack formats or escapes (* _ ~ ` < > &) are left out, since a person copies it from a message.

export const PASSWORD_LENGTH = 24;

export const PASSWORD_CLASSES = [
  'ABCDEFGHJKLMNPQRSTUVWXYZ',
  'abcdefghijkmnpqrstuvwxyz',
  '23456789',
  '!#$%+-=?@^',
] as const;

const ALL = PASSWORD_CLASSES.join('');

function pick(chars: string): string {
  return chars[randomInt(chars.length)];
}

function draw(): string {
  const chars = [...PASSWORD_CLASSES.map(pick)];
  while (chars.length < PASSWORD_LENGTH) chars.push(pick(ALL));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}

/** A fresh password that does not contain `userName` (Windows refuses one that does); `next` draws one. */
export function generatePassword(userName: string, next: () => string = draw): string {
  const name = userName.toLowerCase();
  for (;;) {
    const password = next();
    if (name.length < 3 || !password.toLowerCase().includes(name)) return password;
  }
}
