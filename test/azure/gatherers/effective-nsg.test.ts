import fs from 'node:fs';
import path from 'node:path';
import { effectiveNsgGatherer, effectiveRuleOf } from '../../../src/azure/gatherers/effective-nsg';
import { NIC_ID, NIC_NSG_ID, RG, SUBNET_ID, SUBSCRIPTION, context, replay, vmFacts } from '../arm-replay';

const effectivePath = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.Network/networkInterfaces/vm-web-01-nic/effectiveNetworkSecurityGroups`;
const SUBNET_NSG_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-network/providers/Microsoft.Network/networkSecurityGroups/snet-app-nsg`;

// NetworkInterfaceEffectiveNSGList.json (2025-05-01), as stored: one group whose association names a
// network manager, the subnet and the NIC at once.
const specExample = (
  JSON.parse(
    fs.readFileSync(
      path.join(
        __dirname,
        '../../fixtures/rest-specs/specification/network/resource-manager/Microsoft.Network/Network/stable/2025-05-01/examples/NetworkInterfaceEffectiveNSGList.json',
      ),
      'utf8',
    ),
  ) as { responses: { 200: { body: unknown } } }
).responses[200].body;

// What a VM with both a subnet NSG and a NIC NSG gets: one group per attachment. Service tags come
// expanded; a plain prefix has a null (or empty) expansion.
const twoGroups = {
  value: [
    {
      networkSecurityGroup: { id: SUBNET_NSG_ID },
      association: { subnet: { id: SUBNET_ID } },
      effectiveSecurityRules: [
        {
          name: 'securityRules/Allow-RDP-Any',
          protocol: 'Tcp',
          sourcePortRange: '0-65535',
          destinationPortRange: '3389-3389',
          sourceAddressPrefix: '*',
          destinationAddressPrefix: '*',
          expandedSourceAddressPrefix: [],
          access: 'Allow',
          priority: 300,
          direction: 'Inbound',
        },
        {
          name: 'defaultSecurityRules/AllowVnetInBound',
          protocol: 'All',
          sourcePortRange: '0-65535',
          destinationPortRange: '0-65535',
          sourceAddressPrefix: 'VirtualNetwork',
          destinationAddressPrefix: 'VirtualNetwork',
          expandedSourceAddressPrefix: ['10.0.0.0/16', '168.63.129.16/32'],
          expandedDestinationAddressPrefix: ['10.0.0.0/16', '168.63.129.16/32'],
          access: 'Allow',
          priority: 65000,
          direction: 'Inbound',
        },
      ],
    },
    {
      networkSecurityGroup: { id: NIC_NSG_ID },
      association: { networkInterface: { id: NIC_ID } },
      effectiveSecurityRules: [
        {
          name: 'securityRules/DenyRdp',
          protocol: 'Tcp',
          sourcePortRange: '0-65535',
          destinationPortRange: '',
          destinationPortRanges: ['3389-3389', '22-22'],
          sourceAddressPrefixes: ['203.0.113.0/24', '198.51.100.7/32'],
          destinationAddressPrefix: '0.0.0.0/0',
          expandedSourceAddressPrefix: null,
          access: 'Deny',
          priority: 100,
          direction: 'Inbound',
        },
      ],
    },
  ],
};

