import type { EffectiveNsgGroup, EffectiveRule } from '../diagnosis/facts';
import {
  decideGroup,
  describeRule,
  isJitRule,
  resourceName,
  ruleShortName,
  type Destinations,
} from '../diagnosis/net';
import { FixRefusal } from './fix';

// Where an inbound allow goes: into every NSG on the path that denies the packet, at the highest free
// priority ahead of the deciding deny, so it overtakes that deny and nothing else. Pure, like the rules.

/** ARM accepts NSG rule priorities from 100 (first) to 4096; the default rules sit at 65000 and above. */
export const NSG_FIRST_PRIORITY = 100;
export const NSG_LAST_PRIORITY = 4096;
/** ARM's limit on a security rule's description. */
export const NSG_DESCRIPTION_MAX = 140;

export interface AllowRequest {
  /** A source that passed checkRdpSource. */
  source: string;
  port: number;
  ruleName: string;
  /** The VM's private addresses: rules aimed at other machines neither block nor admit it. */
  destinations: Destinations;
}

export interface PlannedAllow {
  nsgId: string;
  scope: EffectiveNsgGroup['scope'];
  priority: number;
  /** The rule the allow goes ahead of. */
  deny: EffectiveRule;
}

/**
 * `Allow-RDP-203.0.113.10-32-rdpdoctor`: what it allows and who wrote it, within ARM's naming rules
 * (at most 80 letters, digits, `_`, `.` and `-`, starting with a letter or digit and ending with one or `_`).
 */
export function allowRuleName(source: string, port: number): string {
  const range = source.includes('/') ? source : `${source}/${source.includes(':') ? 128 : 32}`;
  return `Allow-${port === 22 ? 'SSH' : 'RDP'}-${range.replace(/[/:]/g, '-')}-rdpdoctor`;
}

function refuseAhead(group: EffectiveNsgGroup, deny: EffectiveRule, request: AllowRequest): never {
  const nsg = resourceName(group.nsgId);
  const rule = ruleShortName(deny.name);
  if (deny.priority <= NSG_FIRST_PRIORITY) {
    throw new FixRefusal(
      `Rule ${rule} in NSG ${nsg} denies TCP ${request.port} from ${request.source} at priority ${deny.priority}, ` +
        `the highest an NSG rule can have, so no allow rule can go ahead of it: narrow rule ${rule} so it no longer covers ` +
        `${request.source}, or remove it, then diagnose again.`,
    );
  }
  throw new FixRefusal(
    `Every priority from ${NSG_FIRST_PRIORITY} to ${Math.min(deny.priority - 1, NSG_LAST_PRIORITY)} in NSG ${nsg} is taken, ` +
      `so no allow rule fits ahead of rule ${rule} (priority ${deny.priority}): narrow or remove rule ${rule}, ` +
      'or free a priority ahead of it, then diagnose again.',
  );
}

/**
 * The highest free inbound priority ahead of `deny`: the allow then overtakes the deny and no other rule.
 * A rule of our own name does not count as taken, since writing it again moves it.
 */
export function priorityAhead(group: EffectiveNsgGroup, deny: EffectiveRule, request: AllowRequest): number {
  const ours = request.ruleName.toLowerCase();
  const taken = new Set(
    group.rules
      .filter((rule) => rule.direction === 'Inbound' && ruleShortName(rule.name).toLowerCase() !== ours)
      .map((rule) => rule.priority),
  );
  for (
    let priority = Math.min(deny.priority - 1, NSG_LAST_PRIORITY);
    priority >= NSG_FIRST_PRIORITY;
    priority--
  ) {
    if (!taken.has(priority)) return priority;
  }
  return refuseAhead(group, deny, request);
}

// Inbound traffic meets the subnet's NSG before the NIC's.
const SCOPE_ORDER: Record<EffectiveNsgGroup['scope'], number> = { subnet: 0, nic: 1 };

/** The allow the group needs for the request, or null when it lets the packet through (or JIT holds it). */
export function allowFor(group: EffectiveNsgGroup, request: AllowRequest): PlannedAllow | null {
  const decision = decideGroup(group, request.port, request.source, request.destinations);
  if (decision.access === 'Allow' || !decision.rule || isJitRule(decision.rule.name)) return null;
  return {
    nsgId: group.nsgId,
    scope: group.scope,
    priority: priorityAhead(group, decision.rule, request),
    deny: decision.rule,
  };
}

/**
 * One allow per NSG (subnet and/or NIC) whose decision for the packet is a deny. Refuses when there is
 * nothing to allow, when only Just-In-Time holds the port shut, or when no priority fits ahead of a deny.
 */
export function planAllows(groups: EffectiveNsgGroup[], request: AllowRequest): PlannedAllow[] {
  const ordered = [...groups].sort((a, b) => SCOPE_ORDER[a.scope] - SCOPE_ORDER[b.scope]);
  const seen = new Set<string>();
  const planned: PlannedAllow[] = [];
  for (const group of ordered) {
    // One NSG can sit on both the subnet and the NIC: one rule serves both.
    const key = group.nsgId.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    const allow = allowFor(group, request);
    if (allow) planned.push(allow);
  }
  if (planned.length > 0) return planned;
  const jit = ordered
    .map((group) => ({
      group,
      decision: decideGroup(group, request.port, request.source, request.destinations),
    }))
    .find(({ decision }) => decision.access === 'Deny' && decision.rule && isJitRule(decision.rule.name));
  if (jit?.decision.rule) {
    throw new FixRefusal(
      `Just-In-Time rule ${ruleShortName(jit.decision.rule.name)} in NSG ${resourceName(jit.group.nsgId)} holds TCP ` +
        `${request.port} shut on purpose: request JIT access for ${request.source} instead of adding an allow rule.`,
    );
  }
  throw new FixRefusal(
    `The NSGs on the path already allow TCP ${request.port} from ${request.source}, so there is no rule to add: ` +
      'diagnose again from that address if RDP still fails.',
  );
}

/** One sentence for the proposal: the rule, and where it goes ahead of what. */
export function describeAllows(planned: PlannedAllow[], request: AllowRequest, destination: string): string {
  const to = destination === '*' ? 'any address on the path' : destination;
  const where = planned
    .map(
      (p) =>
        `in NSG ${resourceName(p.nsgId)} at priority ${p.priority}, ahead of its ${describeRule(p.deny)}`,
    )
    .join(' and ');
  return `Add inbound rule ${request.ruleName} allowing TCP ${request.port} from ${request.source} to ${to} ${where}.`;
}

/** The rule's own description (ARM keeps at most 140 characters): who asked, who approved, why, which proposal. */
export function allowRuleDescription(details: {
  source: string;
  proposer: string;
  approvers: string[];
  deny: string;
  proposalId: string;
}): string {
  const tail = `; rdp-doctor ${details.proposalId}`;
  const approved = details.approvers.length > 0 ? `, approved by ${details.approvers.join(', ')}` : '';
  const head = `RDP from ${details.source} for ${details.proposer}${approved}; ${details.deny} denied it`;
  const room = Math.max(0, NSG_DESCRIPTION_MAX - tail.length);
  const fitted = head.length > room ? `${head.slice(0, Math.max(0, room - 3))}...` : head;
  return `${fitted}${tail}`.slice(0, NSG_DESCRIPTION_MAX);
}
