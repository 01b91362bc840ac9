import type { EffectiveNsgGroup } from '../../src/diagnosis/facts';
import {
  addressOf,
  decideGroup,
  describeRule,
  dialedPort,
  evaluateNsg,
  evaluateNsgForInternet,
  findRuleChange,
  isJitRule,
  isPublicAddress,
  nsgChanges,
  parseRange,
  portRangeIncludes,
  primaryNic,
  rangeContains,
  rangesOverlap,
  replyHop,
  resourceGroupOf,
  resourceName,
  ruleAimsAt,
  ruleShortName,
  sameAddress,
} from '../../src/diagnosis/net';
import {
  NIC_NSG_ID,
  SUBNET_NSG_ID,
  activityEvent,
  effectiveRule,
  factsWith,
  healthyFacts,
} from '../fixtures/facts';

const denyAll = effectiveRule('defaultSecurityRules/DenyAllInBound', 65500, 'Deny', '*', '0-65535');

function group(scope: 'subnet' | 'nic', ...rules: EffectiveNsgGroup['rules']): EffectiveNsgGroup {
  return { nsgId: scope === 'subnet' ? SUBNET_NSG_ID : NIC_NSG_ID, scope, rules: [...rules, denyAll] };
}

describe('addresses and ranges', () => {
  it.each([
    ['10.0.0.0/16', '10.0.1.4', true],
    ['10.0.0.0/16', '10.1.0.4', false],
    ['203.0.113.0/24', '203.0.113.0/25', true],
    ['203.0.113.0/25', '203.0.113.0/24', false],
    ['0.0.0.0/0', '198.51.100.7', true],
    ['*', '2001:db8::1', true],
    ['203.0.113.10', '203.0.113.10', true],
    ['2001:db8::/32', '2001:db8:1::5', true],
    ['2001:db8::/32', '10.0.0.1', false],
    ['Internet', '203.0.113.10', false],
    ['10.0.0.0/16', 'not-an-address', false],
  ])('%s contains %s: %s', (prefix, target, expected) => {
    expect(rangeContains(prefix, target)).toBe(expected);
  });

  it('sees overlap either way round', () => {
    expect(rangesOverlap('203.0.113.10', '203.0.113.0/24')).toBe(true);
    expect(rangesOverlap('203.0.113.0/24', '203.0.113.10')).toBe(true);
    expect(rangesOverlap('198.51.100.0/24', '203.0.113.0/24')).toBe(false);
  });

  it('parses only real addresses and ranges', () => {
    expect(parseRange('10.0.0.0/8')?.[1]).toBe(8);
    expect(parseRange('10.0.0.4')?.[1]).toBe(32);
    expect(parseRange('2001:db8::1')?.[1]).toBe(128);
    expect(parseRange('VirtualNetwork')).toBeNull();
    expect(parseRange('10')).toBeNull();
    expect(addressOf('203.0.113.0/24')).toBe('203.0.113.0');
  });

  it('answers the same for text it parsed before, and stays right after more texts than it keeps', () => {
    const first = parseRange('203.0.113.0/24');
    expect(parseRange('203.0.113.0/24')).toBe(first);
    for (let i = 0; i < 5000; i++) parseRange(`10.${i >> 8}.${i & 255}.0/24`);
    expect(parseRange('203.0.113.0/24')?.[0].toString()).toBe('203.0.113.0');
    expect(parseRange('203.0.113.0/24')?.[1]).toBe(24);
    expect(parseRange('10.19.135.0/24')?.[1]).toBe(24);
    expect(parseRange(' Internet ')).toBeNull();
    expect(rangeContains('10.19.0.0/16', '10.19.135.0/24')).toBe(true);
  });

  it('compares addresses however they are written', () => {
    expect(sameAddress('2001:db8:0:0::1', '2001:db8::1')).toBe(true);
    expect(sameAddress('::ffff:20.50.60.70', '20.50.60.70')).toBe(true);
    expect(sameAddress('20.50.60.70', '20.50.60.71')).toBe(false);
  });

  it.each([
    ['203.0.113.10', true],
    ['20.50.60.70', true],
    ['2001:4860::8888', true],
    ['203.0.113.0/24', true],
    ['10.0.1.4', false],
    ['172.16.5.4', false],
    ['192.168.1.10', false],
    ['100.64.0.1', false],
    ['127.0.0.1', false],
    ['fd00::1', false],
    ['0.0.0.0/0', false],
    ['nonsense', false],
  ])('%s is public: %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});

describe('ports', () => {
  it('dials 3389 on Windows and 22 on Linux', () => {
    expect(dialedPort('Windows')).toBe(3389);
    expect(dialedPort('Linux')).toBe(22);
    expect(dialedPort(undefined)).toBe(3389);
  });

  it.each([
    ['3389', 3389, true],
    ['3389-3389', 3389, true],
    ['*', 3389, true],
    ['0-65535', 22, true],
    ['1024-65535', 22, false],
    ['3390', 3389, false],
    ['3380-3388', 3389, false],
    ['rdp', 3389, false],
  ])('%s includes %d: %s', (range, port, expected) => {
    expect(portRangeIncludes(range, port)).toBe(expected);
  });
});

describe('rule names and ids', () => {
  it('reads rule names the way ARM writes them', () => {
    expect(ruleShortName('securityRules/DenyRdp')).toBe('DenyRdp');
    expect(ruleShortName('DenyRdp')).toBe('DenyRdp');
    expect(isJitRule('securityRules/SecurityCenter-JITRule_-1234_ABCD')).toBe(true);
    expect(isJitRule('securityRules/Allow-RDP-FromOffice')).toBe(false);
    expect(describeRule(denyAll)).toBe('default rule DenyAllInBound (priority 65500)');
    expect(describeRule(effectiveRule('DenyRdpAll', 100, 'Deny', '*'))).toBe(
      'deny rule DenyRdpAll (priority 100)',
    );
  });

  it('reads names and resource groups out of ARM ids', () => {
    expect(resourceName(SUBNET_NSG_ID)).toBe('snet-app-nsg');
    expect(resourceGroupOf(SUBNET_NSG_ID)).toBe('rg-prod');
    expect(resourceGroupOf('System Route')).toBeNull();
  });

  it('finds the primary NIC, else the first', () => {
    const facts = healthyFacts();
    const vm = facts.vm.status === 'ok' ? facts.vm.value : null;
    expect(vm && primaryNic(vm)?.name).toBe('vm-web-01-nic');
    expect(vm && primaryNic({ ...vm, nics: vm.nics.map((nic) => ({ ...nic, primary: false })) })?.name).toBe(
      'vm-web-01-nic',
    );
    expect(vm && primaryNic({ ...vm, nics: [] })).toBeNull();
  });
});

describe('evaluateNsg', () => {
  const office = effectiveRule('Allow-RDP-FromOffice', 300, 'Allow', '203.0.113.0/24');

  it('allows when both groups allow the source', () => {
    const decision = evaluateNsg([group('subnet', office), group('nic', office)], 3389, '203.0.113.10', null);
    expect(decision.access).toBe('Allow');
    expect(decision.deciding).toBeNull();
    expect(decision.groups.map((g) => g.rule?.name)).toEqual([office.name, office.name]);
  });

  it('denies when either group denies: both must allow', () => {
    const decision = evaluateNsg([group('nic', office), group('subnet')], 3389, '203.0.113.10', null);
    expect(decision.access).toBe('Deny');
    expect(decision.deciding?.group.scope).toBe('subnet');
    expect(decision.deciding?.rule).toBe(denyAll);
  });

  it('reports the subnet group first when both deny: inbound meets it first', () => {
    const decision = evaluateNsg([group('nic'), group('subnet')], 3389, '203.0.113.10', null);
    expect(decision.deciding?.group.scope).toBe('subnet');
    expect(decision.groups.map((g) => g.group.scope)).toEqual(['subnet', 'nic']);
  });

  it('takes the first rule by priority, not by listing order', () => {
    const deny = effectiveRule('DenyRdpAll', 100, 'Deny', '*');
    expect(decideGroup(group('nic', office, deny), 3389, '203.0.113.10', null).rule).toBe(deny);
    const allow = effectiveRule('Allow-Me', 90, 'Allow', '203.0.113.10');
    expect(decideGroup(group('nic', deny, allow), 3389, '203.0.113.10', null).rule).toBe(allow);
  });

  it('skips rules for other sources, ports, protocols and directions', () => {
    const rules = [
      effectiveRule('DenyOther', 100, 'Deny', '198.51.100.0/24'),
      effectiveRule('DenySsh', 110, 'Deny', '*', '22'),
      { ...effectiveRule('DenyUdp', 120, 'Deny', '*'), protocol: 'Udp' },
      { ...effectiveRule('DenyOut', 130, 'Deny', '*'), direction: 'Outbound' as const },
      office,
    ];
    expect(decideGroup(group('nic', ...rules), 3389, '203.0.113.10', null).rule).toBe(office);
  });

  it('matches protocol All and any port range that holds the port', () => {
    const rule = { ...effectiveRule('DenyAllTcp', 100, 'Deny', '*', '3000-4000'), protocol: 'All' };
    expect(decideGroup(group('nic', rule, office), 3389, '203.0.113.10', null).rule).toBe(rule);
  });

  it('allows a source range only when an allow holds all of it, and denies it when a deny touches any of it', () => {
    const one = effectiveRule('Allow-One', 200, 'Allow', '203.0.113.10');
    expect(decideGroup(group('nic', one), 3389, '203.0.113.0/24', null).rule).toBe(denyAll);
    expect(decideGroup(group('nic', office), 3389, '203.0.113.0/25', null).rule).toBe(office);
    const denyOne = effectiveRule('Deny-One', 100, 'Deny', '203.0.113.99');
    expect(decideGroup(group('nic', denyOne, office), 3389, '203.0.113.0/24', null).rule).toBe(denyOne);
  });

  it('uses Linux port 22 when asked', () => {
    const ssh = effectiveRule('Allow-SSH', 300, 'Allow', '203.0.113.0/24', '22');
    expect(evaluateNsg([group('nic', ssh)], 22, '203.0.113.10', null).access).toBe('Allow');
    expect(evaluateNsg([group('nic', ssh)], 3389, '203.0.113.10', null).access).toBe('Deny');
  });

  it('allows when no NSG applies at all', () => {
    expect(evaluateNsg([], 3389, '203.0.113.10', null).access).toBe('Allow');
  });

  describe('with no source: deny only when no allow can match any source', () => {
    it('allows when some allow can match some source', () => {
      expect(evaluateNsg([group('subnet', office), group('nic', office)], 3389, null, null).access).toBe(
        'Allow',
      );
    });

    it('denies when there is no allow, naming the catch-all deny', () => {
      const decision = evaluateNsg([group('subnet', office), group('nic')], 3389, null, null);
      expect(decision.access).toBe('Deny');
      expect(decision.deciding?.rule).toBe(denyAll);
    });

    it('denies when every allow is shadowed by a deny ahead of it', () => {
      const deny = effectiveRule('DenyRdpAll', 100, 'Deny', '*');
      const decision = evaluateNsg([group('nic', deny, office)], 3389, null, null);
      expect(decision.deciding?.rule).toBe(deny);
    });

    it('allows when a deny ahead covers only part of the allow', () => {
      const deny = effectiveRule('Deny-Half', 100, 'Deny', '203.0.113.0/25');
      expect(evaluateNsg([group('nic', deny, office)], 3389, null, null).access).toBe('Allow');
    });

    it('names the catch-all deny over a narrower one ahead of it', () => {
      const narrow = effectiveRule('Deny-Scanner', 100, 'Deny', '198.51.100.7');
      expect(evaluateNsg([group('nic', narrow)], 3389, null, null).deciding?.rule).toBe(denyAll);
    });
  });
});

describe('ruleAimsAt', () => {
  const to = (destination: string) => effectiveRule('R', 100, 'Allow', '*', '3389', destination);

  it("matches a rule's destination against the VM's private address", () => {
    expect(ruleAimsAt(to('10.0.1.4'), ['10.0.1.4'])).toBe(true);
    expect(ruleAimsAt(to('10.0.1.0/24'), ['10.0.1.4'])).toBe(true);
    expect(ruleAimsAt(to('*'), ['10.0.1.4'])).toBe(true);
    expect(ruleAimsAt(to('10.0.1.99'), ['10.0.1.4'])).toBe(false);
  });

  it('takes a tag ARM left unexpanded, or an unknown VM address, as covering the VM', () => {
    expect(ruleAimsAt(to('AzureCloud'), ['10.0.1.4'])).toBe(true);
    expect(ruleAimsAt(to('10.0.1.99'), null)).toBe(true);
  });

  it('decides a group as if rules aimed at other machines were absent', () => {
    const jumpHost = effectiveRule('Allow-JumpHost', 100, 'Allow', '*', '3389', '10.0.1.99');
    expect(decideGroup(group('nic', jumpHost), 3389, '203.0.113.10', ['10.0.1.4']).rule).toBe(denyAll);
    expect(decideGroup(group('nic', jumpHost), 3389, '203.0.113.10', ['10.0.1.99']).rule).toBe(jumpHost);
  });
});

describe('evaluateNsgForInternet', () => {
  it('lets only rules written for the whole internet decide', () => {
    const office = effectiveRule('Allow-RDP-FromOffice', 300, 'Allow', '203.0.113.0/24');
    expect(evaluateNsgForInternet([group('subnet', office), group('nic', office)], 3389, null).access).toBe(
      'Deny',
    );
    const open = effectiveRule('AllowAnyRdp', 310, 'Allow', 'Internet');
    const decision = evaluateNsgForInternet([group('subnet', office, open), group('nic', open)], 3389, null);
    expect(decision.access).toBe('Allow');
    expect(decision.groups.map((g) => g.rule)).toEqual([open, open]);
  });
});

describe('activity log', () => {
  const rule = `${SUBNET_NSG_ID}/securityRules/DenyRdpAll`;

  it('finds who wrote a rule, newest first, one entry per operation, ignoring failures', () => {
    const events = [
      activityEvent(rule, 'write', 'mallory@contoso.com', '2026-11-27T11:00:00Z', 'Failed'),
      activityEvent(rule, 'write', 'alice@contoso.com', '2026-11-27T10:02:00Z'),
      {
        ...activityEvent(rule, 'write', 'alice@contoso.com', '2026-11-27T10:01:50Z', 'Started'),
        correlationId: 'alice@contoso.com|2026-11-27T10:02:00Z',
      },
      activityEvent(rule, 'write', 'bob@contoso.com', '2026-11-20T08:00:00Z'),
      activityEvent(
        `${NIC_NSG_ID}/securityRules/DenyRdpAll`,
        'write',
        'carol@contoso.com',
        '2026-11-27T11:30:00Z',
      ),
    ];
    const change = findRuleChange(events, SUBNET_NSG_ID, 'securityRules/DenyRdpAll');
    expect(change).toMatchObject({
      action: 'write',
      ruleName: 'DenyRdpAll',
      event: { caller: 'alice@contoso.com' },
    });
    expect(nsgChanges(events, SUBNET_NSG_ID).map((c) => c.event.caller)).toEqual([
      'alice@contoso.com',
      'bob@contoso.com',
    ]);
  });

  it('reports deletes, and whole-NSG writes without a rule name', () => {
    const events = [
      activityEvent(
        `${SUBNET_NSG_ID}/securityRules/Allow-RDP-FromOffice`,
        'delete',
        'bob@contoso.com',
        '2026-11-27T09:00:00Z',
      ),
      activityEvent(SUBNET_NSG_ID, 'write', 'pipeline@contoso.com', '2026-11-27T08:00:00Z'),
    ];
    expect(findRuleChange(events, SUBNET_NSG_ID, 'Allow-RDP-FromOffice')?.action).toBe('delete');
    expect(nsgChanges(events, SUBNET_NSG_ID).map((c) => c.ruleName)).toEqual(['Allow-RDP-FromOffice', null]);
    expect(findRuleChange(events, SUBNET_NSG_ID, 'DenyRdpAll')).toBeNull();
  });
});

describe('replyHop', () => {
  const facts = factsWith('effectiveRoutes', (routes) => {
    routes.routes.push({
      source: 'User',
      state: 'Active',
      addressPrefixes: ['0.0.0.0/0'],
      nextHopType: 'VirtualAppliance',
      nextHopIpAddresses: ['10.0.100.4'],
    });
    routes.routes[1].state = 'Invalid';
  });
  const routes = facts.effectiveRoutes.status === 'ok' ? facts.effectiveRoutes.value : undefined;
  const nextHop = {
    sourceIp: '10.0.1.4',
    destinationIp: '203.0.113.10',
    nextHopType: 'Internet',
    nextHopIpAddress: null,
    routeTableId: 'System Route',
  };

  it("takes Network Watcher's next hop when it was asked about this source", () => {
    expect(replyHop('203.0.113.10', nextHop, routes)).toMatchObject({
      nextHopType: 'Internet',
      evidence: 'next hop from 10.0.1.4 to 203.0.113.10 is Internet (route table System Route)',
    });
  });

  it('falls back to the longest matching active route', () => {
    expect(replyHop('198.51.100.7', nextHop, routes)).toMatchObject({
      nextHopType: 'VirtualAppliance',
      nextHopIp: '10.0.100.4',
      evidence: 'active User route 0.0.0.0/0 sends replies to 198.51.100.7 to VirtualAppliance 10.0.100.4',
    });
    expect(replyHop('10.0.2.5', undefined, routes)?.nextHopType).toBe('VnetLocal');
  });

  it('uses the active default route when there is no source', () => {
    expect(replyHop(null, nextHop, routes)?.evidence).toBe(
      'active User route 0.0.0.0/0 sends replies to the internet to VirtualAppliance 10.0.100.4',
    );
    expect(replyHop(null, nextHop, undefined)).toBeNull();
  });
});
