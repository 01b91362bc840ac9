import type { FixDefinition } from './fix';
import { runGuestFix } from './guest-script';
import { reachableGuest } from './target';

export const startTermservice: FixDefinition = {
  id: 'start-termservice',
  title: 'Start TermService',
  causes: ['termservice-not-running'],
  inputs: () => [],
  plan({ facts }) {
    const vm = reachableGuest(facts);
    return {
      params: {},
      description: `Set TermService on ${vm.name} to start automatically and start it, through Run Command.`,
    };
  },
  execute: (ctx) => runGuestFix(ctx, 'start-termservice'),
};
