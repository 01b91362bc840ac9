import { API_VERSIONS } from '../arm/api-versions';
import { badRequest, objectBody, ok } from '../arm/respond';
import type { Route, RouteContext } from '../arm/router';
import { liveRules } from '../net/nsg';
import { inboundRule } from '../scenarios/healthy';
import { stableFraction } from '../stable-hash';
import { SANDBOX_CALLER, type JitPolicy, type JitRequest, type SecurityRule, type World } from '../world';
import { lookup, page } from './lookup';

// Defender for Cloud just-in-time access (Microsoft.Security, 2020-01-01). Initiating a request records it
// on the policy and, as Defender does, writes an allow rule for the requested source ahead of the JIT deny
// rule in the VM's NSG; the rule closes at the request's end time.

const JIT_TYPE = 'Microsoft.Security/locations/jitNetworkAccessPolicies';
const POLICY_PATH = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Security/locations/{ascLocation}/jitNetworkAccessPolicies/{jitNetworkAccessPolicyName}`;

function policyJson(policy: JitPolicy) {
  return {
    id: policy.id,
    name: policy.name,
    type: JIT_TYPE,
    kind: 'Basic',
    location: policy.location,
    properties: {
      virtualMachines: policy.virtualMachines,
      requests: policy.requests,
      provisioningState: 'Succeeded',
    },
  };
}

/** ISO 8601 durations as JIT policies state their maximum: PT3H, PT30M, PT1H30M. */
function durationMs(text: string): number {
  const match = /^PT(?:(\d+)H)?(?:(\d+)M)?$/.exec(text);
  return match ? (Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0)) * 60_000 : 0;
}

/** Defender's rule names look like `SecurityCenter-JITRule_<int>_<hex>`; derive one from what it allows. */
function jitRuleName(key: string): string {
  const hash = Math.floor(stableFraction(key) * 2 ** 32);
  return `SecurityCenter-JITRule_${hash | 0}_${hash.toString(16).toUpperCase().padStart(8, '0')}`;
}

function openPort(world: World, vmId: string, port: number, source: string, expiresAt: number): void {
  const vm = world.vms.get(vmId);
  const nic = vm ? world.nicsOf(vm)[0] : undefined;
  const nsg = nic?.nsgId ? world.nsgs.get(nic.nsgId) : undefined;
  if (!nsg) return;
  const taken = new Set(liveRules(nsg, world.now()).map((rule) => rule.priority));
  let priority = 100;
  while (taken.has(priority)) priority += 1;
  const rule: SecurityRule = {
    ...inboundRule({
      name: jitRuleName(`${vmId}|${port}|${source}|${expiresAt}`),
      priority,
      access: 'Allow',
      source,
      port: String(port),
      protocol: '*',
    }),
    description: `MDC JIT Network Access rule for policy 'default' of VM '${vm?.name}'.`,
    expiresAt,
  };
  nsg.rules = [...nsg.rules, rule];
}

interface Grant {
  vmId: string;
  port: number;
  source: string;
  endTime: number;
}

/** What the request asks for, checked against the policy before anything changes. */
function grantsFor(ctx: RouteContext, policy: JitPolicy, body: Record<string, unknown>): Grant[] {
  const now = ctx.world.now();
  const vms = Array.isArray(body.virtualMachines) ? body.virtualMachines.map(objectBody) : [];
  if (vms.length === 0) throw badRequest('BadRequest', 'The request must name at least one virtual machine.');
  return vms.flatMap((vmRequest) => {
    const covered = policy.virtualMachines.find(
      (vm) => vm.id.toLowerCase() === String(vmRequest.id).toLowerCase(),
    );
    if (!covered) {
      throw badRequest(
        'BadRequest',
        `Virtual machine '${String(vmRequest.id)}' is not covered by JIT policy '${policy.name}'.`,
      );
    }
    const ports = Array.isArray(vmRequest.ports) ? vmRequest.ports.map(objectBody) : [];
    return ports.map((portRequest) => {
      const policyPort = covered.ports.find((p) => p.number === portRequest.number);
      if (!policyPort) {
        throw badRequest(
          'BadRequest',
          `Port ${String(portRequest.number)} is not in JIT policy '${policy.name}' for this VM.`,
        );
      }
      const endTime = Date.parse(String(portRequest.endTimeUtc));
      // A minute of grace for the clock difference between the requester and Azure.
      const latest = now + durationMs(policyPort.maxRequestAccessDuration) + 60_000;
      if (!(endTime > now && endTime <= latest)) {
        throw badRequest(
          'BadRequest',
          `endTimeUtc must be in the future and at most ${policyPort.maxRequestAccessDuration} away, the policy's maximum for port ${policyPort.number}.`,
        );
      }
      const source = portRequest.allowedSourceAddressPrefix;
      return {
        vmId: covered.id,
        port: policyPort.number,
        source: typeof source === 'string' ? source : ctx.clientAddress,
        endTime,
      };
    });
  });
}

