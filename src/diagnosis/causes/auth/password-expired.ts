import type { CauseRule } from '../../cause';
import { factValue } from '../../facts';
import { LOGON_STATUS, describeFailures, failuresByAccount, logonFailures } from '../../events';
import {
  FAILED_LOGONS_SCRIPT,
  LOCAL_ACCOUNTS_SCRIPT,
  joinNames,
  runPowerShell,
  windowsOnly,
} from '../guest-probe';

export const passwordExpired: CauseRule = {
  id: 'password-expired',
  layer: 'auth',
  title: 'The password has expired or must be changed',
  label: 'password expiry',
  guide: 'Layer three: the authentication handshake',
  severity: 'critical',
  needs: ['guest'],
  notApplicable: windowsOnly,
  confirm: (facts) => runPowerShell(facts, `${LOCAL_ACCOUNTS_SCRIPT}; ${FAILED_LOGONS_SCRIPT}`),
  clean: 'No enabled account has an expired password and no logon was refused for one.',
  detect(facts) {
    const guest = factValue(facts, 'guest');
    const expired = (guest.accounts ?? []).filter((a) => a.enabled && a.passwordExpired);
    const refused = failuresByAccount(
      logonFailures(guest.events ?? [], [LOGON_STATUS.passwordExpired, LOGON_STATUS.mustChangePassword]),
    );
    if (expired.length === 0 && refused.length === 0) return null;
    const users = joinNames([...expired.map((a) => a.name), ...refused.map((a) => a.user)]) || 'an account';
    return {
      summary: `The password of ${users} has expired or must be changed at next logon, which a Remote Desktop sign-in cannot do, so the logon is rejected.`,
      evidence: [
        ...expired.map((a) => `Local account ${a.name}: password expired`),
        ...refused.map(describeFailures),
      ],
      fixes: ['vmaccess-reset'],
    };
  },
};
