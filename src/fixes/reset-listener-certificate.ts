import type { FixDefinition } from './fix';
import { runGuestFix } from './guest-script';
import { reachableGuest } from './target';

export const resetListenerCertificate: FixDefinition = {
  id: 'reset-listener-certificate',
  title: 'Regenerate the RDP certificate',
  causes: ['listener-certificate-invalid'],
  inputs: () => [],
  plan({ facts }) {
    const vm = reachableGuest(facts);
    return {
      params: {},
      description:
        `Remove the RDP listener's certificate on ${vm.name} and restart TermService so Windows makes a new ` +
        'self-signed one, through Run Command; open sessions drop.',
    };
  },
  execute: (ctx) => runGuestFix(ctx, 'reset-listener-certificate'),
};
