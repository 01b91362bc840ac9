import { nsgDeniesRdp } from '../../src/diagnosis/causes/network/nsg-denies-rdp';
import type { EffectiveNsgGroup, EffectiveRule, Facts } from '../../src/diagnosis/facts';
import { decideGroup, parseRange } from '../../src/diagnosis/net';
import type { Finding } from '../../src/diagnosis/report';
import { FixRefusal, type FixPlan } from '../../src/fixes/fix';
import { nsgAllowRdpFromSource } from '../../src/fixes/nsg-allow-rdp-from-source';
import {
  NIC_NSG_ID,
  PRIVATE_IP,
  SOURCE,
  SUBNET_NSG_ID,
  effectiveRule,
  factsWith,
  healthyFacts,
  ok,
} from '../fixtures/facts';
import { FakeAzure, PROPOSAL_ID, executionContext, inputsFor, planFor, restError } from './support';

const RULE = 'securityRules.beginCreateOrUpdateAndWait';

/** The fixture with `change` applied to the NIC's (or subnet's) effective NSG rules. */
function withRules(
  scope: 'nic' | 'subnet',
  change: (rules: EffectiveRule[]) => void,
  base = healthyFacts(),
): Facts {
  return factsWith(
    'effectiveNsg',
    (nsg) => {
      const group = nsg.groups.find((g) => g.scope === scope)!;
      change(group.rules);
    },
    base,
  );
}

function withoutOfficeAllow(rules: EffectiveRule[]): void {
  rules.splice(
    rules.findIndex((r) => r.name === 'securityRules/Allow-RDP-FromOffice'),
    1,
  );
}

/** The NIC NSG denies RDP from anywhere with DenyRdp at priority 200, ahead of the office allow. */
function denyRdpAt200(): Facts {
  return withRules('nic', (rules) => rules.unshift(effectiveRule('DenyRdp', 200, 'Deny', '*')));
}

