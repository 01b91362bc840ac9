import type { CauseRule } from '../../cause';
import { clock, credsspRefusals } from '../../events';
import { factValue } from '../../facts';
import { newestHotfix, runPowerShell, windowsOnly } from '../guest-probe';

// The CredSSP encryption-oracle update (CVE-2018-0886) shipped on 2018-05-08; a machine whose newest
// hotfix is older cannot negotiate with patched clients.
const CREDSSP_UPDATE = '2018-05-08';
const FORCE_UPDATED_CLIENTS = 0;

export const credsspMismatch: CauseRule = {
  id: 'credssp-mismatch',
  layer: 'auth',
  title: 'CredSSP patch level or encryption-oracle policy mismatch',
  label: 'CredSSP',
  guide: 'Layer three: the authentication handshake',
  severity: 'critical',
  needs: ['guest'],
  notApplicable: windowsOnly,
  confirm: (facts) =>
    runPowerShell(
      facts,
      "Get-HotFix | Sort-Object InstalledOn -Descending | Select-Object -First 5 HotFixID, InstalledOn; (Get-ItemProperty 'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System\\CredSSP\\Parameters' -ErrorAction SilentlyContinue).AllowEncryptionOracle",
    ),
  clean: 'The guest carries the CredSSP update and its encryption-oracle policy does not refuse this client.',
  detect(facts) {
    const guest = factValue(facts, 'guest');
    const newest = newestHotfix(guest.updates?.lastHotfixes ?? []);
    const unpatched = newest !== null && newest.installedAt < Date.parse(CREDSSP_UPDATE);
    const refusesClient =
      facts.request.symptom === 'credssp' &&
      guest.rdp?.credssp?.allowEncryptionOracle === FORCE_UPDATED_CLIENTS;
    if (!unpatched && !refusesClient) return null;
    const evidence: string[] = [];
    if (unpatched) {
      evidence.push(
        `Newest hotfix ${newest.id} installed ${newest.day}: before the CredSSP update of ${CREDSSP_UPDATE} (CVE-2018-0886)`,
      );
    }
    if (refusesClient) {
      evidence.push(
        'The client reports a CredSSP error',
        'AllowEncryptionOracle is 0 (Force Updated Clients): the VM refuses clients without the CredSSP update',
      );
    }
    // The guest's own record of refusing the handshake, when it kept one: evidence, never the trigger.
    for (const refusal of credsspRefusals(guest.events ?? [])) {
      evidence.push(
        `LsaSrv 6041 at ${clock(refusal.time)}: CredSSP refused to negotiate (Encryption Oracle Remediation)`,
      );
    }
    return {
      summary: unpatched
        ? `The VM has no update newer than ${newest.day}, so it lacks the CredSSP encryption-oracle update and patched clients refuse to negotiate with it.`
        : 'The VM accepts only CredSSP-updated clients (AllowEncryptionOracle 0) and the client reports a CredSSP error: the client lacks the update.',
      evidence,
      advice:
        "Patch both ends: apply current Windows updates to the VM through Run Command or the serial console, and update the client. Never loosen the client's Encryption Oracle Remediation policy as a fix: it reopens the vulnerability.",
    };
  },
};
