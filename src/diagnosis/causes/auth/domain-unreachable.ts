import type { CauseRule } from '../../cause';
import { factValue, optionalFact } from '../../facts';
import { runPowerShell, windowsOnly } from '../guest-probe';

export const domainUnreachable: CauseRule = {
  id: 'domain-unreachable',
  layer: 'auth',
  title: 'Domain-joined machine cannot reach a domain controller',
  label: 'domain secure channel',
  guide: 'Layer three: the authentication handshake',
  severity: 'critical',
  needs: ['guest'],
  notApplicable: windowsOnly,
  confirm(facts) {
    const domain = optionalFact(facts, 'guest')?.os?.domain;
    const nltest = domain && /^[\w.-]+$/.test(domain) ? `; nltest /sc_query:${domain}` : '';
    return runPowerShell(facts, `Test-ComputerSecureChannel -Verbose${nltest}`);
  },
  clean: 'The machine is not domain-joined, or its secure channel to the domain is healthy.',
  detect(facts) {
    const guest = factValue(facts, 'guest');
    const os = guest.os;
    if (!os?.domainJoined || os.secureChannelOk !== false) return null;
    const domain = os.domain ?? 'its domain';
    const localAdmin = (guest.accounts ?? []).find((a) => a.enabled && !a.lockedOut);
    return {
      summary: `The machine is joined to ${domain} but its secure channel to the domain controllers is broken, so directory accounts cannot sign in while local accounts still can.`,
      evidence: [
        `Joined to ${domain}; Test-ComputerSecureChannel returned False`,
        ...(localAdmin
          ? [
              `Local account ${localAdmin.name} is enabled: sign in as .\\${localAdmin.name} to prove RDP itself works`,
            ]
          : []),
      ],
      advice:
        "Restore the machine's reach to a domain controller (DNS, routes, NSG and firewall rules toward the DCs) or the directory's health; test with a local administrator account: if it signs in, the problem is the identity path, not Remote Desktop.",
    };
  },
};
