import { API_VERSIONS } from '../arm/api-versions';
import { acceptedPut } from '../arm/operations';
import { ok, resourceNotFound } from '../arm/respond';
import type { Route, RouteContext } from '../arm/router';
import { liveRules } from '../net/nsg';
import { assertNoConflict, parseSecurityRule } from '../net/rule-input';
import { nsgJson, securityRuleJson } from '../views/network';
import type { NetworkSecurityGroup, SecurityRule } from '../world';
import { lookup } from './lookup';

// Network security groups and their rules. A rule PUT is long-running (Azure-AsyncOperation, then the SDK
// reads the rule back); the rule takes effect when the operation completes.

const NSG_TYPE = 'Microsoft.Network/networkSecurityGroups';
const NSG_PATH = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${NSG_TYPE}/{networkSecurityGroupName}`;
const RULE_PATH = `${NSG_PATH}/securityRules/{securityRuleName}`;

function nsgFrom(ctx: RouteContext): NetworkSecurityGroup {
  return lookup(ctx, ctx.world.nsgs, NSG_TYPE, 'networkSecurityGroupName');
}

function findRule(ctx: RouteContext, nsg: NetworkSecurityGroup, name: string): SecurityRule | undefined {
  return liveRules(nsg, ctx.world.now()).find((rule) => rule.name.toLowerCase() === name.toLowerCase());
}

function putRule(ctx: RouteContext) {
  const nsg = nsgFrom(ctx);
  const existing = findRule(ctx, nsg, ctx.params.securityRuleName);
  const rule = parseSecurityRule(existing?.name ?? ctx.params.securityRuleName, ctx.body);
  assertNoConflict(rule, liveRules(nsg, ctx.world.now()));
  const started = ctx.operations.begin(ctx, {
    provider: 'Microsoft.Network',
    name: 'securityRules/write',
    target: `${nsg.id}/securityRules/${rule.name}`,
    subscriptionId: nsg.subscriptionId,
    location: nsg.location,
    durationMs: ctx.latency.operationMs('networkWrite', `${nsg.id}/${rule.name}`),
    complete: () => {
      nsg.rules = [
        ...nsg.rules.filter((other) => other.name.toLowerCase() !== rule.name.toLowerCase()),
        rule,
      ];
      ctx.world.logWrite(`${NSG_TYPE}/securityRules/write`, `${nsg.id}/securityRules/${rule.name}`, 'PUT');
      return { status: 'Succeeded' };
    },
  });
  return acceptedPut(existing ? 200 : 201, securityRuleJson(nsg.id, rule, 'Updating'), started);
}

export const securityGroupRoutes: Route[] = [
  {
    method: 'GET',
    path: NSG_PATH,
    apiVersions: API_VERSIONS.network,
    handle: (ctx) => ok(nsgJson(ctx.world, nsgFrom(ctx))),
  },
  {
    method: 'GET',
    path: RULE_PATH,
    apiVersions: API_VERSIONS.network,
    handle: (ctx) => {
      const nsg = nsgFrom(ctx);
      const rule = findRule(ctx, nsg, ctx.params.securityRuleName);
      if (!rule) {
        throw resourceNotFound(
          `${NSG_TYPE}/securityRules`,
          `${nsg.name}/${ctx.params.securityRuleName}`,
          nsg.resourceGroup,
        );
      }
      return ok(securityRuleJson(nsg.id, rule));
    },
  },
  {
    method: 'PUT',
    path: RULE_PATH,
    apiVersions: API_VERSIONS.network,
    write: true,
    handle: putRule,
  },
];
