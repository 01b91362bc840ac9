import type { CauseRule } from '../../cause';
import { factValue } from '../../facts';
import { applicationCrashes, clock, occurrences } from '../../events';
import { joinNames, runPowerShell, windowsOnly } from '../guest-probe';

const SHELL = ['explorer.exe', 'dwm.exe'];
const MIN_CRASHES = 2;

export const shellCrash: CauseRule = {
  id: 'shell-crash',
  layer: 'guest',
  title: 'The desktop shell (explorer/dwm) keeps crashing',
  label: 'explorer and dwm crashes',
  guide: 'Layer four: the guest operating system state after sign-in',
  severity: 'critical',
  needs: ['guest'],
  notApplicable: windowsOnly,
  confirm: (facts) =>
    runPowerShell(
      facts,
      "Get-WinEvent -FilterHashtable @{LogName='Application';ProviderName='Application Error';Id=1000} -MaxEvents 10 | Select-Object TimeCreated, Message | Format-List",
    ),
  clean: 'explorer.exe and dwm.exe have not been crashing.',
  detect(facts) {
    const events = factValue(facts, 'guest').events;
    if (!events) return null;
    const perApp = SHELL.flatMap((app) => {
      const crashes = applicationCrashes(events, [app]);
      const first = crashes[0];
      if (!first) return [];
      const count = crashes.reduce((n, e) => n + occurrences(e), 0);
      return [
        { app, count, since: first.time, modules: joinNames(crashes.map((e) => e.data.ModuleName ?? '')) },
      ];
    });
    const total = perApp.reduce((n, a) => n + a.count, 0);
    if (total < MIN_CRASHES) return null;
    return {
      summary: `The desktop shell keeps crashing (${joinNames(perApp.map((a) => a.app))}, ${total} times): the session opens but the desktop does not paint.`,
      evidence: perApp.map(
        (a) =>
          `${a.app} crashed ${a.count} ${a.count === 1 ? 'time' : 'times'} since ${clock(a.since)}${a.modules ? ` (faulting module ${a.modules})` : ''}`,
      ),
      fixes: ['restart-vm'],
      advice:
        'If the faulting module belongs to a display driver, update or roll back the driver; a controlled restart clears a shell stuck in a bad state.',
    };
  },
};
