import type { FixDefinition } from './fix';
import { runGuestFix } from './guest-script';
import { reachableGuest } from './target';

export const resetRdpPort: FixDefinition = {
  id: 'reset-rdp-port',
  title: 'Move RDP back to port 3389',
  causes: ['rdp-port-nonstandard'],
  inputs: () => [],
  plan({ facts }) {
    const vm = reachableGuest(facts);
    const port = facts.guest.status === 'ok' ? facts.guest.value.rdp?.portNumber : null;
    const now = port ? ` (now ${port})` : '';
    return {
      params: {},
      description:
        `Set the RDP listener on ${vm.name} back to port 3389${now} and restart TermService, through Run Command; ` +
        'open sessions drop.',
    };
  },
  execute: (ctx) => runGuestFix(ctx, 'reset-rdp-port'),
};
