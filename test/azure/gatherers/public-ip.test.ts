import { publicIpGatherer } from '../../../src/azure/gatherers/public-ip';
import { PIP_ID, RG, SUBSCRIPTION, context, replay, vmFacts } from '../arm-replay';

const pipPath = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.Network/publicIPAddresses/vm-web-01-pip`;

// PublicIpAddressGet.json (2024-07-01): a Basic, Dynamic address.
const dynamicIp = {
  name: 'vm-web-01-pip',
  id: PIP_ID,
  location: 'westeurope',
  properties: {
    provisioningState: 'Succeeded',
    publicIPAddressVersion: 'IPv4',
    publicIPAllocationMethod: 'Dynamic',
    idleTimeoutInMinutes: 4,
    ipConfiguration: {
      id: `${PIP_ID.replace('publicIPAddresses/vm-web-01-pip', 'networkInterfaces/vm-web-01-nic')}/ipConfigurations/ipconfig1`,
    },
  },
  type: 'Microsoft.Network/publicIPAddresses',
};

const staticIp = {
  ...dynamicIp,
  sku: { name: 'Standard', tier: 'Regional' },
  properties: {
    ...dynamicIp.properties,
    publicIPAllocationMethod: 'Static',
    ipAddress: '20.50.60.70',
    dnsSettings: { domainNameLabel: 'vm-web-01', fqdn: 'vm-web-01.westeurope.cloudapp.azure.com' },
  },
};

describe('publicIpGatherer', () => {
  it('reads a dynamic address that has none while the VM is deallocated', async () => {
    const fake = replay([{ method: 'GET', path: pipPath, body: dynamicIp }]);
    expect(await publicIpGatherer.gather(context(fake))).toEqual({
      publicIp: {
        id: PIP_ID,
        name: 'vm-web-01-pip',
        ipAddress: null,
        allocationMethod: 'Dynamic',
        sku: null,
        fqdn: null,
      },
    });
  });

  it('reads a static Standard address with its DNS name', async () => {
    const fake = replay([{ method: 'GET', path: pipPath, body: staticIp }]);
    expect(await publicIpGatherer.gather(context(fake))).toEqual({
      publicIp: {
        id: PIP_ID,
        name: 'vm-web-01-pip',
        ipAddress: '20.50.60.70',
        allocationMethod: 'Static',
        sku: 'Standard',
        fqdn: 'vm-web-01.westeurope.cloudapp.azure.com',
      },
    });
  });

  it('reports no public IP without asking ARM when the primary NIC has none', async () => {
    const fake = replay([]);
    const vm = vmFacts();
    vm.nics[0].publicIpId = null;
    expect(await publicIpGatherer.gather(context(fake, {}, vm))).toEqual({ publicIp: null });
    expect(fake.sent).toHaveLength(0);
  });
});
