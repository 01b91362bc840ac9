import type { CauseRule } from '../../cause';
import { factValue } from '../../facts';
import { clock, eventUser, profileServiceEvents } from '../../events';
import { joinNames, runPowerShell, windowsOnly } from '../guest-probe';

const MEANINGS: Record<number, string> = {
  1511: 'Windows could not find the local profile and signed the user in with a temporary profile',
  1515: "Windows backed up the user's profile and signed the user in with a temporary profile",
};

export const temporaryProfile: CauseRule = {
  id: 'temporary-profile',
  layer: 'guest',
  title: 'The User Profile Service gave a temporary profile',
  guide: 'Layer four: the guest operating system state after sign-in',
  severity: 'critical',
  needs: ['guest'],
  notApplicable: windowsOnly,
  confirm: (facts) =>
    runPowerShell(
      facts,
      "Get-WinEvent -FilterHashtable @{LogName='Application';ProviderName='Microsoft-Windows-User Profiles Service';Id=1511,1515} -MaxEvents 10 | Select-Object TimeCreated, Id, Message | Format-List",
    ),
  clean: 'No temporary profile was handed out in the last 24 h.',
  detect(facts) {
    const events = factValue(facts, 'guest').events;
    if (!events) return null;
    const found = profileServiceEvents(events, Object.keys(MEANINGS).map(Number));
    if (found.length === 0) return null;
    const users = joinNames(found.flatMap((e) => eventUser(e) ?? []));
    return {
      summary: `The User Profile Service signed ${users || 'a user'} in with a temporary profile: the desktop loads without their files, or the session logs straight off. The connection is fine; the profile is not.`,
      evidence: found.map((e) => {
        const user = eventUser(e);
        return `Event ${e.id} at ${clock(e.time)}: ${MEANINGS[e.id]}${user ? ` (${user})` : ''}`;
      }),
      advice:
        "Repair or recreate the user's profile (fix or remove the broken profile folder and its .bak entry under ProfileList), then sign in again.",
    };
  },
};
