import type { CauseRule } from '../../cause';
import { profileEventsCommand, profileEventsFound, windowsOnly } from '../guest-probe';

const MEANINGS: Record<number, string> = {
  1500: 'Windows cannot log the user on because the profile cannot be loaded',
  1502: 'Windows cannot load the locally stored profile',
  1508: "Windows was unable to load the profile's registry hive",
};

export const profileLoadFailed: CauseRule = {
  id: 'profile-load-failed',
  layer: 'guest',
  title: 'The user profile fails to load',
  label: 'profile loads',
  guide: 'Layer four: the guest operating system state after sign-in',
  severity: 'critical',
  needs: ['guest'],
  notApplicable: windowsOnly,
  confirm: (facts) => profileEventsCommand(facts, MEANINGS),
  clean: 'No profile failed to load in the last 24 h.',
  detect(facts) {
    const found = profileEventsFound(facts, MEANINGS);
    if (!found) return null;
    const { users } = found;
    return {
      summary: `The profile of ${users || 'the user'} fails to load, so the session is bounced right after sign-in although the connection and the credentials are fine.`,
      evidence: found.evidence,
      advice:
        'Repair the profile: check free space and the permissions on the profile folder and its NTUSER.DAT, or recreate the profile.',
    };
  },
};
