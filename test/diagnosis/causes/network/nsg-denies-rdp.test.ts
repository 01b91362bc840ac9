import { nsgDeniesRdp } from '../../../../src/diagnosis/causes/network/nsg-denies-rdp';
import type { EffectiveNsgGroup, Facts } from '../../../../src/diagnosis/facts';
import {
  NIC_NSG_ID,
  SOURCE,
  SUBNET_NSG_ID,
  activityEvent,
  effectiveRule,
  factsWith,
  failed,
  healthyFacts,
  testCauseRule,
} from '../../../fixtures/facts';

const ALICE_AT = '2026-11-27T10:02:00Z';
const denyRdpAll = effectiveRule('DenyRdpAll', 100, 'Deny', '*');
const jitDeny = effectiveRule('SecurityCenter-JITRule_-1425_D4B2F1A0', 1000, 'Deny', '*');
/** Another machine in the subnet: rules aimed at it neither admit nor block vm-web-01 (10.0.1.4). */
const JUMP_HOST = '10.0.1.99';
const jumpHostAllowAny = effectiveRule('Allow-RDP-JumpHost', 200, 'Allow', '*', '3389', JUMP_HOST);
const denyRdpToJumpHost = effectiveRule('Deny-RDP-JumpHost', 100, 'Deny', '*', '3389', JUMP_HOST);

/** Healthy facts with the subnet's and the NIC's NSG changed in place. */
function nsg(change: (subnet: EffectiveNsgGroup, nic: EffectiveNsgGroup) => void, base?: Facts): Facts {
  return factsWith('effectiveNsg', ({ groups }) => change(groups[0], groups[1]), base);
}

function withoutOfficeRule(group: EffectiveNsgGroup): void {
  group.rules = group.rules.filter((rule) => rule.name !== 'securityRules/Allow-RDP-FromOffice');
}

function ipFlowDeny(ruleName: string, base?: Facts): Facts {
  return factsWith('ipFlow', (flow) => Object.assign(flow, { access: 'Deny', ruleName }), base);
}

function activity(base: Facts, ...events: ReturnType<typeof activityEvent>[]): Facts {
  return factsWith('activityLog', (log) => log.events.push(...events), base);
}

function source(address: string | null, base = healthyFacts()): Facts {
  base.request.source = address;
  return base;
}

const shadowedBySubnetDeny = activity(
  ipFlowDeny(
    'securityRules/DenyRdpAll',
    nsg((subnet) => subnet.rules.unshift(denyRdpAll)),
  ),
  activityEvent(`${SUBNET_NSG_ID}/securityRules/DenyRdpAll`, 'write', 'alice@contoso.com', ALICE_AT),
);

