import { routeViaAppliance } from '../../../../src/diagnosis/causes/network/route-via-appliance';
import type { EffectiveRouteFacts, Facts } from '../../../../src/diagnosis/facts';
import { factsWith, failed, healthyFacts, testCauseRule } from '../../../fixtures/facts';

const FIREWALL = '10.0.100.4';
const RT_ID =
  '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-hub/providers/Microsoft.Network/routeTables/rt-spoke';

function applianceDefaultRoute(base?: Facts): Facts {
  return factsWith(
    'effectiveRoutes',
    (routes: EffectiveRouteFacts) => {
      routes.routes[1].state = 'Invalid';
      routes.routes.push({
        source: 'User',
        state: 'Active',
        addressPrefixes: ['0.0.0.0/0'],
        nextHopType: 'VirtualAppliance',
        nextHopIpAddresses: [FIREWALL],
      });
    },
    base,
  );
}

/** The user dials from `source`; Network Watcher's next hop still answers for 203.0.113.10. */
function from(source: string | null, base = healthyFacts()): Facts {
  base.request.source = source;
  return base;
}

function nextHopToAppliance(destination: string, base?: Facts): Facts {
  return factsWith(
    'nextHop',
    (hop) =>
      Object.assign(hop, {
        destinationIp: destination,
        nextHopType: 'VirtualAppliance',
        nextHopIpAddress: FIREWALL,
        routeTableId: RT_ID,
      }),
    base,
  );
}

function withoutPublicIp(base = healthyFacts()): Facts {
  return factsWith('publicIp', (pip) => (pip.publicIp = null), base);
}

function failedNextHop(base = healthyFacts()): Facts {
  base.nextHop = failed();
  return base;
}

testCauseRule(routeViaAppliance, {
  fires: [
    {
      name: "a private source, and Network Watcher's next hop is the firewall",
      facts: nextHopToAppliance('10.20.0.5', from('10.20.0.5')),
      summary: ['vm-web-01', '10.20.0.5', FIREWALL, 'TCP 3389'],
      evidence: [
        'source 10.20.0.5 is a private address',
        `next hop from 10.0.1.4 to 10.20.0.5 is VirtualAppliance ${FIREWALL} (route table rt-spoke)`,
      ],
      advice: 'the NSGs are not the problem',
    },
    {
      name: 'a private source the next hop was not asked about: the user default route goes to the firewall',
      facts: applianceDefaultRoute(from('172.16.8.20')),
      summary: ['172.16.8.20', FIREWALL],
      evidence: [`active User route 0.0.0.0/0 sends replies to 172.16.8.20 to VirtualAppliance ${FIREWALL}`],
    },
    {
      name: 'no public IP and no source: the default route goes to the firewall',
      facts: applianceDefaultRoute(withoutPublicIp(from(null))),
      summary: ['vm-web-01', 'its clients', FIREWALL],
      evidence: [
        'vm-web-01 has no public IP',
        'active User route 0.0.0.0/0 sends replies to the internet to VirtualAppliance',
      ],
    },
    {
      name: 'Linux: the appliance decides TCP 22',
      facts: nextHopToAppliance(
        '10.20.0.5',
        from(
          '10.20.0.5',
          factsWith('vm', (vm) => (vm.osType = 'Linux')),
        ),
      ),
      summary: ['TCP 22'],
      evidence: ['VirtualAppliance'],
    },
  ],
  quiet: [
    { name: 'healthy: public source, public IP', facts: healthyFacts() },
    {
      name: 'a public path is return-path-asymmetric, not this',
      facts: applianceDefaultRoute(),
    },
    {
      name: 'a private source in the VNet: the VNet route is more specific than the firewall default',
      facts: applianceDefaultRoute(from('10.0.2.5', failedNextHop())),
    },
    {
      name: 'a private source reached directly over peering',
      facts: factsWith(
        'nextHop',
        (hop) => Object.assign(hop, { destinationIp: '10.20.0.5', nextHopType: 'VNetPeering' }),
        from('10.20.0.5'),
      ),
    },
    { name: 'no public IP, but the default route goes to the Internet', facts: withoutPublicIp(from(null)) },
    {
      name: 'no route information at all',
      facts: Object.assign(from('10.20.0.5'), { nextHop: failed(), effectiveRoutes: failed() }),
    },
  ],
});

describe('confirm', () => {
  it('asks Network Watcher for the next hop to the source', () => {
    expect(routeViaAppliance.confirm(from('10.20.0.5'))).toBe(
      'az network watcher show-next-hop --resource-group rg-prod --vm vm-web-01 --source-ip 10.0.1.4 --dest-ip 10.20.0.5',
    );
  });

  it('reads the effective routes when there is no source', () => {
    expect(routeViaAppliance.confirm(from(null))).toBe(
      'az network nic show-effective-route-table --resource-group rg-prod --name vm-web-01-nic --output table',
    );
  });
});
