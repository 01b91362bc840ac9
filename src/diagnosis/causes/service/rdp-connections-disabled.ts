import type { CauseRule } from '../../cause';
import { factValue } from '../../facts';
import { runPowerShell, windowsOnly } from '../guest-probe';

export const rdpConnectionsDisabled: CauseRule = {
  id: 'rdp-connections-disabled',
  layer: 'service',
  title: 'Remote Desktop connections are disabled (fDenyTSConnections = 1)',
  label: 'RDP connections setting',
  guide: 'Layer two: the Remote Desktop service inside the guest',
  severity: 'critical',
  needs: ['guest'],
  notApplicable: windowsOnly,
  confirm: (facts) =>
    runPowerShell(
      facts,
      "(Get-ItemProperty 'HKLM:\\System\\CurrentControlSet\\Control\\Terminal Server').fDenyTSConnections",
    ),
  clean: 'Remote Desktop connections are enabled (fDenyTSConnections = 0).',
  detect(facts) {
    if (factValue(facts, 'guest').rdp?.fDenyTSConnections !== 1) return null;
    return {
      summary:
        'Remote Desktop is turned off at the system level: fDenyTSConnections is 1, so Windows refuses every RDP connection.',
      evidence: ['fDenyTSConnections is 1 under HKLM\\System\\CurrentControlSet\\Control\\Terminal Server'],
      fixes: ['enable-rdp-connections'],
      advice: 'If a group policy sets it, the policy turns it off again: fix the policy too.',
    };
  },
};
