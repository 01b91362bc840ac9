import type { CauseRule } from '../../cause';
import { factValue } from '../../facts';
import { runPowerShell, windowsOnly } from '../guest-probe';

const STANDARD_PORT = 3389;

export const rdpPortNonstandard: CauseRule = {
  id: 'rdp-port-nonstandard',
  layer: 'service',
  title: 'The RDP listener is bound to another port than 3389',
  label: 'RDP port',
  guide: 'Layer two: the Remote Desktop service inside the guest',
  severity: 'critical',
  needs: ['guest'],
  notApplicable: windowsOnly,
  confirm: (facts) =>
    runPowerShell(
      facts,
      "(Get-ItemProperty 'HKLM:\\System\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp').PortNumber",
    ),
  clean: 'The RDP listener uses the standard port 3389.',
  detect(facts) {
    const port = factValue(facts, 'guest').rdp?.portNumber;
    if (port === null || port === undefined || port === STANDARD_PORT) return null;
    return {
      summary: `The RDP listener answers on port ${port}, not ${STANDARD_PORT}: a client dialing ${STANDARD_PORT} finds nothing.`,
      evidence: [`RDP-Tcp PortNumber is ${port}`],
      fixes: ['reset-rdp-port'],
      advice: `Or keep the port and dial host:${port}, with the NSG and the guest firewall allowing ${port}.`,
    };
  },
};
