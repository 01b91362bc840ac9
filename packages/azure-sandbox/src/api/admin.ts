import { badRequest, ok, resourceNotFound } from '../arm/respond';
import type { Route, RouteContext } from '../arm/router';
import { liveRules } from '../net/nsg';
import { assertNoConflict, parseSecurityRule } from '../net/rule-input';
import { securityRuleJson } from '../views/network';
import type { NetworkSecurityGroup, World } from '../world';

// The sandbox's admin API (docs/sandbox.md "Admin API"): changes made as somebody else, the way a
// colleague's edit in the portal lands, so the activity log names them as the caller. Not an Azure API;
// it takes the same bearer token as the rest of the sandbox.

const RULE_TYPE = 'Microsoft.Network/networkSecurityGroups/securityRules';
const CALLER = /^[^\s@]{1,64}@[^\s@]{1,190}$/;

export interface AdminChange {
  /** Who the activity log names, e.g. `alice@contoso.com`. */
  caller: string;
  nsgId: string;
}

function text(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value.trim() === '') {
    throw badRequest('InvalidAdminChange', `The admin change needs "${field}" as a non-empty string.`);
  }
  return value.trim();
}

function changeOf(ctx: RouteContext): {
  body: Record<string, unknown>;
  caller: string;
  nsg: NetworkSecurityGroup;
} {
  const body = (ctx.body ?? {}) as Record<string, unknown>;
  const caller = text(body, 'caller');
  if (!CALLER.test(caller)) {
    throw badRequest('InvalidAdminChange', `"caller" must be a sign-in name such as alice@contoso.com.`);
  }
  const nsgId = text(body, 'nsgId');
  const nsg = ctx.world.nsgs.get(nsgId);
  if (!nsg) throw resourceNotFound('Microsoft.Network/networkSecurityGroups', nsgId, '');
  return { body, caller, nsg };
}

/** Writes (creates or replaces) a rule at once and logs it under `caller`. */
export function putRuleAs(
  world: World,
  nsg: NetworkSecurityGroup,
  caller: string,
  name: string,
  body: unknown,
) {
  const rule = parseSecurityRule(name, body);
  const others = nsg.rules.filter((other) => other.name.toLowerCase() !== rule.name.toLowerCase());
  assertNoConflict(rule, liveRules({ ...nsg, rules: others }, world.now()));
  nsg.rules = [...others, rule];
  world.logActivity({
    time: world.now(),
    caller,
    operationName: `${RULE_TYPE}/write`,
    resourceId: `${nsg.id}/securityRules/${rule.name}`,
    status: 'Succeeded',
    httpMethod: 'PUT',
  });
  return rule;
}

/** Deletes a rule at once and logs it under `caller`; false when there was none. */
export function deleteRuleAs(world: World, nsg: NetworkSecurityGroup, caller: string, name: string): boolean {
  const kept = nsg.rules.filter((rule) => rule.name.toLowerCase() !== name.toLowerCase());
  if (kept.length === nsg.rules.length) return false;
  nsg.rules = kept;
  world.logActivity({
    time: world.now(),
    caller,
    operationName: `${RULE_TYPE}/delete`,
    resourceId: `${nsg.id}/securityRules/${name}`,
    status: 'Succeeded',
    httpMethod: 'DELETE',
  });
  return true;
}

export const adminRoutes: Route[] = [
  {
    // {"caller":"alice@contoso.com","nsgId":"/subscriptions/…/networkSecurityGroups/web-nsg",
    //  "name":"Deny-RDP-Hardening","rule":{"properties":{…the ARM rule properties…}}}
    method: 'POST',
    path: '/admin/security-rules',
    apiVersions: null,
    write: true,
    handle: (ctx) => {
      const { body, caller, nsg } = changeOf(ctx);
      const rule = putRuleAs(ctx.world, nsg, caller, text(body, 'name'), body.rule);
      return ok(securityRuleJson(nsg.id, rule), 201);
    },
  },
  {
    // {"caller":"alice@contoso.com","nsgId":"…","name":"Deny-RDP-Hardening"}
    method: 'POST',
    path: '/admin/security-rules/delete',
    apiVersions: null,
    write: true,
    handle: (ctx) => {
      const { body, caller, nsg } = changeOf(ctx);
      const name = text(body, 'name');
      if (!deleteRuleAs(ctx.world, nsg, caller, name)) {
        throw resourceNotFound(RULE_TYPE, `${nsg.name}/${name}`, nsg.resourceGroup);
      }
      return ok({ deleted: `${nsg.id}/securityRules/${name}` });
    },
  },
];
