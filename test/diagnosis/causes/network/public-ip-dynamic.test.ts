import { publicIpDynamic } from '../../../../src/diagnosis/causes/network/public-ip-dynamic';
import type { Facts, PublicIpFacts } from '../../../../src/diagnosis/facts';
import { factsWith, healthyFacts, testCauseRule } from '../../../fixtures/facts';

function publicIpWith(change: Partial<NonNullable<PublicIpFacts['publicIp']>>): Facts {
  return factsWith('publicIp', ({ publicIp }) => publicIp && Object.assign(publicIp, change));
}

testCauseRule(publicIpDynamic, {
  fires: [
    {
      name: 'a Basic dynamic public IP',
      facts: publicIpWith({ allocationMethod: 'Dynamic', sku: 'Basic' }),
      summary: ['vm-web-01-pip', 'dynamic'],
      evidence: ['public IP vm-web-01-pip: allocation Dynamic, address 20.50.60.70, SKU Basic'],
      fixes: ['make-public-ip-static'],
    },
    {
      name: 'dynamic with a DNS label, no address assigned',
      facts: publicIpWith({
        allocationMethod: 'Dynamic',
        ipAddress: null,
        fqdn: 'vm-web-01.westeurope.cloudapp.azure.com',
      }),
      summary: ['vm-web-01-pip'],
      evidence: [
        'address none assigned',
        'DNS name vm-web-01.westeurope.cloudapp.azure.com follows the address',
      ],
      fixes: ['make-public-ip-static'],
    },
  ],
  quiet: [
    { name: 'healthy: static', facts: healthyFacts() },
    { name: 'no public IP at all', facts: factsWith('publicIp', (pip) => (pip.publicIp = null)) },
  ],
});

test('confirm shows the allocation of this public IP', () => {
  expect(publicIpDynamic.confirm(healthyFacts())).toBe(
    'az network public-ip show --resource-group rg-prod --name vm-web-01-pip ' +
      '--query "{address: ipAddress, allocation: publicIPAllocationMethod, sku: sku.name}"',
  );
});