describe('effectiveNsgGatherer', () => {
  it("reads the spec example's rules, scoped to the subnet its association names", async () => {
    const fake = replay([{ method: 'POST', path: effectivePath, body: specExample }]);
    const facts = await effectiveNsgGatherer.gather(context(fake));
    expect(facts.nicId).toBe(NIC_ID);
    expect(facts.groups).toHaveLength(1);
    expect(facts.groups[0].scope).toBe('subnet');
    expect(facts.groups[0].rules[1]).toEqual({
      name: 'securityRules/default-allow-rdp',
      priority: 1000,
      access: 'Allow',
      direction: 'Inbound',
      protocol: 'Tcp',
      sourcePrefixes: ['1.1.1.1/32'],
      sourcePrefixesAsWritten: ['1.1.1.1/32'],
      destinationPortRanges: ['3389-3389'],
      destinationPrefixes: ['0.0.0.0/0'],
      destinationPrefixesAsWritten: ['0.0.0.0/0'],
    });
    // A service tag the spec example expands on the destination side only: the two sides stay apart.
    expect(facts.groups[0].rules[2]).toMatchObject({
      name: 'defaultSecurityRules/AllowInternetOutBound',
      direction: 'Outbound',
      sourcePrefixes: ['0.0.0.0/0'],
      destinationPrefixes: ['32.0.0.0/3', '4.0.0.0/6', '2.0.0.0/7', '1.0.0.0/8'],
      destinationPrefixesAsWritten: ['Internet'],
    });
    expect(fake.sent).toHaveLength(1);
    expect(fake.sent[0].method).toBe('POST');
  });

  it('keeps the subnet and NIC groups apart, with service tags expanded and * as 0.0.0.0/0', async () => {
    const fake = replay([{ method: 'POST', path: effectivePath, body: twoGroups }]);
    const facts = await effectiveNsgGatherer.gather(context(fake));
    expect(facts.groups.map((g) => [g.nsgId, g.scope])).toEqual([
      [SUBNET_NSG_ID, 'subnet'],
      [NIC_NSG_ID, 'nic'],
    ]);
    const [any, vnet] = facts.groups[0].rules;
    expect([any.sourcePrefixes, any.sourcePrefixesAsWritten]).toEqual([['0.0.0.0/0'], ['*']]);
    expect([vnet.sourcePrefixes, vnet.sourcePrefixesAsWritten]).toEqual([
      ['10.0.0.0/16', '168.63.129.16/32'],
      ['VirtualNetwork'],
    ]);
    expect([any.destinationPrefixes, any.destinationPrefixesAsWritten]).toEqual([['0.0.0.0/0'], ['*']]);
    expect([vnet.destinationPrefixes, vnet.destinationPrefixesAsWritten]).toEqual([
      ['10.0.0.0/16', '168.63.129.16/32'],
      ['VirtualNetwork'],
    ]);
    const deny = facts.groups[1].rules[0];
    expect(deny.sourcePrefixes).toEqual(['203.0.113.0/24', '198.51.100.7/32']);
    expect(deny.destinationPortRanges).toEqual(['3389-3389', '22-22']);
  });

  it('is skipped for a VM that is not running', () => {
    const fake = replay([]);
    const reason = effectiveNsgGatherer.skip?.(context(fake, {}, vmFacts({ powerState: 'deallocated' })));
    expect(reason).toMatch(/deallocated: Azure computes effective security rules only for a running VM/);
  });
});

describe('effectiveRuleOf', () => {
  it('keeps an Internet tag as written when ARM sent no expansion', () => {
    const rule = effectiveRuleOf({
      name: 'securityRules/Allow-RDP-Internet',
      protocol: 'Tcp',
      sourceAddressPrefix: 'Internet',
      destinationPortRange: '3389-3389',
      access: 'Allow',
      priority: 200,
      direction: 'Inbound',
    });
    expect(rule.sourcePrefixes).toEqual(['Internet']);
    expect(rule.sourcePrefixesAsWritten).toEqual(['Internet']);
  });

  it("reads the destination a rule is scoped to, so a jump host's allow stays the jump host's", () => {
    const rule = effectiveRuleOf({
      name: 'securityRules/Allow-RDP-JumpHost',
      protocol: 'Tcp',
      sourceAddressPrefix: '*',
      destinationAddressPrefixes: ['10.0.1.99/32', '10.0.1.98/32'],
      destinationPortRange: '3389-3389',
      access: 'Allow',
      priority: 200,
      direction: 'Inbound',
    });
    expect(rule.destinationPrefixes).toEqual(['10.0.1.99/32', '10.0.1.98/32']);
  });
});
