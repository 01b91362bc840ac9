import type { EffectiveNsgGroup, EffectiveRule } from '../../diagnosis/facts';
import {
  describeRule,
  dialedPort,
  isJitRule,
  portRangeIncludes,
  rangeContains,
  resourceName,
  ruleAimsAt,
  type Destinations,
} from '../../diagnosis/net';
import { machineDestinations } from '../exposure';
import type { RiskRule } from '../risk';

function takesPort(rule: EffectiveRule, port: number, destinations: Destinations): boolean {
  return (
    rule.direction === 'Inbound' &&
    ['tcp', 'all', '*'].includes(rule.protocol.toLowerCase()) &&
    rule.destinationPortRanges.some((range) => portRangeIncludes(range, port)) &&
    ruleAimsAt(rule, destinations)
  );
}

/** Each custom allow of the port to this machine whose every source a deny ahead of it already takes, with that deny. */
function shadowedAllows(
  group: EffectiveNsgGroup,
  port: number,
  destinations: Destinations,
): { allow: EffectiveRule; deny: EffectiveRule }[] {
  const rules = group.rules
    .filter((rule) => takesPort(rule, port, destinations))
    .sort((a, b) => a.priority - b.priority);
  const shadowed: { allow: EffectiveRule; deny: EffectiveRule }[] = [];
  rules.forEach((rule, position) => {
    if (rule.access !== 'Allow' || rule.name.startsWith('defaultSecurityRules/')) return;
    // Defender's JIT deny is meant to hold the port shut until someone requests access.
    const denies = rules
      .slice(0, position)
      .filter((ahead) => ahead.access === 'Deny' && !isJitRule(ahead.name));
    const deny = denies.find((candidate) =>
      rule.sourcePrefixes.every((source) =>
        candidate.sourcePrefixes.some((prefix) => rangeContains(prefix, source)),
      ),
    );
    if (deny) shadowed.push({ allow: rule, deny });
  });
  return shadowed;
}

export const nsgRuleShadowsRdpAllow: RiskRule = {
  id: 'nsg-rule-shadows-rdp-allow',
  title: 'An NSG deny shadows the RDP allow',
  guide: 'Layer one: the network path to port 3389',
  severity: 'critical',
  detect(machine) {
    const port = dialedPort(machine.osType);
    const evidence = machine.nsgs.flatMap((group) =>
      shadowedAllows(group, port, machineDestinations(machine)).map(
        ({ allow, deny }) =>
          `${describeRule(allow)} in NSG ${resourceName(group.nsgId)} (${group.scope}) never applies: ` +
          `${describeRule(deny)} takes TCP ${port} from ${allow.sourcePrefixesAsWritten.join(', ')} first`,
      ),
    );
    if (evidence.length === 0) return null;
    return {
      evidence,
      advice:
        'Give the allow a lower priority number than the deny, or remove the deny if nobody meant it; ' +
        "the machine's diagnosis offers a scoped allow for your address ahead of it.",
    };
  },
};
