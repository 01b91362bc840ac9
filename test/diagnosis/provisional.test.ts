import type { Facts, NsgRulesFacts } from '../../src/diagnosis/facts';
import { provisionalVerdict, reconcile } from '../../src/diagnosis/provisional';
import { factsWith, failed, healthyFacts, NIC_NSG_ID, skipped, writtenRule } from '../fixtures/facts';

// The provisional network verdict: the NSG rules as written, evaluated locally for TCP 3389 from the
// source to the VM's private address (10.0.1.4 in subnet 10.0.1.0/24), and what effective rules and IP
// flow verify later make of it.

/** healthyFacts() with `rules` written ahead of the office allow on the NIC's NSG. */
function nicRules(...rules: NsgRulesFacts['groups'][number]['rules']): Facts {
  return factsWith('nsgRules', (written) => {
    const nic = written.groups.find((group) => group.nsgId === NIC_NSG_ID)!;
    nic.rules = [...rules, ...nic.rules];
  });
}

function withFlow(facts: Facts, access: 'Allow' | 'Deny', ruleName: string | null): Facts {
  const flow = facts.ipFlow;
  if (flow.status !== 'ok') throw new Error('the base facts have IP flow verify');
  return { ...facts, ipFlow: { ...flow, value: { ...flow.value, access, ruleName } } };
}

describe('provisionalVerdict', () => {
  it('lets the source through when both NSGs allow it as written, naming the allowing rules', () => {
    const verdict = provisionalVerdict(healthyFacts(), 900);
    expect(verdict).toMatchObject({ layer: 'network', access: 'Allow', rule: null, approximate: false });
    expect(verdict?.elapsedMs).toBe(900);
    expect(verdict?.summary).toBe(
      'The NSGs let TCP 3389 from 203.0.113.10 through: allow rule Allow-RDP-FromOffice (priority 300) in ' +
        'NSG snet-app-nsg (subnet), allow rule Allow-RDP-FromOffice (priority 300) in NSG vm-web-01-nsg (nic).',
    );
  });

  it('names the NSG, its scope and the deny rule that decides ahead of the allow', () => {
    const verdict = provisionalVerdict(nicRules(writtenRule('Deny-RDP', 100, 'Deny', '203.0.113.0/24')), 0);
    expect(verdict).toMatchObject({ access: 'Deny', rule: 'Deny-RDP', approximate: false });
    expect(verdict?.summary).toBe(
      'NSG vm-web-01-nsg (nic) denies TCP 3389 from 203.0.113.10: deny rule Deny-RDP (priority 100) decides.',
    );
  });

  it('matches a rule on its destination too: a deny aimed at another address does not stop the VM', () => {
    const elsewhere = nicRules(writtenRule('Deny-RDP-Jump', 100, 'Deny', '*', '10.0.9.9'));
    expect(provisionalVerdict(elsewhere, 0)).toMatchObject({ access: 'Allow' });
    const here = nicRules(writtenRule('Deny-RDP-Here', 100, 'Deny', '*', '10.0.1.4/32'));
    expect(provisionalVerdict(here, 0)).toMatchObject({ access: 'Deny', rule: 'Deny-RDP-Here' });
  });

  it('takes a VirtualNetwork destination to hold the VM, whose address lies in its subnet', () => {
    const facts = nicRules(writtenRule('Deny-RDP-Vnet', 100, 'Deny', '*', 'VirtualNetwork'));
    expect(provisionalVerdict(facts, 0)).toMatchObject({ access: 'Deny', rule: 'Deny-RDP-Vnet' });
  });

  it('marks the verdict approximate when a service tag decides, and exact for * or an address', () => {
    const tagged = provisionalVerdict(nicRules(writtenRule('Deny-Internet', 100, 'Deny', 'Internet')), 0);
    expect(tagged).toMatchObject({ access: 'Deny', approximate: true });
    expect(tagged?.summary).toMatch(/service tag decides, expanded here approximately/);
    const star = provisionalVerdict(nicRules(writtenRule('Deny-All', 100, 'Deny', '*')), 0);
    expect(star).toMatchObject({ access: 'Deny', approximate: false });
  });

  it('with no allow for the source, says the default rule denies it', () => {
    const facts = factsWith('nsgRules', (written) => {
      for (const group of written.groups) group.rules = [];
    });
    const verdict = provisionalVerdict(facts, 0);
    expect(verdict).toMatchObject({ access: 'Deny', rule: 'DenyAllInBound' });
    expect(verdict?.summary).toMatch(
      /^No rule in NSG snet-app-nsg \(subnet\) allows TCP 3389 from 203\.0\.113\.10/,
    );
  });

  it('sees a Just-In-Time deny as holding the port shut', () => {
    const facts = nicRules(writtenRule('SecurityCenter-JITRule_123_abc', 100, 'Deny', '*'));
    const verdict = provisionalVerdict(facts, 0);
    expect(verdict?.summary).toMatch(/^A Just-In-Time rule in NSG vm-web-01-nsg \(nic\) holds TCP 3389 shut/);
  });

  it('says nothing until the NSG rules are read', () => {
    expect(provisionalVerdict({ ...healthyFacts(), nsgRules: skipped('not gathered') }, 0)).toBeNull();
  });
});

