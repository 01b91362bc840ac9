import { GatherSkipped } from '../../../src/azure/gatherer';
import { ipFlowGatherer } from '../../../src/azure/gatherers/ip-flow';
import { nextHopGatherer } from '../../../src/azure/gatherers/next-hop';
import { NIC_ID, SUBSCRIPTION, VM_ID, context, replay, vmFacts, type Route } from '../arm-replay';

// Shapes from NetworkWatcherListAll.json, NetworkWatcherIpFlowVerify.json and NetworkWatcherNextHopGet.json.

const watchersPath = `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Network/networkWatchers`;
const watcherPath = `/subscriptions/${SUBSCRIPTION}/resourceGroups/NetworkWatcherRG/providers/Microsoft.Network/networkWatchers/NetworkWatcher_westeurope`;

function watcher(name: string, resourceGroup: string, location: string) {
  return {
    name,
    id: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${resourceGroup}/providers/Microsoft.Network/networkWatchers/${name}`,
    etag: 'W/"00000000-0000-0000-0000-000000000000"',
    type: 'Microsoft.Network/networkWatchers',
    location,
    tags: {},
    properties: { provisioningState: 'Succeeded' },
  };
}

const watchers: Route = {
  method: 'GET',
  path: watchersPath,
  body: {
    value: [
      watcher('NetworkWatcher_eastus', 'NetworkWatcherRG', 'eastus'),
      watcher('NetworkWatcher_westeurope', 'NetworkWatcherRG', 'westeurope'),
    ],
  },
};

describe('ipFlowGatherer', () => {
  it("verifies the user's packet to 3389 on the primary NIC with the region's watcher", async () => {
    const fake = replay([
      watchers,
      {
        method: 'POST',
        path: `${watcherPath}/ipFlowVerify`,
        body: { access: 'Deny', ruleName: 'securityRules/DenyRdp' },
      },
    ]);
    const facts = await ipFlowGatherer.gather(context(fake, { source: '203.0.113.10' }));
    expect(facts).toEqual({
      localAddress: '10.0.1.4',
      localPort: 3389,
      remoteAddress: '203.0.113.10',
      access: 'Deny',
      ruleName: 'securityRules/DenyRdp',
    });
    expect(fake.sent[1].body).toEqual({
      targetResourceId: VM_ID,
      targetNicResourceId: NIC_ID,
      direction: 'Inbound',
      protocol: 'TCP',
      localPort: '3389',
      remotePort: '60000',
      localIPAddress: '10.0.1.4',
      remoteIPAddress: '203.0.113.10',
    });
  });

  it('tests a range by its first address, and port 22 on Linux', async () => {
    const fake = replay([
      watchers,
      { method: 'POST', path: `${watcherPath}/ipFlowVerify`, body: { access: 'Allow', ruleName: 'Rule1' } },
    ]);
    const linux = vmFacts({ osType: 'Linux', location: 'West Europe' });
    const facts = await ipFlowGatherer.gather(context(fake, { source: '203.0.113.77/24' }, linux));
    expect(facts.remoteAddress).toBe('203.0.113.0');
    expect(facts.localPort).toBe(22);
  });

  it('is skipped, saying how to enable it, when the region has no Network Watcher', async () => {
    const fake = replay([{ ...watchers, body: { value: [watcher('nw1', 'rg1', 'eastus')] } }]);
    const gathering = ipFlowGatherer.gather(context(fake, { source: '203.0.113.10' }));
    await expect(gathering).rejects.toBeInstanceOf(GatherSkipped);
    await expect(gathering).rejects.toThrow(/No Network Watcher in westeurope.*az network watcher configure/);
  });

  it('is skipped without a source address', () => {
    expect(ipFlowGatherer.skip?.(context(replay([])))).toMatch(/No source address given/);
  });

  it('says Network Watcher throttled the call', async () => {
    const fake = replay([
      watchers,
      {
        method: 'POST',
        path: `${watcherPath}/ipFlowVerify`,
        status: 429,
        headers: { 'retry-after': '17' },
        body: { error: { code: 'TooManyRequests', message: 'Too many requests.' } },
      },
    ]);
    await expect(ipFlowGatherer.gather(context(fake, { source: '203.0.113.10' }))).rejects.toThrow(
      'Network Watcher answered 429 TooManyRequests: too many requests for this subscription; retry later (Azure asks to wait 17 s)',
    );
  });

  it('refuses a source that is not an address', async () => {
    await expect(ipFlowGatherer.gather(context(replay([watchers]), { source: 'office' }))).rejects.toThrow(
      "The source 'office' is not an IP address or CIDR range",
    );
  });
});

describe('nextHopGatherer', () => {
  it('traces the reply from the VM to the source', async () => {
    const fake = replay([
      watchers,
      {
        method: 'POST',
        path: `${watcherPath}/nextHop`,
        body: {
          nextHopType: 'VirtualAppliance',
          nextHopIpAddress: '10.0.0.4',
          routeTableId: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-network/providers/Microsoft.Network/routeTables/rt-to-firewall`,
        },
      },
    ]);
    const facts = await nextHopGatherer.gather(context(fake, { source: '203.0.113.10' }));
    expect(facts).toEqual({
      sourceIp: '10.0.1.4',
      destinationIp: '203.0.113.10',
      nextHopType: 'VirtualAppliance',
      nextHopIpAddress: '10.0.0.4',
      routeTableId: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-network/providers/Microsoft.Network/routeTables/rt-to-firewall`,
    });
    expect(fake.sent[1].body).toEqual({
      targetResourceId: VM_ID,
      targetNicResourceId: NIC_ID,
      sourceIPAddress: '10.0.1.4',
      destinationIPAddress: '203.0.113.10',
    });
  });

  it('keeps a system route as ARM names it, and no next-hop address as null', async () => {
    const fake = replay([
      watchers,
      {
        method: 'POST',
        path: `${watcherPath}/nextHop`,
        body: { nextHopType: 'Internet', routeTableId: 'System Route' },
      },
    ]);
    const facts = await nextHopGatherer.gather(context(fake, { source: '203.0.113.10' }));
    expect([facts.nextHopType, facts.nextHopIpAddress, facts.routeTableId]).toEqual([
      'Internet',
      null,
      'System Route',
    ]);
  });
});
