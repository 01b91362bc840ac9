import type { CauseRule } from '../../cause';
import { factValue } from '../../facts';
import { LOGON_STATUS, describeFailures, failuresByAccount, logonFailures } from '../../events';
import { FAILED_LOGONS_SCRIPT, joinNames, runPowerShell, windowsOnly } from '../guest-probe';

export const logonRightMissing: CauseRule = {
  id: 'logon-right-missing',
  layer: 'auth',
  title: 'The account may not log on through Remote Desktop',
  label: 'RDP logon right',
  guide: 'Layer three: the authentication handshake',
  severity: 'critical',
  needs: ['guest'],
  notApplicable: windowsOnly,
  confirm: (facts) =>
    runPowerShell(facts, `Get-LocalGroupMember -Group 'Remote Desktop Users'; ${FAILED_LOGONS_SCRIPT}`),
  clean: 'No logon was refused for a missing Remote Desktop logon right.',
  detect(facts) {
    const guest = factValue(facts, 'guest');
    if (!guest.events) return null;
    const refused = failuresByAccount(logonFailures(guest.events, [LOGON_STATUS.logonTypeNotGranted]));
    if (refused.length === 0) return null;
    const users = refused.map((a) => a.user.toLowerCase());
    const notMembers = (guest.accounts ?? []).filter(
      (a) => !a.rdpAllowed && users.includes(a.name.toLowerCase()),
    );
    return {
      summary: `${joinNames(refused.map((a) => a.user)) || 'An account'} authenticated but is not allowed to log on through Remote Desktop (0xC000015B).`,
      evidence: [
        ...refused.map(describeFailures),
        ...notMembers.map((a) => `${a.name} is not in Remote Desktop Users or Administrators`),
      ],
      advice:
        "Add the account to Remote Desktop Users (or Administrators), and check that the 'Allow log on through Remote Desktop Services' right includes it and 'Deny log on through Remote Desktop Services' does not.",
    };
  },
};
