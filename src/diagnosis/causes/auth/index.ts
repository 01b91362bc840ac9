import type { CauseRule } from '../../cause';
import { credsspMismatch } from './credssp-mismatch';
import { domainUnreachable } from './domain-unreachable';
import { accountLockedOut } from './account-locked-out';
import { accountDisabled } from './account-disabled';
import { passwordExpired } from './password-expired';
import { passwordRejected } from './password-rejected';
import { logonRightMissing } from './logon-right-missing';
import { bruteForcePressure } from './brute-force-pressure';

// Layer three: the authentication handshake, in the order of docs/causes.md.
export const authCauses: readonly CauseRule[] = [
  credsspMismatch,
  domainUnreachable,
  accountLockedOut,
  accountDisabled,
  passwordExpired,
  passwordRejected,
  logonRightMissing,
  bruteForcePressure,
];
