import type { FixDefinition } from './fix';
import { runGuestFix } from './guest-script';
import { reachableGuest } from './target';

export const enableRdpFirewallRules: FixDefinition = {
  id: 'enable-rdp-firewall-rules',
  title: 'Enable the RDP firewall rules',
  causes: ['guest-firewall-blocks-rdp'],
  inputs: () => [],
  plan({ facts }) {
    const vm = reachableGuest(facts);
    return {
      params: {},
      description: `Enable the Remote Desktop firewall rule group inside Windows on ${vm.name}, through Run Command.`,
    };
  },
  execute: (ctx) => runGuestFix(ctx, 'enable-rdp-firewall-rules'),
};
