import type { CauseRule } from '../../cause';
import { profileEventsCommand, profileEventsFound, windowsOnly } from '../guest-probe';

const MEANINGS: Record<number, string> = {
  1511: 'Windows could not find the local profile and signed the user in with a temporary profile',
  1515: "Windows backed up the user's profile and signed the user in with a temporary profile",
};

export const temporaryProfile: CauseRule = {
  id: 'temporary-profile',
  layer: 'guest',
  title: 'The User Profile Service gave a temporary profile',
  label: 'temporary profiles',
  guide: 'Layer four: the guest operating system state after sign-in',
  severity: 'critical',
  needs: ['guest'],
  notApplicable: windowsOnly,
  confirm: (facts) => profileEventsCommand(facts, MEANINGS),
  clean: 'No temporary profile was handed out in the last 24 h.',
  detect(facts) {
    const found = profileEventsFound(facts, MEANINGS);
    if (!found) return null;
    const { users } = found;
    return {
      summary: `The User Profile Service signed ${users || 'a user'} in with a temporary profile: the desktop loads without their files, or the session logs straight off. The connection is fine; the profile is not.`,
      evidence: found.evidence,
      advice:
        "Repair or recreate the user's profile (fix or remove the broken profile folder and its .bak entry under ProfileList), then sign in again.",
    };
  },
};
