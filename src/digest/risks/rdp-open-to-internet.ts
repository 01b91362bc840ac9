import { describeRule, dialedPort, evaluateNsgForInternet, resourceName } from '../../diagnosis/net';
import { describePublicIp, machineDestinations } from '../exposure';
import type { RiskRule } from '../risk';

export const rdpOpenToInternet: RiskRule = {
  id: 'rdp-open-to-internet',
  title: 'RDP open to the whole internet',
  guide: 'How to prevent the next RDP outage',
  severity: 'critical',
  detect(machine) {
    if (machine.nsgs.length === 0) return null;
    const port = dialedPort(machine.osType);
    const decision = evaluateNsgForInternet([...machine.nsgs], port, machineDestinations(machine));
    const opening = decision.groups.flatMap((group) => (group.rule ? [{ ...group, rule: group.rule }] : []));
    if (decision.access !== 'Allow' || opening.length === 0) return null;
    const evidence = opening.map(
      ({ group, rule }) =>
        `${describeRule(rule)} in NSG ${resourceName(group.nsgId)} (${group.scope}) allows TCP ${port} ` +
        `from ${rule.sourcePrefixesAsWritten.join(', ')}`,
    );
    evidence.push(
      machine.publicIp
        ? `reachable at ${describePublicIp(machine.publicIp)}`
        : 'no public IP today: the rule opens the port the moment one is attached',
    );
    return {
      evidence,
      advice:
        'Reach the machine through Azure Bastion and remove the rule, or scope its source to your own ranges ' +
        'and name the rule for its purpose so a cleanup does not delete it blindly.',
    };
  },
};
