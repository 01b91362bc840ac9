import type { EffectiveNsgGroup, EffectiveRule } from '../../src/diagnosis/facts';
import { FixRefusal } from '../../src/fixes/fix';
import {
  allowRuleDescription,
  allowRuleName,
  describeAllows,
  planAllows,
  priorityAhead,
  type AllowRequest,
} from '../../src/fixes/nsg-plan';
import {
  NIC_NSG_ID,
  PRIVATE_IP,
  SOURCE,
  SUBNET_NSG_ID,
  effectiveRule,
  healthyFacts,
} from '../fixtures/facts';

const REQUEST: AllowRequest = {
  source: SOURCE,
  port: 3389,
  ruleName: 'Allow-RDP-203.0.113.10-32-rdpdoctor',
  destinations: [PRIVATE_IP],
};
// ARM's rule for security rule names.
const ARM_RULE_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,78}[A-Za-z0-9_])?$/;

function defaultRules(): EffectiveRule[] {
  const facts = healthyFacts();
  if (facts.effectiveNsg.status !== 'ok') throw new Error('fixture has no effective NSG');
  return facts.effectiveNsg.value.groups[0].rules.filter((r) => r.name.startsWith('defaultSecurityRules/'));
}

function group(scope: 'subnet' | 'nic', ...rules: EffectiveRule[]): EffectiveNsgGroup {
  return {
    nsgId: scope === 'subnet' ? SUBNET_NSG_ID : NIC_NSG_ID,
    scope,
    rules: [...rules, ...defaultRules()],
  };
}

function outbound(rule: EffectiveRule): EffectiveRule {
  return { ...rule, direction: 'Outbound' };
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(FixRefusal);
    return (err as FixRefusal).message;
  }
  throw new Error('expected a FixRefusal');
}

describe('allowRuleName', () => {
  it.each([
    ['203.0.113.10', 3389, 'Allow-RDP-203.0.113.10-32-rdpdoctor'],
    ['203.0.113.0/24', 3389, 'Allow-RDP-203.0.113.0-24-rdpdoctor'],
    ['2001:db8::10', 3389, 'Allow-RDP-2001-db8--10-128-rdpdoctor'],
    ['203.0.113.10', 22, 'Allow-SSH-203.0.113.10-32-rdpdoctor'],
  ])('%s on port %d: %s', (source, port, name) => {
    expect(allowRuleName(source, port)).toBe(name);
    expect(name).toMatch(ARM_RULE_NAME);
  });

  it('stays within 80 characters for the longest IPv6 range', () => {
    const name = allowRuleName('2001:db8:ffff:ffff:ffff:ffff:ffff:ff00/120', 3389);
    expect(name.length).toBeLessThanOrEqual(80);
    expect(name).toMatch(ARM_RULE_NAME);
  });
});

