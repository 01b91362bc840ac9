import type { CauseRule } from '../../cause';
import { factValue } from '../../facts';
import { newestHotfix, runPowerShell, windowsOnly } from '../guest-probe';

export const updateInProgress: CauseRule = {
  id: 'update-in-progress',
  layer: 'guest',
  title: 'Windows is installing updates or waiting to reboot for them',
  label: 'updates',
  guide: 'Layer four: the guest operating system state after sign-in',
  severity: 'critical',
  needs: ['guest'],
  notApplicable: windowsOnly,
  confirm: (facts) =>
    runPowerShell(
      facts,
      "Get-Service TrustedInstaller, wuauserv | Select-Object Name, Status; Test-Path 'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending'; Test-Path 'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired'",
    ),
  clean: 'No update is installing and no reboot is pending.',
  detect(facts) {
    const guest = factValue(facts, 'guest');
    const updates = guest.updates;
    if (!updates || (!updates.servicingActive && !updates.rebootPending)) return null;
    const newest = newestHotfix(updates.lastHotfixes);
    const context = [
      ...(newest ? [`Newest hotfix ${newest.id} installed ${newest.day}`] : []),
      ...(guest.os?.lastBootUpTime ? [`Last boot ${guest.os.lastBootUpTime}`] : []),
    ];
    if (updates.servicingActive) {
      return {
        summary:
          'Windows is installing updates, which leaves the desktop in a transient state (a black screen, a session that will not paint) until it finishes.',
        evidence: [
          'Windows servicing is active: updates are installing',
          ...(updates.rebootPending ? ['A reboot is pending to finish them'] : []),
          ...context,
        ],
        advice:
          'Let the installation finish and watch it on the serial console; restarting in the middle of servicing can leave Windows unable to boot.',
      };
    }
    return {
      summary:
        'Windows has a reboot pending to finish installing updates; until it restarts, sessions may not paint.',
      evidence: ['A reboot is pending to finish installing updates', ...context],
      fixes: ['restart-vm'],
      severity: 'warning',
    };
  },
};
