import type { FixDefinition } from './fix';
import { runGuestFix } from './guest-script';
import { reachableGuest } from './target';

export const enableRdpConnections: FixDefinition = {
  id: 'enable-rdp-connections',
  title: 'Allow RDP connections',
  causes: ['rdp-connections-disabled'],
  inputs: () => [],
  plan({ facts }) {
    const vm = reachableGuest(facts);
    return {
      params: {},
      description:
        `Allow Remote Desktop connections on ${vm.name} (fDenyTSConnections = 0) and enable its firewall rule group, ` +
        'through Run Command.',
    };
  },
  execute: (ctx) => runGuestFix(ctx, 'enable-rdp-connections'),
};
