import { publicIpMissing } from '../../../../src/diagnosis/causes/network/public-ip-missing';
import type { Facts } from '../../../../src/diagnosis/facts';
import { factsWith, healthyFacts, testCauseRule } from '../../../fixtures/facts';

function noPublicIp(source: string | null): Facts {
  const facts = factsWith('publicIp', (pip) => (pip.publicIp = null));
  facts.request.source = source;
  return facts;
}

testCauseRule(publicIpMissing, {
  fires: [
    {
      name: 'no public IP while the user connects from the internet',
      facts: noPublicIp('203.0.113.10'),
      summary: ['vm-web-01 has no public IP', '203.0.113.10'],
      evidence: [
        'NIC vm-web-01-nic has no public IP; its only address is the private 10.0.1.4',
        'source 203.0.113.10 is a public address',
      ],
      advice: 'Bastion',
    },
    {
      name: 'a public source range',
      facts: noPublicIp('198.51.100.0/24'),
      summary: ['198.51.100.0/24'],
      evidence: ['source 198.51.100.0/24 is a public address'],
    },
    {
      name: 'no source given: only a risk',
      facts: noPublicIp(null),
      summary: ['vm-web-01 has no public IP', 'private address'],
      evidence: ['NIC vm-web-01-nic has no public IP'],
      severity: 'warning',
      advice: 'attach a static public IP',
    },
  ],
  quiet: [
    { name: 'healthy: a public IP is attached', facts: healthyFacts() },
    { name: 'the source is private: the path is private', facts: noPublicIp('10.20.0.5') },
    { name: 'the source is a private range', facts: noPublicIp('192.168.10.0/24') },
  ],
});

test('confirm lists the addresses of this VM', () => {
  expect(publicIpMissing.confirm(healthyFacts())).toBe(
    'az vm list-ip-addresses --resource-group rg-prod --name vm-web-01 --output table',
  );
});
