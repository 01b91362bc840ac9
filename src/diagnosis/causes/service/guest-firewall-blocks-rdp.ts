import type { CauseRule } from '../../cause';
import { factValue } from '../../facts';
import { runPowerShell, windowsOnly } from '../guest-probe';

export const guestFirewallBlocksRdp: CauseRule = {
  id: 'guest-firewall-blocks-rdp',
  layer: 'service',
  title: 'Windows Firewall inside the guest blocks RDP',
  label: 'Windows Firewall',
  guide: 'Layer two: the Remote Desktop service inside the guest',
  severity: 'critical',
  needs: ['guest'],
  notApplicable: windowsOnly,
  confirm: (facts) =>
    runPowerShell(
      facts,
      // The group by its resource id (its display name is translated), as the firewall applies it:
      // Group Policy included.
      "Get-NetFirewallRule -Group '@FirewallAPI.dll,-28752' -PolicyStore ActiveStore | Select-Object DisplayName, Enabled, Direction, Action, Profile, PolicyStoreSourceType",
    ),
  clean: 'Windows Firewall allows the RDP port inbound.',
  detect(facts) {
    const rdp = factValue(facts, 'guest').rdp;
    const firewall = rdp?.firewall;
    if (!firewall || firewall.portAllowed) return null;
    const port = rdp.portNumber ?? 3389;
    return {
      summary: `Windows Firewall inside the guest denies inbound TCP ${port}, so RDP fails even where the NSG allows it.`,
      evidence: [
        `Windows Firewall does not allow inbound TCP ${port}`,
        `Remote Desktop rule group ${firewall.rdpRulesEnabled ? 'enabled' : 'disabled'}, default inbound action ${firewall.defaultInboundAction}`,
      ],
      fixes: ['enable-rdp-firewall-rules'],
    };
  },
};
