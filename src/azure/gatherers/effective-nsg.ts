import type {
  EffectiveNetworkSecurityGroupListResult,
  EffectiveNetworkSecurityRule,
} from '@azure/arm-network';
import type { EffectiveNsgFacts, EffectiveNsgGroup, EffectiveRule } from '../../diagnosis/facts';
import { callAzure } from '../errors';
import type { Gatherer } from '../gatherer';
import { requireResourceId } from '../resource-id';
import { SECOND, primaryNic, skipUnlessRunning } from './common';

// The NSG rules Azure actually applies to the primary NIC, from the NIC's NSG and its subnet's NSG.

// ARM sends null for an absent list (the SDK types say undefined).
function nonEmpty(list: string[] | null | undefined): list is string[] {
  return list != null && list.length > 0;
}

function listOr(list: string[] | undefined, single: string | undefined): string[] {
  if (nonEmpty(list)) return list;
  return single ? [single] : [];
}

const anyAddress = (prefix: string) => (prefix === '*' ? '0.0.0.0/0' : prefix);

/**
 * One effective rule. Sources and destinations: the expanded prefixes when ARM expanded a service tag,
 * else the prefixes as written, with `*` spelled as `0.0.0.0/0` (ARM sends an empty or null expansion for
 * plain prefixes).
 */
export function effectiveRuleOf(rule: EffectiveNetworkSecurityRule): EffectiveRule {
  const asWritten = listOr(rule.sourceAddressPrefixes, rule.sourceAddressPrefix);
  const expanded = nonEmpty(rule.expandedSourceAddressPrefix) ? rule.expandedSourceAddressPrefix : asWritten;
  const destinationAsWritten = listOr(rule.destinationAddressPrefixes, rule.destinationAddressPrefix);
  const destinationExpanded = nonEmpty(rule.expandedDestinationAddressPrefix)
    ? rule.expandedDestinationAddressPrefix
    : destinationAsWritten;
  return {
    name: rule.name ?? '',
    priority: rule.priority ?? 0,
    access: rule.access === 'Allow' ? 'Allow' : 'Deny',
    direction: rule.direction === 'Outbound' ? 'Outbound' : 'Inbound',
    protocol: rule.protocol ?? 'All',
    sourcePrefixes: expanded.map(anyAddress),
    sourcePrefixesAsWritten: asWritten,
    destinationPortRanges: listOr(rule.destinationPortRanges, rule.destinationPortRange),
    destinationPrefixes: destinationExpanded.map(anyAddress),
    destinationPrefixesAsWritten: destinationAsWritten,
  };
}

/**
 * The NIC's effective groups. A group attached to the subnet has `association.subnet`, one attached to
 * the NIC `association.networkInterface`. Virtual Network Manager admin rules come without an NSG and
 * have no place in the facts; IP flow verify still weighs them.
 */
export function effectiveNsgFactsOf(
  nicId: string,
  result: EffectiveNetworkSecurityGroupListResult,
): EffectiveNsgFacts {
  const groups: EffectiveNsgGroup[] = [];
  for (const group of result.value ?? []) {
    const nsgId = group.networkSecurityGroup?.id;
    const scope = group.association?.subnet ? 'subnet' : group.association?.networkInterface ? 'nic' : null;
    if (!nsgId || !scope) continue;
    groups.push({ nsgId, scope, rules: (group.effectiveSecurityRules ?? []).map(effectiveRuleOf) });
  }
  return { nicId, groups };
}

export const effectiveNsgGatherer: Gatherer<'effectiveNsg'> = {
  key: 'effectiveNsg',
  timeoutMs: 60 * SECOND,
  skip: ({ vm }) => skipUnlessRunning(vm, 'effective security rules'),
  async gather({ sub, vm, signal }) {
    const nic = primaryNic(vm);
    const nicId = requireResourceId(nic.id, `the primary NIC of ${vm.name}`);
    const result = await callAzure('Effective security rules', () =>
      sub.network.networkInterfaces.beginListEffectiveNetworkSecurityGroupsAndWait(
        nicId.resourceGroup,
        nicId.name,
        {
          abortSignal: signal,
        },
      ),
    );
    return effectiveNsgFactsOf(nic.id, result);
  },
};