describe('priorityAhead', () => {
  it('refuses in a plain sentence when the deny sits at priority 100', () => {
    const deny = effectiveRule('DenyAll', 100, 'Deny', '*');
    expect(refusal(() => priorityAhead(group('subnet', deny), deny, REQUEST))).toBe(
      'Rule DenyAll in NSG snet-app-nsg denies TCP 3389 from 203.0.113.10 at priority 100, the highest an NSG rule can ' +
        'have, so no allow rule can go ahead of it: narrow rule DenyAll so it no longer covers 203.0.113.10, or remove ' +
        'it, then diagnose again.',
    );
  });

  it('takes the highest free priority below the deny: 200 with 199 taken gives 198', () => {
    const deny = effectiveRule('DenyRdp', 200, 'Deny', '*');
    const https = effectiveRule('Allow-HTTPS', 199, 'Allow', '*', '443');
    expect(priorityAhead(group('nic', https, deny), deny, REQUEST)).toBe(198);
  });

  it('counts only inbound rules as taken: an outbound rule at 199 leaves it free', () => {
    const deny = effectiveRule('DenyRdp', 200, 'Deny', '*');
    const out = outbound(effectiveRule('Deny-Out', 199, 'Deny', '*', '*'));
    expect(priorityAhead(group('nic', out, deny), deny, REQUEST)).toBe(199);
  });

  it('reuses the priority of a rule of its own name, since writing it again moves it', () => {
    const deny = effectiveRule('DenyRdp', 200, 'Deny', '*');
    const ours = effectiveRule(REQUEST.ruleName, 199, 'Allow', SOURCE);
    expect(priorityAhead(group('nic', ours, deny), deny, REQUEST)).toBe(199);
  });

  it('puts the allow at 4096, the last user priority, ahead of the default deny', () => {
    const deny = defaultRules().find((r) => r.name === 'defaultSecurityRules/DenyAllInBound')!;
    expect(priorityAhead(group('subnet'), deny, REQUEST)).toBe(4096);
    const last = effectiveRule('Allow-Web', 4096, 'Allow', '*', '80');
    expect(priorityAhead(group('subnet', last), deny, REQUEST)).toBe(4095);
  });

  it('refuses when every priority ahead of the deny is taken', () => {
    const deny = effectiveRule('DenyRdp', 103, 'Deny', '*');
    const taken = [100, 101, 102].map((p) => effectiveRule(`Rule${p}`, p, 'Allow', '*', '80'));
    expect(refusal(() => priorityAhead(group('nic', ...taken, deny), deny, REQUEST))).toBe(
      'Every priority from 100 to 102 in NSG vm-web-01-nsg is taken, so no allow rule fits ahead of rule DenyRdp ' +
        '(priority 103): narrow or remove rule DenyRdp, or free a priority ahead of it, then diagnose again.',
    );
  });
});

