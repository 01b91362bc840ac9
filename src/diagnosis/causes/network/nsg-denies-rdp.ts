import type { CauseRule } from '../../cause';
import { factValue, optionalFact, type ActivityEvent, type IpFlowFacts } from '../../facts';
import {
  addressOf,
  decideGroup,
  describeRule,
  dialedPort,
  evaluateNsg,
  findRuleChange,
  isJitRule,
  nsgChanges,
  primaryNic,
  rangeContains,
  resourceGroupOf,
  resourceName,
  ruleShortName,
  vmDestinations,
  whoAndWhen,
  type GroupDecision,
} from '../../net';

/** IP flow verify's answer, when the packet it verified is the one in question. */
function verifiedFlow(
  flow: IpFlowFacts | undefined,
  port: number,
  source: string | null,
): IpFlowFacts | null {
  if (!flow || source === null || flow.localPort !== port || !rangeContains(source, flow.remoteAddress))
    return null;
  return flow;
}

function nsgLabel(decision: GroupDecision): string {
  return `NSG ${resourceName(decision.group.nsgId)} (${decision.group.scope})`;
}

/** Who wrote the deciding rule, or for a default deny, which rules were deleted from its NSG and by whom. */
function changes(events: ActivityEvent[], decision: GroupDecision): string[] {
  const { rule, group } = decision;
  if (!rule) return [];
  const nsg = resourceName(group.nsgId);
  if (!rule.name.startsWith('defaultSecurityRules/')) {
    const change = findRuleChange(events, group.nsgId, rule.name);
    return change
      ? [
          `${describeRule(rule)} was ${change.action === 'write' ? 'written' : 'deleted'} by ${whoAndWhen(change.event)}`,
        ]
      : [];
  }
  const all = nsgChanges(events, group.nsgId);
  const deleted = all.filter((change) => change.action === 'delete' && change.ruleName !== null).slice(0, 3);
  if (deleted.length > 0) {
    return deleted.map(
      (change) => `rule ${change.ruleName} was deleted from NSG ${nsg} by ${whoAndWhen(change.event)}`,
    );
  }
  const rewrite = all.find((change) => change.ruleName === null);
  return rewrite ? [`NSG ${nsg} was rewritten by ${whoAndWhen(rewrite.event)}`] : [];
}

export const nsgDeniesRdp: CauseRule = {
  id: 'nsg-denies-rdp',
  layer: 'network',
  title: 'A network security group denies the RDP port',
  label: 'NSG rules and IP flow',
  guide: 'Layer one: the network path to port 3389',
  severity: 'critical',
  needs: ['effectiveNsg'],
  uses: ['vm', 'ipFlow', 'activityLog'],
  confirm(facts) {
    const vm = optionalFact(facts, 'vm');
    const nic = vm ? primaryNic(vm) : null;
    const source = facts.request.source;
    if (vm && nic?.privateIp && source !== null) {
      return (
        `az network watcher test-ip-flow --resource-group ${vm.resourceGroup} --vm ${vm.name} --direction Inbound ` +
        `--protocol Tcp --local ${nic.privateIp}:${dialedPort(vm.osType)} --remote ${addressOf(source)}:60000`
      );
    }
    const resourceGroup = (nic && resourceGroupOf(nic.id)) ?? vm?.resourceGroup ?? '<resource-group>';
    return `az network nic list-effective-nsg --resource-group ${resourceGroup} --name ${nic?.name ?? '<nic>'} --output json`;
  },
  clean: 'The effective NSG rules on the subnet and the NIC allow the RDP port from the source.',
  detect(facts) {
    const { groups } = factValue(facts, 'effectiveNsg');
    const vm = optionalFact(facts, 'vm');
    const port = dialedPort(vm?.osType);
    const source = facts.request.source;
    const flow = verifiedFlow(optionalFact(facts, 'ipFlow'), port, source);
    const flowDenies = flow?.access === 'Deny';
    const destinations = vmDestinations(vm);
    const decision = evaluateNsg(groups, port, source, destinations);
    // A JIT rule holding the port shut is jit-access-not-requested, not a broken NSG.
    if (flowDenies && flow.ruleName && isJitRule(flow.ruleName)) return null;
    if (decision.deciding?.rule && isJitRule(decision.deciding.rule.name)) return null;
    if (!flowDenies && !decision.deciding) return null;

    const from = source === null ? 'from any source' : `from ${source}`;
    const target = vm?.name ?? 'the VM';
    const flowRule = flow?.ruleName ? ruleShortName(flow.ruleName) : null;
    // When only IP flow verify denies, name the rule it names, found in whichever NSG holds it.
    const deciding: GroupDecision | undefined =
      decision.deciding ??
      groups
        .map((group) => ({ group, rule: group.rules.find((rule) => ruleShortName(rule.name) === flowRule) }))
        .flatMap(({ group, rule }) => (rule ? [{ group, access: 'Deny' as const, rule }] : []))[0];

    const evidence: string[] = [];
    let summary = `IP flow verify denies TCP ${port} ${from} to ${target}${flowRule ? ` (rule ${flowRule})` : ''}.`;
    if (deciding?.rule) {
      const rule = deciding.rule;
      const written = rule.sourcePrefixesAsWritten.join(', ');
      if (rule.name.startsWith('defaultSecurityRules/')) {
        summary = `No rule in ${nsgLabel(deciding)} allows TCP ${port} ${from} to ${target}, so its ${describeRule(rule)} denies it.`;
        evidence.push(
          `no allow rule in ${nsgLabel(deciding)} matches TCP ${port} ${from}; ${describeRule(rule)} decides`,
        );
      } else {
        summary = `${nsgLabel(deciding)} denies TCP ${port} ${from} to ${target}: ${describeRule(rule)} decides.`;
        evidence.push(`${describeRule(rule)} in ${nsgLabel(deciding)} denies TCP ${port} from ${written}`);
        const shadowed = decideGroup(
          { ...deciding.group, rules: deciding.group.rules.filter((r) => r !== rule) },
          port,
          source,
          destinations,
        );
        if (shadowed.access === 'Allow' && shadowed.rule && shadowed.rule.priority > rule.priority) {
          evidence.push(`${describeRule(shadowed.rule)} comes after it and never takes effect`);
        }
      }
    }
    for (const other of decision.groups) {
      if (other.group === deciding?.group) continue;
      const by = other.rule ? ` by ${describeRule(other.rule)}` : '';
      if (other.access === 'Deny') evidence.push(`${nsgLabel(other)} denies it too${by}`);
      else if (decision.deciding)
        evidence.push(`${nsgLabel(other)} allows it${by}, but both NSGs must allow`);
      else evidence.push(`the effective rules of ${nsgLabel(other)} allow it${by}`);
    }
    if (flow) {
      evidence.push(
        `IP flow verify: ${flow.access} for TCP ${flow.remoteAddress} → ${flow.localAddress}:${flow.localPort}` +
          (flow.ruleName ? ` by ${flow.ruleName}` : ''),
      );
    }
    if (deciding) evidence.push(...changes(optionalFact(facts, 'activityLog')?.events ?? [], deciding));

    return {
      summary,
      evidence,
      fixes: ['nsg-allow-rdp-from-source'],
      advice: `Allow TCP ${port} only from your own address or range, ahead of the deny; never from *, Internet or 0.0.0.0/0.`,
    };
  },
};