testCauseRule(nsgDeniesRdp, {
  fires: [
    {
      name: 'a new deny in the subnet NSG shadows the allow; IP flow verify agrees; alice wrote it',
      facts: shadowedBySubnetDeny,
      summary: [
        'NSG snet-app-nsg (subnet)',
        'TCP 3389 from 203.0.113.10',
        'vm-web-01',
        'DenyRdpAll (priority 100)',
      ],
      evidence: [
        'deny rule DenyRdpAll (priority 100) in NSG snet-app-nsg (subnet) denies TCP 3389 from *',
        'allow rule Allow-RDP-FromOffice (priority 300) comes after it and never takes effect',
        'NSG vm-web-01-nsg (nic) allows it by allow rule Allow-RDP-FromOffice (priority 300), but both NSGs must allow',
        'IP flow verify: Deny for TCP 203.0.113.10 → 10.0.1.4:3389 by securityRules/DenyRdpAll',
        `deny rule DenyRdpAll (priority 100) was written by alice@contoso.com at ${ALICE_AT}`,
      ],
      fixes: ['nsg-allow-rdp-from-source'],
      advice: 'never from *',
    },
    {
      name: 'the allow rule was deleted from the NIC NSG: the default deny decides',
      facts: activity(
        ipFlowDeny(
          'defaultSecurityRules/DenyAllInBound',
          nsg((_subnet, nic) => withoutOfficeRule(nic)),
        ),
        activityEvent(
          `${NIC_NSG_ID}/securityRules/Allow-RDP-FromOffice`,
          'delete',
          'bob@contoso.com',
          '2026-11-27T09:15:00Z',
        ),
      ),
      summary: ['No rule in NSG vm-web-01-nsg (nic) allows TCP 3389 from 203.0.113.10', 'DenyAllInBound'],
      evidence: [
        'no allow rule in NSG vm-web-01-nsg (nic) matches TCP 3389 from 203.0.113.10',
        'NSG snet-app-nsg (subnet) allows it by allow rule Allow-RDP-FromOffice (priority 300), but both NSGs must allow',
        'rule Allow-RDP-FromOffice was deleted from NSG vm-web-01-nsg by bob@contoso.com at 2026-11-27T09:15:00Z',
      ],
      fixes: ['nsg-allow-rdp-from-source'],
    },
    {
      name: 'automation rewrote the whole NSG',
      facts: activity(
        nsg((_subnet, nic) => withoutOfficeRule(nic)),
        activityEvent(NIC_NSG_ID, 'write', 'pipeline@contoso.com', '2026-11-27T07:00:00Z'),
      ),
      summary: ['vm-web-01-nsg'],
      evidence: ['NSG vm-web-01-nsg was rewritten by pipeline@contoso.com at 2026-11-27T07:00:00Z'],
      fixes: ['nsg-allow-rdp-from-source'],
    },
    {
      name: 'the source is outside the allowed office range (IP flow verify asked about another address)',
      facts: source('198.51.100.7'),
      summary: ['No rule in NSG snet-app-nsg (subnet) allows TCP 3389 from 198.51.100.7'],
      evidence: ['NSG vm-web-01-nsg (nic) denies it too by default rule DenyAllInBound (priority 65500)'],
      fixes: ['nsg-allow-rdp-from-source'],
    },
    {
      name: 'only IP flow verify denies, by a rule the effective list does not show',
      facts: ipFlowDeny('securityRules/DenyFromPolicy'),
      summary: ['IP flow verify denies TCP 3389 from 203.0.113.10 to vm-web-01 (rule DenyFromPolicy)'],
      evidence: [
        'IP flow verify: Deny for TCP 203.0.113.10 → 10.0.1.4:3389 by securityRules/DenyFromPolicy',
        'the effective rules of NSG snet-app-nsg (subnet) allow it',
      ],
      fixes: ['nsg-allow-rdp-from-source'],
    },
    {
      name: 'no source given and a deny-all ahead of every allow',
      facts: source(
        null,
        nsg((_subnet, nic) => nic.rules.unshift(denyRdpAll)),
      ),
      summary: ['NSG vm-web-01-nsg (nic) denies TCP 3389 from any source', 'DenyRdpAll'],
      evidence: ['deny rule DenyRdpAll (priority 100) in NSG vm-web-01-nsg (nic)'],
      fixes: ['nsg-allow-rdp-from-source'],
    },
    {
      name: "no source given and the only allow is scoped to a jump host's address, not this VM's",
      facts: source(
        null,
        nsg((_subnet, nic) => {
          withoutOfficeRule(nic);
          nic.rules.unshift(jumpHostAllowAny, effectiveRule('DenyRdpAll', 300, 'Deny', '*'));
        }),
      ),
      summary: ['NSG vm-web-01-nsg (nic) denies TCP 3389 from any source', 'DenyRdpAll (priority 300)'],
      evidence: ['deny rule DenyRdpAll (priority 300) in NSG vm-web-01-nsg (nic)'],
      fixes: ['nsg-allow-rdp-from-source'],
    },
    {
      name: 'Linux: the rules allow 3389 but nothing allows 22',
      facts: factsWith('vm', (vm) => (vm.osType = 'Linux')),
      summary: ['TCP 22 from 203.0.113.10'],
      evidence: ['no allow rule in NSG snet-app-nsg (subnet) matches TCP 22'],
      fixes: ['nsg-allow-rdp-from-source'],
    },
    {
      name: 'the activity log could not be read: still fires, without who',
      facts: Object.assign(
        nsg((subnet) => subnet.rules.unshift(denyRdpAll)),
        { activityLog: failed() },
      ),
      summary: ['DenyRdpAll'],
      evidence: ['deny rule DenyRdpAll (priority 100) in NSG snet-app-nsg (subnet)'],
      fixes: ['nsg-allow-rdp-from-source'],
    },
  ],
  quiet: [
    { name: 'healthy: both NSGs allow the office range', facts: healthyFacts() },
    { name: 'healthy, no source: some source is allowed', facts: source(null) },
    { name: 'a source inside the allowed range', facts: source('203.0.113.0/25') },
    {
      name: 'a deny aimed at another VM (a jump host) ahead of the office allow',
      facts: nsg((subnet, nic) => {
        subnet.rules.unshift(denyRdpToJumpHost);
        nic.rules.unshift(denyRdpToJumpHost);
      }),
    },
    {
      name: 'no source: a deny aimed at another VM does not shadow the office allow',
      facts: source(
        null,
        nsg((subnet) => subnet.rules.unshift(denyRdpToJumpHost)),
      ),
    },
    {
      name: 'a JIT rule holds the port shut (jit-access-not-requested owns it)',
      facts: ipFlowDeny(
        jitDeny.name,
        nsg((subnet, nic) => {
          withoutOfficeRule(subnet);
          withoutOfficeRule(nic);
          nic.rules.unshift(jitDeny);
        }),
      ),
    },
    {
      name: 'a JIT deny decides and IP flow verify could not run',
      facts: Object.assign(
        nsg((_subnet, nic) => nic.rules.unshift(jitDeny)),
        { ipFlow: failed() },
      ),
    },
    {
      name: 'an approved JIT request: its allow sits ahead of the JIT deny',
      facts: nsg((_subnet, nic) => {
        nic.rules.unshift(
          jitDeny,
          effectiveRule('SecurityCenter-JITRule_-1425_D4B2F1A0_Allow', 100, 'Allow', SOURCE),
        );
      }),
    },
    {
      name: 'IP flow verify denied a packet for another port',
      facts: ipFlowDeny(
        'defaultSecurityRules/DenyAllInBound',
        factsWith('ipFlow', (flow) => (flow.localPort = 22)),
      ),
    },
    {
      name: 'IP flow verify denied another remote address',
      facts: ipFlowDeny(
        'defaultSecurityRules/DenyAllInBound',
        factsWith('ipFlow', (flow) => (flow.remoteAddress = '198.51.100.7')),
      ),
    },
    {
      name: 'no source: an IP flow deny for an arbitrary address says nothing about every source',
      facts: source(null, ipFlowDeny('defaultSecurityRules/DenyAllInBound')),
    },
    {
      name: 'Linux with SSH allowed from the office',
      facts: nsg(
        (subnet, nic) => {
          for (const group of [subnet, nic])
            group.rules.unshift(effectiveRule('Allow-SSH', 310, 'Allow', '203.0.113.0/24', '22'));
        },
        factsWith('vm', (vm) => (vm.osType = 'Linux')),
      ),
    },
  ],
});

describe('confirm', () => {
  it('runs IP flow verify for this VM, its private address and the source', () => {
    expect(nsgDeniesRdp.confirm(healthyFacts())).toBe(
      'az network watcher test-ip-flow --resource-group rg-prod --vm vm-web-01 --direction Inbound --protocol Tcp ' +
        '--local 10.0.1.4:3389 --remote 203.0.113.10:60000',
    );
  });

  it('reads the effective rules of the NIC when there is no source', () => {
    expect(nsgDeniesRdp.confirm(source(null))).toBe(
      'az network nic list-effective-nsg --resource-group rg-prod --name vm-web-01-nic --output json',
    );
  });
});
