import type { CauseRule } from '../../cause';
import { factValue, optionalFact } from '../../facts';
import { runPowerShell, windowsOnly } from '../guest-probe';

export const rdpNotListening: CauseRule = {
  id: 'rdp-not-listening',
  layer: 'service',
  title: 'TermService runs but nothing listens for RDP',
  label: 'listener',
  guide: 'Layer two: the Remote Desktop service inside the guest',
  severity: 'critical',
  needs: ['guest'],
  notApplicable: windowsOnly,
  confirm(facts) {
    const port = optionalFact(facts, 'guest')?.rdp?.portNumber ?? 3389;
    return runPowerShell(
      facts,
      `Get-Service TermService | Select-Object Status, StartType; Get-NetTCPConnection -State Listen -LocalPort ${port}`,
    );
  },
  clean: 'The RDP listener is listening on its configured port.',
  detect(facts) {
    const rdp = factValue(facts, 'guest').rdp;
    if (!rdp?.termService || rdp.termService.status.toLowerCase() !== 'running') return null;
    if (rdp.fDenyTSConnections !== 0 || rdp.listening !== false) return null;
    const port = rdp.portNumber === null ? 'its configured port' : `TCP ${rdp.portNumber}`;
    return {
      summary: `TermService is running and Remote Desktop is enabled, but nothing listens on ${port}: the RDP-Tcp listener is broken.`,
      evidence: [
        'TermService is Running and fDenyTSConnections is 0',
        `Nothing listens on ${port} (RDP-Tcp PortNumber)`,
      ],
      fixes: ['vmaccess-reset'],
      advice:
        'VMAccess resets the Remote Desktop configuration to a working baseline, which rebuilds the listener.',
    };
  },
};
