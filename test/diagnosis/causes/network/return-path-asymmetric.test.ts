import { returnPathAsymmetric } from '../../../../src/diagnosis/causes/network/return-path-asymmetric';
import type { Facts } from '../../../../src/diagnosis/facts';
import { PUBLIC_IP, SOURCE, factsWith, failed, healthyFacts, testCauseRule } from '../../../fixtures/facts';

const FIREWALL = '10.0.100.4';

function applianceDefaultRoute(base?: Facts): Facts {
  return factsWith(
    'effectiveRoutes',
    (routes) => {
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

function replyToAppliance(base?: Facts): Facts {
  return factsWith(
    'nextHop',
    (hop) => Object.assign(hop, { nextHopType: 'VirtualAppliance', nextHopIpAddress: FIREWALL }),
    base,
  );
}

function from(source: string | null, base = healthyFacts()): Facts {
  base.request.source = source;
  return base;
}

testCauseRule(returnPathAsymmetric, {
  fires: [
    {
      name: "Network Watcher's next hop for the reply to the source is the firewall",
      facts: replyToAppliance(),
      summary: ['vm-web-01', SOURCE, FIREWALL],
      evidence: [
        `requests arrive on public IP vm-web-01-pip (${PUBLIC_IP})`,
        `next hop from 10.0.1.4 to ${SOURCE} is VirtualAppliance ${FIREWALL}`,
      ],
      advice: `Add a route for ${SOURCE} with next hop Internet`,
    },
    {
      name: 'next hop unavailable: the active user default route goes to the firewall',
      facts: applianceDefaultRoute(Object.assign(healthyFacts(), { nextHop: failed() })),
      summary: [SOURCE],
      evidence: [`active User route 0.0.0.0/0 sends replies to ${SOURCE} to VirtualAppliance ${FIREWALL}`],
    },
    {
      name: 'no source given: the default route decides for internet clients',
      facts: applianceDefaultRoute(from(null)),
      summary: ['internet clients'],
      evidence: ['active User route 0.0.0.0/0 sends replies to the internet to VirtualAppliance'],
      advice: "the clients' range",
    },
  ],
  quiet: [
    { name: 'healthy: replies go to the Internet', facts: healthyFacts() },
    {
      name: 'next hop says Internet even though a firewall route exists for other traffic',
      facts: applianceDefaultRoute(),
    },
    { name: 'a private source: route-via-appliance owns that', facts: replyToAppliance(from('10.20.0.5')) },
    {
      name: 'no public IP: nothing arrives on a public path',
      facts: applianceDefaultRoute(factsWith('publicIp', (pip) => (pip.publicIp = null), from(null))),
    },
    {
      name: 'no route information at all',
      facts: Object.assign(healthyFacts(), { nextHop: failed(), effectiveRoutes: failed() }),
    },
  ],
});

test('confirm asks Network Watcher where the reply to the source goes', () => {
  expect(returnPathAsymmetric.confirm(healthyFacts())).toBe(
    `az network watcher show-next-hop --resource-group rg-prod --vm vm-web-01 --source-ip 10.0.1.4 --dest-ip ${SOURCE}`,
  );
});
