import type { NetworkSecurityGroup, SecurityRule } from '@azure/arm-network';
import type { NsgRulesFacts } from '../../diagnosis/facts';
import type { WrittenRule } from '../../diagnosis/nsg-as-written';
import { callAzure } from '../errors';
import type { Gatherer } from '../gatherer';
import { requireResourceId } from '../resource-id';
import { SECOND, primaryNic } from './common';
import { subnetOf } from './subnet';

// The NSGs on the primary NIC and on its subnet, their rules as written: plain GETs that answer in a few
// hundred milliseconds, where effective rules and IP flow verify take seconds. They feed the provisional
// network verdict only; the rules judge from effective rules and IP flow verify.

/** One rule as the SDK returns it, in ARM's `securityRules` shape. */
export function writtenRuleOf(rule: SecurityRule): { name: string; properties: WrittenRule } {
  return {
    name: rule.name ?? '',
    properties: {
      priority: rule.priority ?? 0,
      direction: rule.direction ?? '',
      access: rule.access ?? '',
      protocol: rule.protocol ?? '',
      sourceAddressPrefix: rule.sourceAddressPrefix,
      sourceAddressPrefixes: rule.sourceAddressPrefixes,
      destinationAddressPrefix: rule.destinationAddressPrefix,
      destinationAddressPrefixes: rule.destinationAddressPrefixes,
      destinationPortRange: rule.destinationPortRange,
      destinationPortRanges: rule.destinationPortRanges,
    },
  };
}

export function nsgRulesGroupOf(
  nsgId: string,
  nsg: NetworkSecurityGroup,
  scope: NsgRulesFacts['groups'][number]['scope'],
): NsgRulesFacts['groups'][number] {
  return {
    nsgId,
    scope,
    rules: (nsg.securityRules ?? []).map(writtenRuleOf),
  };
}

export const nsgRulesGatherer: Gatherer<'nsgRules'> = {
  key: 'nsgRules',
  timeoutMs: 30 * SECOND,
  async gather({ sub, vm, signal }) {
    const nic = primaryNic(vm);
    const read = async (nsgId: string, scope: NsgRulesFacts['groups'][number]['scope']) => {
      const id = requireResourceId(nsgId, `an NSG of ${vm.name}`);
      const nsg = await callAzure('Network', () =>
        sub.network.networkSecurityGroups.get(id.resourceGroup, id.name, { abortSignal: signal }),
      );
      return nsgRulesGroupOf(nsgId, nsg, scope);
    };
    const subnetSide = async () => {
      if (!nic.subnetId) return { prefixes: [], nsg: null };
      const subnet = await subnetOf(sub, vm, nic.subnetId, signal);
      const prefixes = [
        ...(subnet.addressPrefix ? [subnet.addressPrefix] : []),
        ...(subnet.addressPrefixes ?? []),
      ];
      const nsgId = subnet.networkSecurityGroup?.id;
      return { prefixes, nsg: nsgId ? await read(nsgId, 'subnet') : null };
    };
    // The NIC's NSG is known from the NIC already: read it while the subnet says which NSG it has.
    const [subnet, nicNsg] = await Promise.all([subnetSide(), nic.nsgId ? read(nic.nsgId, 'nic') : null]);
    return {
      nicId: nic.id,
      subnetPrefixes: subnet.prefixes,
      groups: [...(subnet.nsg ? [subnet.nsg] : []), ...(nicNsg ? [nicNsg] : [])],
    };
  },
};
