import type { CauseRule } from '../../cause';
import { factValue } from '../../facts';
import {
  LOGON_STATUS,
  describeAddresses,
  describeFailures,
  failuresByAccount,
  logonFailures,
} from '../../events';
import { FAILED_LOGONS_SCRIPT, runPowerShell, windowsOnly } from '../guest-probe';

// Repeated wrong passwords for one account from a few addresses is a person with a stale password;
// from many addresses it is brute-force traffic (brute-force-pressure).
const MIN_FAILURES = 3;
const MAX_ADDRESSES = 3;

export const passwordRejected: CauseRule = {
  id: 'password-rejected',
  layer: 'auth',
  title: 'The password is repeatedly rejected',
  label: 'wrong passwords',
  guide: 'Layer three: the authentication handshake',
  severity: 'critical',
  needs: ['guest'],
  notApplicable: windowsOnly,
  confirm: (facts) => runPowerShell(facts, FAILED_LOGONS_SCRIPT),
  clean: 'No account had repeated wrong passwords from a few addresses.',
  detect(facts) {
    const events = factValue(facts, 'guest').events;
    if (!events) return null;
    const rejected = failuresByAccount(logonFailures(events, [LOGON_STATUS.wrongPassword])).filter(
      (a) => a.count >= MIN_FAILURES && a.addresses.length <= MAX_ADDRESSES,
    );
    const first = rejected[0];
    if (!first) return null;
    return {
      summary: `Windows rejected the password for ${first.user} ${first.count} times from ${describeAddresses(first.addresses)}: the password is wrong, or was rotated and the saved credentials were not.`,
      evidence: rejected.map(describeFailures),
      fixes: ['vmaccess-reset'],
    };
  },
};
