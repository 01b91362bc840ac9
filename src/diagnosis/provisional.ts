import { optionalFact, type EffectiveNsgGroup, type EffectiveRule, type Facts } from './facts';
import {
  describeRule,
  dialedPort,
  evaluateNsg,
  inboundTcpRules,
  isJitRule,
  isPublicAddress,
  rangeContains,
  resourceName,
  ruleShortName,
  vmDestinations,
  type Destinations,
  type GroupDecision,
} from './net';
import { isServiceTag, nsgAsWritten } from './nsg-as-written';
import type { ProvisionalVerdict } from './report';

// The network verdict before Azure computes it: the NSGs of the NIC and its subnet, their rules as
// written, evaluated here for the dialed port from the source to the VM's address. Effective rules and
// IP flow verify take seconds; these GETs take a few hundred milliseconds. What they later say confirms
// or corrects this, and only they feed the rules.

/** A source tag whose expansion here is Azure's too: the platform's one address. */
const EXACT_TAGS = new Set(['azureloadbalancer']);

/**
 * Whether a source prefix as written is expanded here only approximately for this source. `Internet` and
 * `VirtualNetwork` stand apart by whether the source is public; any other service tag is unknown here.
 */
function approximateFor(prefix: string, source: string | null): boolean {
  if (!isServiceTag(prefix)) return false;
  const tag = prefix.trim().toLowerCase();
  if (EXACT_TAGS.has(tag)) return false;
  if (tag === 'internet' || tag === 'virtualnetwork') return source === null || !isPublicAddress(source);
  return true;
}

/**
 * Whether a service tag may have decided the group's answer: the deciding rule names one as its source,
 * or a rule weighed before it names one whose expansion is approximate for this source (it may have
 * matched).
 */
function tagDecides(
  decision: GroupDecision,
  port: number,
  source: string | null,
  destinations: Destinations,
): boolean {
  const deciding = decision.rule;
  if (
    deciding?.sourcePrefixesAsWritten.some(
      (prefix) => isServiceTag(prefix) && !EXACT_TAGS.has(prefix.trim().toLowerCase()),
    )
  )
    return true;
  const weighed: EffectiveRule[] = inboundTcpRules(decision.group, port, destinations).filter(
    (rule) => deciding === null || rule.priority < deciding.priority,
  );
  return weighed.some((rule) =>
    rule.sourcePrefixesAsWritten.some((prefix) => approximateFor(prefix, source)),
  );
}

/** The deny that stops the packet according to the rules given, or null when every NSG lets it through. */
export interface NsgDeny {
  nsgId: string;
  scope: EffectiveNsgGroup['scope'];
  /** The rule's short name (`DenyRdp`, `DenyAllInBound`), null when the NSG has none to name. */
  rule: string | null;
  /** A Just-In-Time rule holds the port shut. */
  jit: boolean;
  /** The deciding rule names a service tag, expanded here approximately. */
  approximate: boolean;
  decision: GroupDecision;
}

/** Whether TCP `port` from `source` to `destinations` passes the groups, and the deny that stops it if not. */
export function nsgDeny(
  groups: readonly EffectiveNsgGroup[],
  port: number,
  source: string | null,
  destinations: Destinations,
): NsgDeny | null {
  const decision = evaluateNsg([...groups], port, source, destinations);
  const deciding = decision.deciding;
  if (decision.access === 'Allow' || !deciding) return null;
  const rule = deciding.rule;
  return {
    nsgId: deciding.group.nsgId,
    scope: deciding.group.scope,
    rule: rule ? ruleShortName(rule.name) : null,
    jit: rule !== null && isJitRule(rule.name),
    approximate: tagDecides(deciding, port, source, destinations),
    decision: deciding,
  };
}

const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'];

const APPROXIMATE = ' (a service tag decides, expanded here approximately)';

function denySummary(deny: NsgDeny, port: number, from: string): string {
  const nsg = `NSG ${resourceName(deny.nsgId)} (${deny.scope})`;
  const rule = deny.decision.rule;
  const tag = deny.approximate ? APPROXIMATE : '';
  if (!rule) return `${nsg} denies TCP ${port} ${from}${tag}.`;
  if (deny.jit)
    return `A Just-In-Time rule in ${nsg} holds TCP ${port} shut ${from}: ${describeRule(rule)}${tag}.`;
  if (rule.name.startsWith('defaultSecurityRules/')) {
    return `No rule in ${nsg} allows TCP ${port} ${from}, so its ${describeRule(rule)} denies it${tag}.`;
  }
  return `${nsg} denies TCP ${port} ${from}: ${describeRule(rule)} decides${tag}.`;
}

