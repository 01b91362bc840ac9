import type { PublicIPAddress } from '@azure/arm-network';
import type { PublicIpFacts } from '../../diagnosis/facts';
import { callAzure } from '../errors';
import type { Gatherer } from '../gatherer';
import { requireResourceId } from '../resource-id';
import { SECOND, primaryNic } from './common';

// The public IP on the primary NIC, if any: its address, and whether it survives a deallocation.

export function publicIpFactsOf(ip: PublicIPAddress): PublicIpFacts {
  const id = requireResourceId(ip.id, 'a public IP address');
  return {
    publicIp: {
      id: ip.id ?? '',
      name: ip.name ?? id.name,
      ipAddress: ip.ipAddress ?? null,
      // ARM's default allocation, when the property is absent, is Dynamic.
      allocationMethod: ip.publicIPAllocationMethod === 'Static' ? 'Static' : 'Dynamic',
      sku: ip.sku?.name ?? null,
      fqdn: ip.dnsSettings?.fqdn ?? null,
    },
  };
}

export const publicIpGatherer: Gatherer<'publicIp'> = {
  key: 'publicIp',
  timeoutMs: 20 * SECOND,
  async gather({ sub, vm, signal }) {
    const publicIpId = primaryNic(vm).publicIpId;
    if (!publicIpId) return { publicIp: null };
    // Azure keeps a NIC's public IP in the NIC's subscription, though possibly in another resource group.
    const id = requireResourceId(publicIpId, `the public IP of ${vm.name}`);
    const ip = await callAzure('Network', () =>
      sub.network.publicIPAddresses.get(id.resourceGroup, id.name, { abortSignal: signal }),
    );
    return publicIpFactsOf(ip);
  },
};
