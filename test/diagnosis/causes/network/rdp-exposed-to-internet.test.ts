import { rdpExposedToInternet } from '../../../../src/diagnosis/causes/network/rdp-exposed-to-internet';
import type { EffectiveNsgGroup, EffectiveRule, Facts } from '../../../../src/diagnosis/facts';
import { effectiveRule, factsWith, healthyFacts, testCauseRule } from '../../../fixtures/facts';

/** Healthy facts with `rules` added to the NSGs of the given scopes. */
function nsgWith(scopes: EffectiveNsgGroup['scope'][], rules: EffectiveRule[], base?: Facts): Facts {
  return factsWith(
    'effectiveNsg',
    ({ groups }) => {
      for (const group of groups) if (scopes.includes(group.scope)) group.rules.unshift(...rules);
    },
    base,
  );
}

const anyRdp = effectiveRule('AllowAnyRdp', 110, 'Allow', '*');
const internetRdp = effectiveRule('Allow-RDP-Internet', 120, 'Allow', 'Internet');

testCauseRule(rdpExposedToInternet, {
  fires: [
    {
      name: 'both NSGs allow 3389 from *',
      facts: nsgWith(['subnet', 'nic'], [anyRdp]),
      summary: ['TCP 3389', 'vm-web-01', 'AllowAnyRdp (priority 110)', 'snet-app-nsg', 'from *'],
      evidence: [
        'allow rule AllowAnyRdp (priority 110) in NSG snet-app-nsg (subnet) allows TCP 3389 from *',
        'allow rule AllowAnyRdp (priority 110) in NSG vm-web-01-nsg (nic) allows TCP 3389 from *',
      ],
      advice: 'Bastion',
    },
    {
      name: 'the Internet service tag on the subnet, 0.0.0.0/0 on the NIC',
      facts: nsgWith(
        ['nic'],
        [effectiveRule('Open', 130, 'Allow', '0.0.0.0/0')],
        nsgWith(['subnet'], [internetRdp]),
      ),
      summary: ['from Internet'],
      evidence: [
        'Allow-RDP-Internet (priority 120) in NSG snet-app-nsg (subnet) allows TCP 3389 from Internet',
        'from 0.0.0.0/0',
      ],
    },
    {
      name: 'a port range holding 3389',
      facts: nsgWith(['subnet', 'nic'], [effectiveRule('AllowMgmt', 140, 'Allow', '*', '3000-4000')]),
      summary: ['AllowMgmt'],
      evidence: ['AllowMgmt (priority 140)'],
    },
    {
      name: 'Linux: SSH open to the internet',
      facts: nsgWith(
        ['subnet', 'nic'],
        [effectiveRule('AllowSsh', 150, 'Allow', '*', '22')],
        factsWith('vm', (vm) => (vm.osType = 'Linux')),
      ),
      summary: ['TCP 22'],
      evidence: ['allows TCP 22 from *'],
    },
  ],
  quiet: [
    {
      name: "3389 open to the internet, but only to a jump host's address, not this VM's",
      facts: nsgWith(
        ['subnet', 'nic'],
        [effectiveRule('Allow-RDP-JumpHost', 110, 'Allow', '*', '3389', '10.0.1.99')],
      ),
    },
    { name: 'healthy: scoped to the office range', facts: healthyFacts() },
    { name: 'open on the NIC but the subnet NSG still denies', facts: nsgWith(['nic'], [anyRdp]) },
    {
      name: 'a deny from * ahead of the open allow',
      facts: nsgWith(['subnet', 'nic'], [effectiveRule('DenyRdpAll', 100, 'Deny', '*'), anyRdp]),
    },
    {
      name: 'open for another port',
      facts: nsgWith(['subnet', 'nic'], [effectiveRule('AllowHttps', 110, 'Allow', '*', '443')]),
    },
    {
      name: 'Linux: 3389 open does not expose SSH',
      facts: nsgWith(
        ['subnet', 'nic'],
        [anyRdp],
        factsWith('vm', (vm) => (vm.osType = 'Linux')),
      ),
    },
  ],
});

test('confirm reads the effective rules of the NIC', () => {
  expect(rdpExposedToInternet.confirm(healthyFacts())).toBe(
    'az network nic list-effective-nsg --resource-group rg-prod --name vm-web-01-nic --output json',
  );
});
