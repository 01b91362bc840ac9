import type { PublicIPAddress } from '@azure/arm-network';
import { publicIpDynamic } from '../../src/diagnosis/causes/network/public-ip-dynamic';
import type { Finding } from '../../src/diagnosis/report';
import { DEFAULT_FIX_POLICY, FixRefusal } from '../../src/fixes/fix';
import { makePublicIpStatic } from '../../src/fixes/make-public-ip-static';
import { PIP_ID, PUBLIC_IP, factsWith, healthyFacts } from '../fixtures/facts';
import { FakeAzure, executionContext, planFor } from './support';

function dynamicIp() {
  return factsWith('publicIp', (value) => {
    if (value.publicIp) value.publicIp.allocationMethod = 'Dynamic';
  });
}

// A public IP as ARM's GET returns it (the shape of the REST API spec's example).
const AS_ARM_RETURNS: PublicIPAddress = {
  id: PIP_ID,
  name: 'vm-web-01-pip',
  location: 'westeurope',
  etag: 'W/"00000000-0000-0000-0000-000000000000"',
  sku: { name: 'Basic', tier: 'Regional' },
  publicIPAllocationMethod: 'Dynamic',
  publicIPAddressVersion: 'IPv4',
  ipAddress: PUBLIC_IP,
  idleTimeoutInMinutes: 4,
  provisioningState: 'Succeeded',
};

describe('make-public-ip-static', () => {
  it('plans the switch for the dynamic public IP the finding names', () => {
    expect(planFor(makePublicIpStatic, publicIpDynamic, dynamicIp())).toEqual({
      params: { publicIpId: PIP_ID },
      description:
        'Switch public IP vm-web-01-pip (20.50.60.70) from dynamic to static allocation, so its address survives a deallocation.',
    });
  });

  it('refuses an IP that is already static', () => {
    const finding = { layer: 'network', cause: 'public-ip-dynamic' } as Finding;
    expect(() =>
      makePublicIpStatic.plan({ facts: healthyFacts(), finding, input: {}, policy: DEFAULT_FIX_POLICY }),
    ).toThrow(new FixRefusal('Public IP vm-web-01-pip is already static.'));
  });

  it('reads the IP and writes it back with static allocation, everything else as ARM had it', async () => {
    const fake = new FakeAzure();
    fake.answers.set('publicIPAddresses.get', AS_ARM_RETURNS);
    fake.answers.set('publicIPAddresses.beginCreateOrUpdateAndWait', {
      ...AS_ARM_RETURNS,
      publicIPAllocationMethod: 'Static',
    });
    const outcome = await makePublicIpStatic.execute(
      executionContext(fake, dynamicIp(), { publicIpId: PIP_ID }),
    );
    expect(fake.calls).toEqual([
      { method: 'publicIPAddresses.get', args: ['rg-prod', 'vm-web-01-pip'] },
      {
        method: 'publicIPAddresses.beginCreateOrUpdateAndWait',
        args: ['rg-prod', 'vm-web-01-pip', { ...AS_ARM_RETURNS, publicIPAllocationMethod: 'Static' }],
      },
    ]);
    expect(outcome).toEqual({
      summary: 'Public IP vm-web-01-pip is now static at 20.50.60.70.',
      correlationId: 'corr-2',
    });
  });

  it('writes nothing when the IP turned static since the proposal', async () => {
    const fake = new FakeAzure();
    fake.answers.set('publicIPAddresses.get', { ...AS_ARM_RETURNS, publicIPAllocationMethod: 'Static' });
    const outcome = await makePublicIpStatic.execute(
      executionContext(fake, dynamicIp(), { publicIpId: PIP_ID }),
    );
    expect(fake.callsTo('publicIPAddresses.beginCreateOrUpdateAndWait')).toEqual([]);
    expect(outcome).toEqual({
      summary: 'Public IP vm-web-01-pip was already static; nothing changed.',
      correlationId: null,
    });
  });
});
