import type { SecurityRule } from '@azure/arm-network';
import { callAzure } from '../azure/errors';
import { parseResourceId, sameResourceId } from '../azure/resource-id';
import { optionalFact, type EffectiveNsgGroup, type VmFacts } from '../diagnosis/facts';
import {
  decideGroup,
  dialedPort,
  isJitRule,
  primaryNic,
  resourceName,
  ruleShortName,
  vmDestinations,
} from '../diagnosis/net';
import { correlated } from './arm';
import {
  DEFAULT_FIX_POLICY,
  FixFailure,
  FixRefusal,
  type ExecutionContext,
  type FixDefinition,
  type FixPlan,
} from './fix';
import { checkRdpSource } from './nsg-guard';
import {
  allowRuleDescription,
  allowRuleName,
  describeAllows,
  planAllows,
  priorityAhead,
  type AllowRequest,
  type PlannedAllow,
} from './nsg-plan';
import { numberParam, textParam } from './params';
import { vmOf } from './target';

// The guide's scoped allow: TCP 3389 from the requester's address or range only, in every NSG on the path
// that denies it, at a priority ahead of the deny. Never `*`, Internet or 0.0.0.0/0 (nsg-guard.ts).

const SCOPES = ['subnet', 'nic'] as const;

/** The VM's private address as the rule's destination, so the allow covers this machine only. */
function destinationFor(vm: VmFacts, family: 'ipv4' | 'ipv6'): string {
  const ip = primaryNic(vm)?.privateIp;
  // One rule cannot mix address families: an IPv6 source keeps the destination open on the NSG's side.
  return ip && family === 'ipv4' && !ip.includes(':') ? ip : '*';
}

function paramsFor(planned: PlannedAllow[]): FixPlan['params'] {
  const params: FixPlan['params'] = {};
  for (const allow of planned) {
    params[`${allow.scope}NsgId`] = allow.nsgId;
    params[`${allow.scope}Priority`] = allow.priority;
    params[`${allow.scope}DenyRule`] = ruleShortName(allow.deny.name);
  }
  return params;
}

interface Target {
  nsgId: string;
  priority: number;
  denyRule: string;
}

function targetsOf(params: FixPlan['params']): Target[] {
  return SCOPES.filter((scope) => params[`${scope}NsgId`] !== undefined).map((scope) => ({
    nsgId: textParam(params, `${scope}NsgId`),
    priority: numberParam(params, `${scope}Priority`),
    denyRule: textParam(params, `${scope}DenyRule`),
  }));
}

/** The stored request, its source guarded again: stored parameters are data, not trust. */
function requestOf(ctx: ExecutionContext): AllowRequest {
  const check = checkRdpSource(
    textParam(ctx.params, 'source'),
    (ctx.policy ?? DEFAULT_FIX_POLICY).nsgMaxPrefix,
  );
  if (!check.ok) throw new FixRefusal(check.reason);
  return {
    source: check.source,
    port: numberParam(ctx.params, 'port'),
    ruleName: textParam(ctx.params, 'ruleName'),
    destinations: vmDestinations(optionalFact(ctx.facts, 'vm')),
  };
}

/**
 * The priority to write now: re-planned on the fresh effective rules when they were gathered (a priority
 * may have been taken since the proposal), null when this NSG no longer denies the packet.
 */
function currentPriority(
  target: Target,
  groups: EffectiveNsgGroup[] | null,
  request: AllowRequest,
): Target | null {
  const group = groups?.find((g) => sameResourceId(g.nsgId, target.nsgId));
  if (!group) return target;
  const decision = decideGroup(group, request.port, request.source, request.destinations);
  if (decision.access === 'Allow' || !decision.rule) return null;
  if (isJitRule(decision.rule.name)) {
    throw new FixFailure(
      `Just-In-Time rule ${ruleShortName(decision.rule.name)} now holds TCP ${request.port} shut in NSG ` +
        `${resourceName(group.nsgId)}: request JIT access instead.`,
    );
  }
  return {
    nsgId: target.nsgId,
    priority: priorityAhead(group, decision.rule, request),
    denyRule: ruleShortName(decision.rule.name),
  };
}