describe('planAllows', () => {
  it('plans a rule in both NSGs when the subnet and the NIC both deny, subnet first', () => {
    const planned = planAllows([group('nic'), group('subnet')], REQUEST);
    expect(planned.map((p) => [p.scope, p.nsgId, p.priority, p.deny.name])).toEqual([
      ['subnet', SUBNET_NSG_ID, 4096, 'defaultSecurityRules/DenyAllInBound'],
      ['nic', NIC_NSG_ID, 4096, 'defaultSecurityRules/DenyAllInBound'],
    ]);
  });

  it('plans only where the packet is denied', () => {
    const allow = effectiveRule('Allow-RDP-Office', 300, 'Allow', '203.0.113.0/24');
    const deny = effectiveRule('DenyRdp', 200, 'Deny', '*');
    const planned = planAllows([group('subnet', allow), group('nic', deny, allow)], REQUEST);
    expect(planned.map((p) => [p.scope, p.priority, p.deny.name])).toEqual([
      ['nic', 199, 'securityRules/DenyRdp'],
    ]);
  });

  it('writes one rule when one NSG sits on both the subnet and the NIC', () => {
    const nic = { ...group('nic'), nsgId: SUBNET_NSG_ID.toUpperCase() };
    expect(planAllows([group('subnet'), nic], REQUEST)).toHaveLength(1);
  });

  it('denies a range that a deny covers only in part', () => {
    const half = effectiveRule('Deny-Upper-Half', 250, 'Deny', '203.0.113.128/25');
    const office = effectiveRule('Allow-RDP-Office', 300, 'Allow', '203.0.113.0/24');
    const request = { ...REQUEST, source: '203.0.113.0/24', ruleName: 'Allow-RDP-203.0.113.0-24-rdpdoctor' };
    const planned = planAllows([group('nic', half, office)], request);
    expect(planned.map((p) => [p.priority, p.deny.name])).toEqual([[249, 'securityRules/Deny-Upper-Half']]);
  });

  it('refuses to go around Just-In-Time, which holds the port shut on purpose', () => {
    const jit = effectiveRule('SecurityCenter-JITRule_-123456_ABCDEF', 1000, 'Deny', '*');
    expect(refusal(() => planAllows([group('nic', jit)], REQUEST).length)).toContain(
      'Just-In-Time rule SecurityCenter-JITRule_-123456_ABCDEF in NSG vm-web-01-nsg holds TCP 3389 shut on purpose: ' +
        'request JIT access for 203.0.113.10 instead of adding an allow rule.',
    );
  });

  it('refuses when nothing denies the packet', () => {
    const office = effectiveRule('Allow-RDP-Office', 300, 'Allow', '203.0.113.0/24');
    expect(refusal(() => planAllows([group('subnet', office), group('nic', office)], REQUEST))).toBe(
      'The NSGs on the path already allow TCP 3389 from 203.0.113.10, so there is no rule to add: diagnose again from ' +
        'that address if RDP still fails.',
    );
  });

  it("plans an allow when the only allow is scoped to a jump host's address, not the VM's", () => {
    const jumpHost = effectiveRule('Allow-RDP-JumpHost', 300, 'Allow', '203.0.113.0/24', '3389', '10.0.1.99');
    const planned = planAllows([group('subnet', jumpHost), group('nic', jumpHost)], REQUEST);
    expect(planned.map((p) => [p.scope, p.deny.name])).toEqual([
      ['subnet', 'defaultSecurityRules/DenyAllInBound'],
      ['nic', 'defaultSecurityRules/DenyAllInBound'],
    ]);
  });

  it('goes ahead of the deny that takes the VM, not a deny aimed at another VM', () => {
    const other = effectiveRule('Deny-RDP-JumpHost', 150, 'Deny', '*', '3389', '10.0.1.99');
    const mine = effectiveRule('DenyRdp', 200, 'Deny', '*', '3389', '10.0.1.0/24');
    const planned = planAllows([group('nic', other, mine)], REQUEST);
    expect(planned.map((p) => [p.priority, p.deny.name])).toEqual([[199, 'securityRules/DenyRdp']]);
  });

  it('describes the plan in one sentence naming each NSG, priority and deny', () => {
    const deny = effectiveRule('DenyRdp', 200, 'Deny', '*');
    const planned = planAllows([group('subnet'), group('nic', deny)], REQUEST);
    expect(describeAllows(planned, REQUEST, '10.0.1.4')).toBe(
      'Add inbound rule Allow-RDP-203.0.113.10-32-rdpdoctor allowing TCP 3389 from 203.0.113.10 to 10.0.1.4 in NSG ' +
        'snet-app-nsg at priority 4096, ahead of its default rule DenyAllInBound (priority 65500) and in NSG ' +
        'vm-web-01-nsg at priority 199, ahead of its deny rule DenyRdp (priority 200).',
    );
  });
});

describe('allowRuleDescription', () => {
  it('names who asked, who approved, why, and the proposal', () => {
    expect(
      allowRuleDescription({
        source: SOURCE,
        proposer: 'U0PROPOSER',
        approvers: ['U0APPROVER'],
        deny: 'DenyRdp',
        proposalId: 'p-1',
      }),
    ).toBe('RDP from 203.0.113.10 for U0PROPOSER, approved by U0APPROVER; DenyRdp denied it; rdp-doctor p-1');
  });

  it('stays within ARM’s 140 characters and keeps the proposal id whole', () => {
    const text = allowRuleDescription({
      source: '2001:db8:ffff:ffff:ffff:ffff:ffff:ff00/120',
      proposer: 'U0PROPOSERWITHALONGID',
      approvers: ['U0APPROVER1', 'U0APPROVER2', 'U0APPROVER3'],
      deny: 'Deny-Everything-From-Everywhere-Because-Policy',
      proposalId: '7f3c9a2e-1b4d-4e8f-9a6c-2d5e8f1a3b7c',
    });
    expect(text.length).toBeLessThanOrEqual(140);
    expect(text).toMatch(/\.\.\.; rdp-doctor 7f3c9a2e-1b4d-4e8f-9a6c-2d5e8f1a3b7c$/);
  });
});
