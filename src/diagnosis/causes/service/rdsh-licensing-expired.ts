import type { CauseRule } from '../../cause';
import { factValue } from '../../facts';
import { runPowerShell, windowsOnly } from '../guest-probe';

const SESSION_HOST_SETTINGS =
  'Get-CimInstance -Namespace root/cimv2/TerminalServices -ClassName Win32_TerminalServiceSetting';

export const rdshLicensingExpired: CauseRule = {
  id: 'rdsh-licensing-expired',
  layer: 'service',
  title: 'Session Host licensing grace period over, no license server',
  label: 'RDS licensing',
  guide: 'Layer two: the Remote Desktop service inside the guest',
  severity: 'critical',
  needs: ['guest'],
  notApplicable: windowsOnly,
  confirm: (facts) =>
    runPowerShell(
      facts,
      [
        'Get-WindowsFeature RDS-RD-Server | Select-Object Name, InstallState',
        `${SESSION_HOST_SETTINGS} | Invoke-CimMethod -MethodName GetGracePeriodDays | Select-Object DaysLeft`,
        `${SESSION_HOST_SETTINGS} | Invoke-CimMethod -MethodName GetSpecifiedLicenseServerList | Select-Object SpecifiedLSList`,
      ].join('; '),
    ),
  clean: 'No Session Host licensing problem: the role is absent, licensed, or still in its grace period.',
  detect(facts) {
    const rdsh = factValue(facts, 'guest').rdp?.rdsh;
    if (!rdsh?.installed || rdsh.licenseServers.length > 0) return null;
    if (rdsh.graceDaysLeft === null || rdsh.graceDaysLeft > 0) return null;
    const mode =
      rdsh.licensingMode === null ? 'no licensing mode set' : `licensing mode ${rdsh.licensingMode}`;
    return {
      summary:
        'The Remote Desktop Session Host role is installed, its licensing grace period is over and no license server is configured, so the host refuses new sessions.',
      evidence: [
        `Remote Desktop Session Host role installed, ${mode}, no license server configured`,
        `Licensing grace period: ${rdsh.graceDaysLeft} days left`,
      ],
      advice:
        'Configure and activate a Remote Desktop license server and point the host at it; if multi-user Session Host was never needed, remove the role so the machine reverts to administrative access, which needs no license.',
    };
  },
};
