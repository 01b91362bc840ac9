import { effectiveRoutesGatherer } from '../../../src/azure/gatherers/effective-routes';
import { RG, SUBSCRIPTION, context, replay } from '../arm-replay';

const routesPath = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.Network/networkInterfaces/vm-web-01-nic/effectiveRouteTable`;

// NetworkInterfaceEffectiveRouteTableList.json (2024-07-01), with a user route to a firewall added.
const body = {
  value: [
    {
      source: 'Default',
      state: 'Active',
      addressPrefix: ['172.20.2.0/24'],
      nextHopType: 'VnetLocal',
      nextHopIpAddress: [],
    },
    {
      source: 'Default',
      state: 'Invalid',
      addressPrefix: ['0.0.0.0/0'],
      nextHopType: 'Internet',
      nextHopIpAddress: [],
    },
    {
      source: 'Default',
      state: 'Active',
      addressPrefix: ['10.0.0.0/8'],
      nextHopType: 'None',
      nextHopIpAddress: [],
    },
    {
      name: 'to-firewall',
      source: 'User',
      state: 'Active',
      addressPrefix: ['0.0.0.0/0'],
      nextHopType: 'VirtualAppliance',
      nextHopIpAddress: ['10.0.0.4'],
    },
  ],
};

describe('effectiveRoutesGatherer', () => {
  it("reads the primary NIC's routes as Azure applies them", async () => {
    const fake = replay([{ method: 'POST', path: routesPath, body }]);
    const facts = await effectiveRoutesGatherer.gather(context(fake));
    expect(facts.routes).toEqual([
      {
        source: 'Default',
        state: 'Active',
        addressPrefixes: ['172.20.2.0/24'],
        nextHopType: 'VnetLocal',
        nextHopIpAddresses: [],
      },
      {
        source: 'Default',
        state: 'Invalid',
        addressPrefixes: ['0.0.0.0/0'],
        nextHopType: 'Internet',
        nextHopIpAddresses: [],
      },
      {
        source: 'Default',
        state: 'Active',
        addressPrefixes: ['10.0.0.0/8'],
        nextHopType: 'None',
        nextHopIpAddresses: [],
      },
      {
        source: 'User',
        state: 'Active',
        addressPrefixes: ['0.0.0.0/0'],
        nextHopType: 'VirtualAppliance',
        nextHopIpAddresses: ['10.0.0.4'],
      },
    ]);
  });

  it('says what ARM answered when the NIC is gone', async () => {
    await expect(effectiveRoutesGatherer.gather(context(replay([])))).rejects.toThrow(
      /^Effective routes answered 404 ResourceNotFound: .*; it may have been deleted or moved/,
    );
  });
});
