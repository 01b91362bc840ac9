import { callAzure } from '../azure/errors';
import { parseResourceId } from '../azure/resource-id';
import { correlated } from './arm';
import { FixFailure, FixRefusal, type FixDefinition } from './fix';
import { textParam } from './params';

// A dynamic public IP changes across a deallocation and strands every saved connection: pin it.

export const makePublicIpStatic: FixDefinition = {
  id: 'make-public-ip-static',
  title: 'Make the public IP static',
  causes: ['public-ip-dynamic'],
  inputs: () => [],
  plan({ facts }) {
    if (facts.publicIp.status !== 'ok') {
      throw new FixRefusal(
        `The public IP could not be read during the diagnosis (${facts.publicIp.reason}): diagnose again.`,
      );
    }
    const ip = facts.publicIp.value.publicIp;
    if (!ip) throw new FixRefusal('The VM has no public IP, so there is none to make static.');
    if (ip.allocationMethod === 'Static') throw new FixRefusal(`Public IP ${ip.name} is already static.`);
    return {
      params: { publicIpId: ip.id },
      description:
        `Switch public IP ${ip.name}${ip.ipAddress ? ` (${ip.ipAddress})` : ''} from dynamic to static allocation, ` +
        'so its address survives a deallocation.',
    };
  },
  async execute(ctx) {
    const publicIpId = textParam(ctx.params, 'publicIpId');
    const id = parseResourceId(publicIpId);
    if (!id)
      throw new FixFailure(
        `The stored public IP id "${publicIpId}" is not an ARM resource id: propose the fix again.`,
      );
    const current = await callAzure('Network', () =>
      ctx.sub.network.publicIPAddresses.get(id.resourceGroup, id.name, { abortSignal: ctx.signal }),
    );
    if (current.publicIPAllocationMethod === 'Static') {
      return { summary: `Public IP ${id.name} was already static; nothing changed.`, correlationId: null };
    }
    const call = correlated(ctx.signal);
    const updated = await callAzure(
      'Network',
      () =>
        ctx.sub.network.publicIPAddresses.beginCreateOrUpdateAndWait(
          id.resourceGroup,
          id.name,
          { ...current, publicIPAllocationMethod: 'Static' },
          call.options,
        ),
      {
        403: "the identity rdp-doctor runs as may not change public IPs; assign it the rdp-doctor-fix role on the IP's resource group",
      },
    );
    const address = updated.ipAddress ? ` at ${updated.ipAddress}` : '';
    return { summary: `Public IP ${id.name} is now static${address}.`, correlationId: call.correlationId() };
  },
};
