import { addVm } from './add-vm';
import { addFoundation } from './foundation';
import type { At, Scenario } from './scenarios/spec';
import { World } from './world';

// The sandbox subscriptions are fixed GUIDs so that demos, docs and tests can name them.
export const SANDBOX_SUBSCRIPTION_ID = '5a4db0c5-0000-4000-8000-00000000a001';
export const OTHER_SUBSCRIPTION_ID = '5a4db0c5-0000-4000-8000-00000000a002';
export const SANDBOX_TENANT_ID = '5a4db0c5-0000-4000-8000-0000000000f0';

export function buildWorld(scenarios: readonly Scenario[], clock: () => number = Date.now): World {
  const world = new World([SANDBOX_SUBSCRIPTION_ID, OTHER_SUBSCRIPTION_ID], SANDBOX_TENANT_ID, clock);
  addFoundation(world, SANDBOX_SUBSCRIPTION_ID);
  addFoundation(world, OTHER_SUBSCRIPTION_ID);
  const startedAt = world.now();
  const at: At = (minutesAgo) => new Date(startedAt - minutesAgo * 60_000).toISOString();
  for (const scenario of scenarios) {
    for (const placement of scenario.placements) {
      const subscriptionId =
        placement.subscription === 'primary' ? SANDBOX_SUBSCRIPTION_ID : OTHER_SUBSCRIPTION_ID;
      addVm(world, scenario.vm(at), { subscriptionId, resourceGroup: placement.resourceGroup }, at);
    }
  }
  return world;
}