describe('nsg-allow-rdp-from-source', () => {
  describe('inputs', () => {
    it('asks for the source, pre-filled with the address the diagnosis was run from', () => {
      const [source] = inputsFor(nsgAllowRdpFromSource, nsgDeniesRdp, denyRdpAt200());
      expect(source).toMatchObject({ name: 'source', initial: SOURCE });
      expect(source.hint).toContain('no wider than /24');
    });
  });

  describe('plan', () => {
    it('puts one allow ahead of the NIC NSG deny, for this VM only', () => {
      const plan = planFor(nsgAllowRdpFromSource, nsgDeniesRdp, denyRdpAt200(), { source: SOURCE });
      expect(plan).toEqual({
        params: {
          source: SOURCE,
          port: 3389,
          ruleName: 'Allow-RDP-203.0.113.10-32-rdpdoctor',
          destination: PRIVATE_IP,
          nicNsgId: NIC_NSG_ID,
          nicPriority: 199,
          nicDenyRule: 'DenyRdp',
        },
        description:
          'Add inbound rule Allow-RDP-203.0.113.10-32-rdpdoctor allowing TCP 3389 from 203.0.113.10 to 10.0.1.4 in ' +
          'NSG vm-web-01-nsg at priority 199, ahead of its deny rule DenyRdp (priority 200).',
      });
    });

    it('plans two rules when both the subnet and the NIC NSG deny', () => {
      const facts = withRules('nic', withoutOfficeAllow, withRules('subnet', withoutOfficeAllow));
      const plan = planFor(nsgAllowRdpFromSource, nsgDeniesRdp, facts, { source: '203.0.113.0/24' });
      expect(plan.params).toMatchObject({
        source: '203.0.113.0/24',
        ruleName: 'Allow-RDP-203.0.113.0-24-rdpdoctor',
        subnetNsgId: SUBNET_NSG_ID,
        subnetPriority: 4096,
        subnetDenyRule: 'DenyAllInBound',
        nicNsgId: NIC_NSG_ID,
        nicPriority: 4096,
        nicDenyRule: 'DenyAllInBound',
      });
    });

    it('opens the destination to the NSG side for an IPv6 source: one rule cannot mix families', () => {
      // Dual-stack effective rules expand `*` to both families.
      const dualStack = {
        ...effectiveRule('DenyRdp', 200, 'Deny', '*'),
        sourcePrefixes: ['0.0.0.0/0', '::/0'],
      };
      const facts = withRules('nic', (rules) => rules.unshift(dualStack));
      const plan = planFor(nsgAllowRdpFromSource, nsgDeniesRdp, facts, { source: '2001:db8::10' });
      expect(plan.params.destination).toBe('*');
    });

    it.each([
      ['*', 'would open RDP to the whole internet'],
      ['Internet', 'would open RDP to the whole internet'],
      ['0.0.0.0/0', 'would open RDP to the whole internet'],
      ['203.0.113.0/16', 'the widest range allowed is /24'],
      ['AzureCloud', 'is a service tag'],
    ])('refuses the source %s before looking at any rule', (source, why) => {
      expect(() => planFor(nsgAllowRdpFromSource, nsgDeniesRdp, denyRdpAt200(), { source })).toThrow(
        expect.objectContaining({ code: 'fix-refused', message: expect.stringContaining(why) }),
      );
    });

    it('refuses in a plain sentence when the deny sits at priority 100', () => {
      const facts = withRules('nic', (rules) =>
        rules.unshift(effectiveRule('DenyRdpFirst', 100, 'Deny', '*')),
      );
      expect(() => planFor(nsgAllowRdpFromSource, nsgDeniesRdp, facts, { source: SOURCE })).toThrow(
        new FixRefusal(
          'Rule DenyRdpFirst in NSG vm-web-01-nsg denies TCP 3389 from 203.0.113.10 at priority 100, the highest an ' +
            'NSG rule can have, so no allow rule can go ahead of it: narrow rule DenyRdpFirst so it no longer covers ' +
            '203.0.113.10, or remove it, then diagnose again.',
        ),
      );
    });

    it('refuses when the effective rules were not gathered', () => {
      const facts = denyRdpAt200();
      const finding: Finding = {
        cause: 'nsg-denies-rdp',
        layer: 'network',
        severity: 'critical',
        summary: 'denied',
        evidence: [],
        fixes: ['nsg-allow-rdp-from-source'],
        advice: '',
        links: [],
      };
      facts.effectiveNsg = {
        status: 'error',
        reason: 'Network answered 429 TooManyRequests',
        durationMs: 10,
      };
      expect(() =>
        nsgAllowRdpFromSource.plan({
          facts,
          finding,
          input: { source: SOURCE },
          policy: { nsgMaxPrefix: 24 },
        }),
      ).toThrow(
        'The effective NSG rules could not be read during the diagnosis (Network answered 429 TooManyRequests): diagnose again.',
      );
    });
  });

  describe('execute', () => {
    function planned(facts: Facts, source = SOURCE): FixPlan {
      return planFor(nsgAllowRdpFromSource, nsgDeniesRdp, facts, { source });
    }

    it('writes exactly the planned rule into the NSG', async () => {
      const facts = denyRdpAt200();
      const fake = new FakeAzure();
      const outcome = await nsgAllowRdpFromSource.execute(
        executionContext(fake, facts, planned(facts).params),
      );
      expect(fake.calls).toEqual([
        {
          method: RULE,
          args: [
            'rg-prod',
            'vm-web-01-nsg',
            'Allow-RDP-203.0.113.10-32-rdpdoctor',
            {
              protocol: 'Tcp',
              sourceAddressPrefix: '203.0.113.10',
              sourcePortRange: '*',
              destinationAddressPrefix: '10.0.1.4',
              destinationPortRange: '3389',
              access: 'Allow',
              direction: 'Inbound',
              priority: 199,
              description: `RDP from 203.0.113.10 for U0PROPOSER, approved by U0APPROVER; DenyRdp denied it; rdp-doctor ${PROPOSAL_ID}`,
            },
          ],
        },
      ]);
      expect(outcome).toEqual({
        summary:
          'Added inbound rule Allow-RDP-203.0.113.10-32-rdpdoctor allowing TCP 3389 from 203.0.113.10 in NSG vm-web-01-nsg (priority 199).',
        correlationId: 'corr-1',
      });
    });

    it('writes into both NSGs when both deny', async () => {
      const facts = withRules('nic', withoutOfficeAllow, withRules('subnet', withoutOfficeAllow));
      const fake = new FakeAzure();
      const outcome = await nsgAllowRdpFromSource.execute(
        executionContext(fake, facts, planned(facts).params),
      );
      expect(
        fake.callsTo(RULE).map((c) => [c.args[1], (c.args[3] as { priority: number }).priority]),
      ).toEqual([
        ['snet-app-nsg', 4096],
        ['vm-web-01-nsg', 4096],
      ]);
      expect(outcome.correlationId).toBe('corr-1, corr-2');
    });

    it('moves to the next free priority when the planned one was taken since the proposal', async () => {
      const plan = planned(denyRdpAt200());
      const fresh = withRules(
        'nic',
        (rules) => rules.unshift(effectiveRule('Allow-HTTPS', 199, 'Allow', '*', '443')),
        denyRdpAt200(),
      );
      const fake = new FakeAzure();
      await nsgAllowRdpFromSource.execute(executionContext(fake, fresh, plan.params));
      expect((fake.calls[0].args[3] as { priority: number }).priority).toBe(198);
    });

    it('writes nothing where the fresh rules no longer deny', async () => {
      const plan = planned(denyRdpAt200());
      const fake = new FakeAzure();
      const outcome = await nsgAllowRdpFromSource.execute(
        executionContext(fake, healthyFacts(), plan.params),
      );
      expect(fake.calls).toEqual([]);
      expect(outcome).toEqual({
        summary: 'No rule was needed: NSG vm-web-01-nsg no longer denies TCP 3389 from 203.0.113.10.',
        correlationId: null,
      });
    });

    it('keeps the approved priority when the fresh rules could not be read', async () => {
      const plan = planned(denyRdpAt200());
      const fresh = healthyFacts();
      fresh.effectiveNsg = { status: 'error', reason: 'timed out', durationMs: 20_000 };
      const fake = new FakeAzure();
      await nsgAllowRdpFromSource.execute(executionContext(fake, fresh, plan.params));
      expect((fake.calls[0].args[3] as { priority: number }).priority).toBe(199);
    });

    it('says what happened when ARM refuses the priority', async () => {
      const facts = denyRdpAt200();
      const fake = new FakeAzure();
      fake.failures.set(
        RULE,
        restError(409, 'SecurityRuleConflict', 'Rules have the same Priority and Direction.'),
      );
      await expect(
        nsgAllowRdpFromSource.execute(executionContext(fake, facts, planned(facts).params)),
      ).rejects.toThrow(
        'Network answered 409 SecurityRuleConflict: another rule in NSG vm-web-01-nsg took priority 199 meanwhile; ' +
          'diagnose again and propose the fix again',
      );
    });

    it.each(['*', 'Internet', '0.0.0.0/0', '10.0.0.0/8'])(
      'guards stored parameters again: a source of %s writes nothing',
      async (source) => {
        const facts = denyRdpAt200();
        const fake = new FakeAzure();
        const params = { ...planned(facts).params, source };
        await expect(
          nsgAllowRdpFromSource.execute(executionContext(fake, facts, params)),
        ).rejects.toBeInstanceOf(FixRefusal);
        expect(fake.calls).toEqual([]);
      },
    );
  });

  describe('property: no created rule ever allows more than the guard lets through', () => {
    // A small seeded generator (mulberry32): the same cases on every run, many shapes per run.
    function random(seed: number): () => number {
      let state = seed;
      return () => {
        state = (state + 0x6d2b79f5) | 0;
        let t = Math.imul(state ^ (state >>> 15), 1 | state);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
    }
    const next = random(20261127);
    const int = (low: number, high: number) => low + Math.floor(next() * (high - low + 1));
    const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)];
    const ipv4 = () => [int(1, 223), int(0, 255), int(0, 255), int(0, 255)].join('.');
    const ipv6 = () => `2001:db8:${int(0, 65535).toString(16)}::${int(0, 65535).toString(16)}`;

    function source(): string {
      return pick([
        () => ipv4(),
        () => `${ipv4()}/${int(0, 32)}`,
        () => `${ipv6()}/${int(0, 128)}`,
        () => ipv6(),
        () => pick(['*', 'Any', 'Internet', 'internet', '0.0.0.0/0', '::/0', 'VirtualNetwork', 'AzureCloud']),
        () =>
          pick([' * ', `${ipv4()}, ${ipv4()}`, `${ipv4()}/`, 'rdp.contoso.com', '', '*/0', `${ipv4()}/-1`]),
      ])();
    }

    function rule(): EffectiveRule {
      const written = pick(['*', 'Internet', `${ipv4()}/${int(8, 32)}`, ipv4()]);
      const expanded = written === '*' || written === 'Internet' ? '0.0.0.0/0' : written;
      return {
        ...effectiveRule(
          `Rule${int(1, 1e6)}`,
          int(100, 4096),
          pick(['Allow', 'Deny']),
          expanded,
          pick(['3389', '*', '443', '3000-4000']),
        ),
        sourcePrefixesAsWritten: [written],
        direction: pick(['Inbound', 'Inbound', 'Outbound']),
      };
    }

    function facts(): Facts {
      const base = healthyFacts();
      if (base.effectiveNsg.status !== 'ok') throw new Error('fixture');
      const defaults = base.effectiveNsg.value.groups[0].rules.filter((r) => r.name.startsWith('default'));
      const groups: EffectiveNsgGroup[] = [
        {
          nsgId: SUBNET_NSG_ID,
          scope: 'subnet',
          rules: [...Array.from({ length: int(0, 6) }, rule), ...defaults],
        },
        { nsgId: NIC_NSG_ID, scope: 'nic', rules: [...Array.from({ length: int(0, 6) }, rule), ...defaults] },
      ];
      base.effectiveNsg = ok({ nicId: base.effectiveNsg.value.nicId, groups: groups.slice(int(0, 1)) });
      return base;
    }

    const finding: Finding = {
      cause: 'nsg-denies-rdp',
      layer: 'network',
      severity: 'critical',
      summary: 'An NSG denies RDP.',
      evidence: [],
      fixes: ['nsg-allow-rdp-from-source'],
      advice: '',
      links: [],
    };
    const EVERYONE = ['*', 'any', 'internet', '0.0.0.0/0', '::/0'];

    it('holds for 600 generated sources, rule sets and policies', async () => {
      let written = 0;
      let refused = 0;
      for (let i = 0; i < 600; i++) {
        const world = facts();
        const maxPrefix = int(16, 32);
        const typed = source();
        let plan: FixPlan;
        try {
          plan = nsgAllowRdpFromSource.plan({
            facts: world,
            finding,
            input: { source: typed },
            policy: { nsgMaxPrefix: maxPrefix },
          });
        } catch (err) {
          expect(err).toBeInstanceOf(FixRefusal);
          expect((err as Error).message).toMatch(/^\S.*[.:]/);
          refused++;
          continue;
        }
        const fake = new FakeAzure();
        const ctx = { ...executionContext(fake, world, plan.params), policy: { nsgMaxPrefix: maxPrefix } };
        await nsgAllowRdpFromSource.execute(ctx);
        for (const call of fake.callsTo(RULE)) {
          const body = call.args[3] as {
            sourceAddressPrefix: string;
            sourceAddressPrefixes?: string[];
            access: string;
            direction: string;
            priority: number;
            destinationPortRange: string;
          };
          written++;
          expect(EVERYONE).not.toContain(body.sourceAddressPrefix.toLowerCase());
          expect(body.sourceAddressPrefixes).toBeUndefined();
          const range = parseRange(body.sourceAddressPrefix);
          expect(range).not.toBeNull();
          const [address, prefix] = range!;
          expect(prefix).toBeGreaterThanOrEqual(address.kind() === 'ipv4' ? maxPrefix : 64);
          expect(prefix).toBeGreaterThan(0);
          expect(body).toMatchObject({ access: 'Allow', direction: 'Inbound', destinationPortRange: '3389' });
          expect(body.priority).toBeGreaterThanOrEqual(100);
          expect(body.priority).toBeLessThanOrEqual(4096);
          // The new rule takes a free priority and, once in place, lets the source through that NSG.
          const group =
            world.effectiveNsg.status === 'ok'
              ? world.effectiveNsg.value.groups.find((g) => g.nsgId.endsWith(`/${call.args[1]}`))!
              : null;
          const inbound = group!.rules.filter((r) => r.direction === 'Inbound').map((r) => r.priority);
          expect(inbound).not.toContain(body.priority);
          const added = effectiveRule(
            call.args[2] as string,
            body.priority,
            'Allow',
            body.sourceAddressPrefix,
          );
          expect(
            decideGroup({ ...group!, rules: [...group!.rules, added] }, 3389, body.sourceAddressPrefix, null)
              .access,
          ).toBe('Allow');
        }
      }
      // The generator must exercise both sides of the guard.
      expect(written).toBeGreaterThan(50);
      expect(refused).toBeGreaterThan(50);
    });
  });
});
