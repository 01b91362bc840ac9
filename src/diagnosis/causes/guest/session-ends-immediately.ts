import type { CauseRule } from '../../cause';
import { factValue } from '../../facts';
import { clock, shortSessions } from '../../events';
import { runPowerShell, windowsOnly } from '../guest-probe';

const WITHIN_SECONDS = 60;
const MIN_SESSIONS = 2;

export const sessionEndsImmediately: CauseRule = {
  id: 'session-ends-immediately',
  layer: 'guest',
  title: 'Sessions end seconds after logon',
  label: 'session length',
  guide: 'Layer four: the guest operating system state after sign-in',
  severity: 'critical',
  needs: ['guest'],
  notApplicable: windowsOnly,
  confirm: (facts) =>
    runPowerShell(
      facts,
      "Get-WinEvent -FilterHashtable @{LogName='Microsoft-Windows-TerminalServices-LocalSessionManager/Operational';Id=21,23,24} -MaxEvents 20 | Select-Object TimeCreated, Id, Message | Format-List",
    ),
  clean: `No sessions ended within ${WITHIN_SECONDS} s of logon.`,
  detect(facts) {
    const events = factValue(facts, 'guest').events;
    if (!events) return null;
    const short = shortSessions(events, WITHIN_SECONDS);
    if (short.length < MIN_SESSIONS) return null;
    return {
      summary: `${short.length} sessions ended within a minute of logon: the connection works, and a logoff policy or a profile that fails to load is bouncing the session.`,
      evidence: short.map(
        (s) =>
          `Session ${s.sessionId}${s.user ? ` (${s.user})` : ''} logged on at ${clock(s.logon, true)} and ${s.ending} ${Math.round(s.seconds)} s later`,
      ),
      advice:
        'Check the group policies that end sessions (logoff scripts, session time limits) and whether the profile loads (User Profile Service events).',
    };
  },
};