export const nsgAllowRdpFromSource: FixDefinition = {
  id: 'nsg-allow-rdp-from-source',
  title: 'Allow RDP from your address',
  causes: ['nsg-denies-rdp'],
  inputs: ({ facts, policy }) => [
    {
      name: 'source',
      label: 'Your address or range',
      hint:
        `The public address you connect from (e.g. 203.0.113.10) or your office range, no wider than /${policy.nsgMaxPrefix}. ` +
        'Never * or Internet.',
      ...(facts.request.source ? { initial: facts.request.source } : {}),
    },
  ],
  plan({ facts, input, policy }) {
    const check = checkRdpSource(input.source ?? '', policy.nsgMaxPrefix);
    if (!check.ok) throw new FixRefusal(check.reason);
    const vm = vmOf(facts);
    if (facts.effectiveNsg.status !== 'ok') {
      throw new FixRefusal(
        `The effective NSG rules could not be read during the diagnosis (${facts.effectiveNsg.reason}): diagnose again.`,
      );
    }
    const port = dialedPort(vm.osType);
    const request: AllowRequest = {
      source: check.source,
      port,
      ruleName: allowRuleName(check.source, port),
      destinations: vmDestinations(vm),
    };
    const planned = planAllows(facts.effectiveNsg.value.groups, request);
    const destination = destinationFor(vm, check.family);
    return {
      params: {
        source: request.source,
        port,
        ruleName: request.ruleName,
        destination,
        ...paramsFor(planned),
      },
      description: describeAllows(planned, request, destination),
    };
  },
  async execute(ctx) {
    const request = requestOf(ctx);
    const destination = textParam(ctx.params, 'destination');
    const fresh = ctx.facts.effectiveNsg.status === 'ok' ? ctx.facts.effectiveNsg.value.groups : null;
    const written: { nsg: string; priority: number; correlationId: string | null }[] = [];
    const open: string[] = [];
    for (const approved of targetsOf(ctx.params)) {
      const target = currentPriority(approved, fresh, request);
      if (!target) {
        open.push(resourceName(approved.nsgId));
        continue;
      }
      const id = parseResourceId(target.nsgId);
      if (!id)
        throw new FixFailure(
          `The stored NSG id "${target.nsgId}" is not an ARM resource id: propose the fix again.`,
        );
      const rule: SecurityRule = {
        protocol: 'Tcp',
        sourceAddressPrefix: request.source,
        sourcePortRange: '*',
        destinationAddressPrefix: destination,
        destinationPortRange: String(request.port),
        access: 'Allow',
        direction: 'Inbound',
        priority: target.priority,
        description: allowRuleDescription({
          source: request.source,
          proposer: ctx.proposer,
          approvers: ctx.approvers,
          deny: target.denyRule,
          proposalId: ctx.proposalId,
        }),
      };
      const call = correlated(ctx.signal);
      await callAzure(
        'Network',
        () =>
          ctx.sub.network.securityRules.beginCreateOrUpdateAndWait(
            id.resourceGroup,
            id.name,
            request.ruleName,
            rule,
            call.options,
          ),
        {
          403: "the identity rdp-doctor runs as may not write NSG rules; assign it the rdp-doctor-fix role on the NSG's resource group",
          SecurityRuleConflict: `another rule in NSG ${id.name} took priority ${target.priority} meanwhile; diagnose again and propose the fix again`,
        },
      );
      written.push({ nsg: id.name, priority: target.priority, correlationId: call.correlationId() });
    }
    const openNsgs = open.map((nsg) => `NSG ${nsg}`).join(' and ');
    if (written.length === 0) {
      return {
        summary: `No rule was needed: ${openNsgs} no longer ${open.length === 1 ? 'denies' : 'deny'} TCP ${request.port} from ${request.source}.`,
        correlationId: null,
      };
    }
    const left = open.length > 0 ? `; ${openNsgs} no longer denied it` : '';
    const where = written.map((w) => `NSG ${w.nsg} (priority ${w.priority})`).join(' and ');
    const ids = written.flatMap((w) => (w.correlationId ? [w.correlationId] : []));
    return {
      summary: `Added inbound rule ${request.ruleName} allowing TCP ${request.port} from ${request.source} in ${where}${left}.`,
      correlationId: ids.length > 0 ? ids.join(', ') : null,
    };
  },
};