function initiate(ctx: RouteContext) {
  const type = `Microsoft.Security/locations/${ctx.params.ascLocation}/jitNetworkAccessPolicies`;
  const policy = lookup(ctx, ctx.world.jitPolicies, type, 'jitNetworkAccessPolicyName');
  const body = objectBody(ctx.body);
  const grants = grantsFor(ctx, policy, body);
  const now = ctx.world.now();
  for (const grant of grants) openPort(ctx.world, grant.vmId, grant.port, grant.source, grant.endTime);
  const request: JitRequest = {
    startTimeUtc: new Date(now).toISOString(),
    requestor: SANDBOX_CALLER,
    ...(typeof body.justification === 'string' ? { justification: body.justification } : {}),
    virtualMachines: [...new Set(grants.map((grant) => grant.vmId))].map((id) => ({
      id,
      ports: grants
        .filter((grant) => grant.vmId === id)
        .map((grant) => ({
          number: grant.port,
          allowedSourceAddressPrefix: grant.source,
          endTimeUtc: new Date(grant.endTime).toISOString(),
          status: 'Initiated' as const,
          statusReason: 'UserRequested' as const,
        })),
    })),
  };
  policy.requests = [...policy.requests, request];
  ctx.world.logWrite(
    'Microsoft.Security/locations/jitNetworkAccessPolicies/initiate/action',
    policy.id,
    'POST',
  );
  return ok(request, 202);
}

function listed(ctx: RouteContext, policies: JitPolicy[]) {
  return ok(page(ctx, policies.map(policyJson)));
}

export const jitPolicyRoutes: Route[] = [
  {
    method: 'GET',
    path: '/subscriptions/{subscriptionId}/providers/Microsoft.Security/jitNetworkAccessPolicies',
    apiVersions: API_VERSIONS.jit,
    handle: (ctx) => listed(ctx, ctx.world.jitPolicies.inSubscription(ctx.params.subscriptionId)),
  },
  {
    method: 'GET',
    path: '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Security/jitNetworkAccessPolicies',
    apiVersions: API_VERSIONS.jit,
    handle: (ctx) =>
      listed(
        ctx,
        ctx.world.jitPolicies.inResourceGroup(ctx.params.subscriptionId, ctx.params.resourceGroupName),
      ),
  },
  {
    method: 'GET',
    path: POLICY_PATH,
    apiVersions: API_VERSIONS.jit,
    handle: (ctx) => {
      const type = `Microsoft.Security/locations/${ctx.params.ascLocation}/jitNetworkAccessPolicies`;
      return ok(policyJson(lookup(ctx, ctx.world.jitPolicies, type, 'jitNetworkAccessPolicyName')));
    },
  },
  {
    method: 'POST',
    path: `${POLICY_PATH}/initiate`,
    apiVersions: API_VERSIONS.jit,
    write: true,
    handle: initiate,
  },
];