/**
 * The provisional network verdict from the NSG rules as written, shown `elapsedMs` after the start;
 * null until the rules and the machine are read.
 */
export function provisionalVerdict(facts: Facts, elapsedMs: number): ProvisionalVerdict | null {
  const written = optionalFact(facts, 'nsgRules');
  const vm = optionalFact(facts, 'vm');
  if (!written || !vm) return null;
  // The VirtualNetwork tag holds the virtual network, its peers and the ranges connected to it, which
  // the NSGs and the subnet do not tell: the private ranges stand in for them (approximate, and said so).
  const vnet = [...written.subnetPrefixes, ...PRIVATE_RANGES];
  const groups = written.groups.map((group) => nsgAsWritten(group.nsgId, group.scope, group.rules, vnet));
  const port = dialedPort(vm.osType);
  const source = facts.request.source;
  const from = source === null ? 'from any source' : `from ${source}`;
  const destinations = vmDestinations(vm);
  const deny = nsgDeny(groups, port, source, destinations);
  if (deny) {
    return {
      layer: 'network',
      access: 'Deny',
      rule: deny.rule,
      summary: denySummary(deny, port, from),
      approximate: deny.approximate,
      elapsedMs,
    };
  }
  const decisions = evaluateNsg(groups, port, source, destinations).groups;
  const allowing = decisions.flatMap((g) =>
    g.rule ? [{ rule: g.rule, nsg: `NSG ${resourceName(g.group.nsgId)} (${g.group.scope})` }] : [],
  );
  const approximate = decisions.some((g) => tagDecides(g, port, source, destinations));
  const by =
    allowing.length > 0
      ? `: ${allowing.map(({ rule, nsg }) => `${describeRule(rule)} in ${nsg}`).join(', ')}`
      : '';
  return {
    layer: 'network',
    access: 'Allow',
    rule: null,
    summary:
      groups.length === 0
        ? `No NSG on the NIC or its subnet filters TCP ${port} ${from}.`
        : `The NSGs let TCP ${port} ${from} through${by}${approximate ? APPROXIMATE : ''}.`,
    approximate,
    elapsedMs,
  };
}

/** What Azure itself says of the packet: IP flow verify when it verified this one, else the effective rules. */
function azureAnswer(facts: Facts): { by: string; access: 'Allow' | 'Deny'; rule: string | null } | string {
  const vm = optionalFact(facts, 'vm');
  const port = dialedPort(vm?.osType);
  const source = facts.request.source;
  const flow = optionalFact(facts, 'ipFlow');
  if (flow && source !== null && flow.localPort === port && rangeContains(source, flow.remoteAddress)) {
    return {
      by: 'IP flow verify',
      access: flow.access,
      rule: flow.ruleName ? ruleShortName(flow.ruleName) : null,
    };
  }
  const effective = facts.effectiveNsg;
  if (effective.status !== 'ok') return effective.reason;
  const decision = evaluateNsg(effective.value.groups, port, source, vmDestinations(vm));
  const rule = decision.deciding?.rule;
  return { by: 'the effective rules', access: decision.access, rule: rule ? ruleShortName(rule.name) : null };
}

/** The provisional verdict with what effective rules and IP flow verify made of it. */
export function reconcile(provisional: ProvisionalVerdict, facts: Facts): ProvisionalVerdict {
  const answer = azureAnswer(facts);
  if (typeof answer === 'string') {
    return { ...provisional, outcome: 'unconfirmed', note: `not confirmed: ${answer.replace(/\.$/, '')}` };
  }
  const port = dialedPort(optionalFact(facts, 'vm')?.osType);
  const from = facts.request.source === null ? 'from any source' : `from ${facts.request.source}`;
  const sameRule =
    provisional.rule === null ||
    answer.rule === null ||
    provisional.rule.toLowerCase() === answer.rule.toLowerCase();
  if (answer.access === provisional.access && (answer.access === 'Allow' || sameRule)) {
    return { ...provisional, outcome: 'confirmed', note: `confirmed by ${answer.by}` };
  }
  const said =
    answer.access === 'Allow'
      ? `${answer.by} allows TCP ${port} ${from}`
      : `${answer.by} denies TCP ${port} ${from}${answer.rule ? ` by rule ${answer.rule}` : ''}`;
  return { ...provisional, outcome: 'corrected', note: `corrected: ${said}` };
}
