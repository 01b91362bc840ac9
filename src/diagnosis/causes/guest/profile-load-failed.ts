import type { CauseRule } from '../../cause';
import { factValue } from '../../facts';
import { clock, eventUser, profileServiceEvents } from '../../events';
import { joinNames, runPowerShell, windowsOnly } from '../guest-probe';

const MEANINGS: Record<number, string> = {
  1500: 'Windows cannot log the user on because the profile cannot be loaded',
  1502: 'Windows cannot load the locally stored profile',
  1508: "Windows was unable to load the profile's registry hive",
};

export const profileLoadFailed: CauseRule = {
  id: 'profile-load-failed',
  layer: 'guest',
  title: 'The user profile fails to load',
  guide: 'Layer four: the guest operating system state after sign-in',
  severity: 'critical',
  needs: ['guest'],
  notApplicable: windowsOnly,
  confirm: (facts) =>
    runPowerShell(
      facts,
      "Get-WinEvent -FilterHashtable @{LogName='Application';ProviderName='Microsoft-Windows-User Profiles Service';Id=1500,1502,1508} -MaxEvents 10 | Select-Object TimeCreated, Id, Message | Format-List",
    ),
  clean: 'No profile failed to load in the last 24 h.',
  detect(facts) {
    const events = factValue(facts, 'guest').events;
    if (!events) return null;
    const found = profileServiceEvents(events, Object.keys(MEANINGS).map(Number));
    if (found.length === 0) return null;
    const users = joinNames(found.flatMap((e) => eventUser(e) ?? []));
    return {
      summary: `The profile of ${users || 'the user'} fails to load, so the session is bounced right after sign-in although the connection and the credentials are fine.`,
      evidence: found.map((e) => {
        const user = eventUser(e);
        return `Event ${e.id} at ${clock(e.time)}: ${MEANINGS[e.id]}${user ? ` (${user})` : ''}`;
      }),
      advice:
        'Repair the profile: check free space and the permissions on the profile folder and its NTUSER.DAT, or recreate the profile.',
    };
  },
};
