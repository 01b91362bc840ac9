import { authScenarios } from './auth';
import { scenario } from './define';
import { failureScenarios } from './failures';
import { guestScenarios } from './guest';
import { networkScenarios } from './network';
import { platformScenarios } from './platform';
import { serviceScenarios } from './service';
import type { Scenario } from './spec';

// Every sandbox machine, in the guide's layer order: the healthy one, one per cause, then the failures.

export const HEALTHY_VM = 'vm-healthy';

export const scenarios: readonly Scenario[] = [
  scenario({
    name: HEALTHY_VM,
    cause: null,
    summary:
      'Nothing wrong: every layer checks clean. Its public IP answers to vm-healthy-sandbox.westeurope.cloudapp.azure.com.',
    request: { host: 'vm-healthy-sandbox.westeurope.cloudapp.azure.com' },
    change(vm) {
      vm.publicIp = { sku: 'Standard', allocation: 'Static', domainNameLabel: 'vm-healthy-sandbox' };
    },
  }),
  ...platformScenarios,
  ...networkScenarios,
  ...serviceScenarios,
  ...authScenarios,
  ...guestScenarios,
  ...failureScenarios,
];

export type { Scenario } from './spec';