describe('reconcile', () => {
  it('is confirmed by IP flow verify when it gives the same access', () => {
    const facts = healthyFacts();
    const reconciled = reconcile(provisionalVerdict(facts, 0)!, facts);
    expect(reconciled).toMatchObject({ outcome: 'confirmed', note: 'confirmed by IP flow verify' });
  });

  it('is confirmed when IP flow verify names the same deny rule', () => {
    const facts = withFlow(
      nicRules(writtenRule('Deny-RDP', 100, 'Deny', '203.0.113.0/24')),
      'Deny',
      'securityRules/Deny-RDP',
    );
    expect(reconcile(provisionalVerdict(facts, 0)!, facts)).toMatchObject({ outcome: 'confirmed' });
  });

  it('is corrected when IP flow verify denies what the written rules allow, naming its rule', () => {
    const facts = withFlow(healthyFacts(), 'Deny', 'securityRules/AVNM-Deny-RDP');
    expect(reconcile(provisionalVerdict(facts, 0)!, facts)).toMatchObject({
      outcome: 'corrected',
      note: 'corrected: IP flow verify denies TCP 3389 from 203.0.113.10 by rule AVNM-Deny-RDP',
    });
  });

  it('is corrected when IP flow verify allows what the written rules deny', () => {
    const facts = withFlow(nicRules(writtenRule('Deny-Internet', 100, 'Deny', 'Internet')), 'Allow', null);
    expect(reconcile(provisionalVerdict(facts, 0)!, facts)).toMatchObject({
      outcome: 'corrected',
      note: 'corrected: IP flow verify allows TCP 3389 from 203.0.113.10',
    });
  });

  it('is corrected when another deny rule decides', () => {
    const facts = withFlow(
      nicRules(writtenRule('Deny-RDP', 100, 'Deny', '203.0.113.0/24')),
      'Deny',
      'securityRules/Deny-Everything',
    );
    expect(reconcile(provisionalVerdict(facts, 0)!, facts)).toMatchObject({ outcome: 'corrected' });
  });

  it('without IP flow verify (no source), is judged by the effective rules', () => {
    const base = healthyFacts();
    const facts: Facts = {
      ...base,
      request: { ...base.request, source: null },
      ipFlow: skipped('No source address given'),
    };
    const provisional = provisionalVerdict(facts, 0)!;
    expect(provisional.summary).toContain('from any source');
    expect(reconcile(provisional, facts)).toMatchObject({
      outcome: 'confirmed',
      note: 'confirmed by the effective rules',
    });
  });

  it('stays unconfirmed, saying why, when neither answered', () => {
    const facts: Facts = {
      ...healthyFacts(),
      ipFlow: failed('Network Watcher answered 429 TooManyRequests'),
      effectiveNsg: failed('Effective security rules answered 500 InternalServerError'),
    };
    expect(reconcile(provisionalVerdict(facts, 0)!, facts)).toMatchObject({
      outcome: 'unconfirmed',
      note: 'not confirmed: Effective security rules answered 500 InternalServerError',
    });
  });
});

describe('provisionalVerdict for a source inside the network', () => {
  const fromVnet = (facts: Facts): Facts => ({
    ...facts,
    request: { ...facts.request, source: '10.0.2.10' },
  });

  it('lets a private source through the default AllowVnetInBound, approximately: the tag holds peers too', () => {
    const facts = fromVnet(
      factsWith('nsgRules', (written) => {
        for (const group of written.groups) group.rules = [];
      }),
    );
    expect(provisionalVerdict(facts, 0)).toMatchObject({ access: 'Allow', approximate: true });
  });

  it('calls a deny approximate when an Internet rule weighed before it may hold a private source', () => {
    const facts = fromVnet(nicRules(writtenRule('Allow-Internet', 100, 'Allow', 'Internet')));
    expect(provisionalVerdict(facts, 0)).toMatchObject({ approximate: true });
  });
});
