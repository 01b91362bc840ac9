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

export const accountDisabled: CauseRule = {
  id: 'account-disabled',
  layer: 'auth',
  title: 'The account is disabled',
  label: 'disabled accounts',
  guide: 'Layer three: the authentication handshake',
  severity: 'critical',
  needs: ['guest'],
  notApplicable: windowsOnly,
  confirm: (facts) => runPowerShell(facts, `${LOCAL_ACCOUNTS_SCRIPT}; ${FAILED_LOGONS_SCRIPT}`),
  clean: 'No logon was refused because the account is disabled.',
  detect(facts) {
    const events = factValue(facts, 'guest').events;
    if (!events) return null;
    const refused = failuresByAccount(logonFailures(events, [LOGON_STATUS.accountDisabled]));
    if (refused.length === 0) return null;
    return {
      summary: `Windows refuses ${joinNames(refused.map((a) => a.user)) || 'an account'} because the account is disabled (0xC0000072), whatever the password.`,
      evidence: refused.map(describeFailures),
      fixes: ['unlock-account'],
    };
  },
};
