import { RESOURCE_GROUP, SECOND_RESOURCE_GROUP } from '../foundation';
import { scenario } from './define';

// Healthy machines on which Azure itself misbehaves, and the naming cases: what the pipeline must report as
// `error` checks or ask about, never turn into a cause.

export const failureScenarios = [
  scenario({
    name: 'vm-runcommand-conflict',
    cause: null,
    summary: 'Another Run Command holds the VM: every Run Command answers 409 Conflict.',
    change(vm) {
      vm.faults.runCommand = 'conflict';
    },
  }),
  scenario({
    name: 'vm-throttled',
    cause: null,
    summary:
      'A 429 storm: IP flow verify and effective security rules always answer 429 with Retry-After: 1.',
    change(vm) {
      vm.faults.ipFlowVerify = 'throttled';
      vm.faults.effectiveNsg = 'throttled';
    },
  }),
  scenario({
    name: 'vm-arm-error',
    cause: null,
    summary: 'The network resource provider fails effective security rules with 500.',
    change(vm) {
      vm.faults.effectiveNsg = 'error';
    },
  }),
  scenario({
    name: 'vm-hung',
    cause: null,
    summary: 'Run Command is accepted and never finishes: the gatherer must time out.',
    change(vm) {
      vm.faults.runCommand = 'hang';
    },
  }),
  scenario({
    name: 'vm-dup',
    cause: null,
    summary: 'Two healthy VMs of this name, in rg-sandbox and rg-sandbox-2: the name is ambiguous.',
    placements: [
      { subscription: 'primary', resourceGroup: RESOURCE_GROUP },
      { subscription: 'primary', resourceGroup: SECOND_RESOURCE_GROUP },
    ],
  }),
  scenario({
    name: 'vm-other-sub',
    cause: null,
    summary: 'A healthy VM in the second sandbox subscription.',
    placements: [{ subscription: 'other', resourceGroup: RESOURCE_GROUP }],
  }),
];
