import type { CauseRule } from '../../cause';
import { factValue, optionalFact } from '../../facts';
import {
  describeRule,
  dialedPort,
  evaluateNsgForInternet,
  primaryNic,
  resourceGroupOf,
  resourceName,
  vmDestinations,
} from '../../net';

export const rdpExposedToInternet: CauseRule = {
  id: 'rdp-exposed-to-internet',
  layer: 'network',
  title: 'The RDP port is open to the whole internet',
  label: 'internet exposure',
  guide: 'Why Bastion is the better answer than opening 3389',
  severity: 'warning',
  needs: ['effectiveNsg'],
  uses: ['vm'],
  confirm(facts) {
    const vm = optionalFact(facts, 'vm');
    const nic = vm ? primaryNic(vm) : null;
    const resourceGroup = (nic && resourceGroupOf(nic.id)) ?? vm?.resourceGroup ?? '<resource-group>';
    return `az network nic list-effective-nsg --resource-group ${resourceGroup} --name ${nic?.name ?? '<nic>'} --output json`;
  },
  clean: 'No NSG rule opens the RDP port to every internet address.',
  detect(facts) {
    const { groups } = factValue(facts, 'effectiveNsg');
    const vm = optionalFact(facts, 'vm');
    const port = dialedPort(vm?.osType);
    const decision = evaluateNsgForInternet(groups, port, vmDestinations(vm));
    const opening = decision.groups.flatMap((group) => (group.rule ? [{ ...group, rule: group.rule }] : []));
    if (decision.access !== 'Allow' || opening.length === 0) return null;
    const evidence = opening.map(
      ({ group, rule }) =>
        `${describeRule(rule)} in NSG ${resourceName(group.nsgId)} (${group.scope}) allows TCP ${port} ` +
        `from ${rule.sourcePrefixesAsWritten.join(', ')}`,
    );
    const first = opening[0];
    return {
      summary:
        `TCP ${port} on ${vm?.name ?? 'the VM'} is open to every internet address: ${describeRule(first.rule)} ` +
        `in NSG ${resourceName(first.group.nsgId)} allows it from ${first.rule.sourcePrefixesAsWritten.join(', ')}.`,
      evidence,
      advice:
        'Reach the VM through Azure Bastion and remove the rule, or scope its source to your own address range; ' +
        'an open management port draws constant brute-force attempts.',
    };
  },
};
