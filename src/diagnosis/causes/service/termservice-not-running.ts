import type { CauseRule } from '../../cause';
import { factValue } from '../../facts';
import { runPowerShell, windowsOnly } from '../guest-probe';

export const termserviceNotRunning: CauseRule = {
  id: 'termservice-not-running',
  layer: 'service',
  title: 'The Remote Desktop service (TermService) is not running',
  label: 'TermService',
  guide: 'Layer two: the Remote Desktop service inside the guest',
  severity: 'critical',
  needs: ['guest'],
  notApplicable: windowsOnly,
  confirm: (facts) => runPowerShell(facts, 'Get-Service TermService | Select-Object Status, StartType'),
  clean: 'TermService is running and not disabled.',
  detect(facts) {
    const service = factValue(facts, 'guest').rdp?.termService;
    if (!service) return null;
    const running = service.status.toLowerCase() === 'running';
    const disabled = service.startType.toLowerCase() === 'disabled';
    if (running && !disabled) return null;
    return {
      summary: running
        ? 'TermService runs now but its start type is Disabled, so Remote Desktop will not come back after the next restart.'
        : `The Remote Desktop service (TermService) is ${service.status}, so nothing answers RDP even though Windows is up.`,
      evidence: [`TermService is ${service.status}, start type ${service.startType}`],
      fixes: ['start-termservice'],
    };
  },
};
