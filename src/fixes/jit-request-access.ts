import type { JitNetworkAccessPolicyInitiateRequest } from '@azure/arm-security';
import { callAzure } from '../azure/errors';
import { parseResourceId } from '../azure/resource-id';
import type { Facts, JitFacts } from '../diagnosis/facts';
import { dialedPort, rangeContains } from '../diagnosis/net';
import { correlated } from './arm';
import { DEFAULT_FIX_POLICY, FixRefusal, type FixDefinition } from './fix';
import { describeMinutes, isoDurationMinutes } from './iso-duration';
import { checkRdpSource } from './nsg-guard';
import { numberParam, textParam } from './params';
import { vmOf } from './target';

// The guide's fix for a port JIT holds shut: request time-boxed access for the requester's address, and
// keep the policy. The request lasts no longer than the policy allows for the port.

const DEFAULT_MINUTES = 60;

type Policy = NonNullable<JitFacts['policy']>;
type PolicyPort = Policy['ports'][number];

interface Covered {
  policy: Policy;
  port: PolicyPort;
  maxMinutes: number;
}

/** The JIT policy and its entry for the dialed port, with the longest request it allows. */
function coveredPort(facts: Facts): Covered {
  const vm = vmOf(facts);
  if (facts.jit.status !== 'ok') {
    throw new FixRefusal(
      `The JIT policies could not be read during the diagnosis (${facts.jit.reason}): diagnose again.`,
    );
  }
  const policy = facts.jit.value.policy;
  if (!policy) throw new FixRefusal(`No JIT policy covers ${vm.name}, so there is no access to request.`);
  const number = dialedPort(vm.osType);
  const port = policy.ports.find((p) => p.number === number);
  if (!port) throw new FixRefusal(`JIT policy ${policy.name} does not cover TCP ${number} on ${vm.name}.`);
  const maxMinutes = isoDurationMinutes(port.maxRequestAccessDuration);
  if (maxMinutes === null || maxMinutes < 1) {
    throw new FixRefusal(
      `JIT policy ${policy.name} states its longest request for TCP ${number} as "${port.maxRequestAccessDuration}", ` +
        'which is not an ISO 8601 duration: request access in the portal.',
    );
  }
  return { policy, port, maxMinutes };
}

function checkSource(text: string, covered: Covered, maxPrefix: number): string {
  const check = checkRdpSource(text, maxPrefix);
  if (!check.ok) throw new FixRefusal(check.reason);
  const allowed = covered.port.allowedSourceAddressPrefixes;
  if (allowed.length > 0 && !allowed.some((prefix) => rangeContains(prefix, check.source))) {
    throw new FixRefusal(
      `JIT policy ${covered.policy.name} grants TCP ${covered.port.number} only to ${allowed.join(', ')}: ` +
        `${check.source} is outside, so type an address inside those ranges.`,
    );
  }
  return check.source;
}

function checkMinutes(text: string | number, covered: Covered): number {
  const value = String(text).trim();
  const minutes = Number(value);
  const most = `at most ${describeMinutes(covered.maxMinutes)} (${covered.port.maxRequestAccessDuration})`;
  if (!/^\d+$/.test(value) || minutes < 1) {
    throw new FixRefusal(
      `"${value}" is not a number of minutes: type a whole number from 1 to ${covered.maxMinutes}.`,
    );
  }
  if (minutes > covered.maxMinutes) {
    throw new FixRefusal(
      `JIT policy ${covered.policy.name} allows ${most} on TCP ${covered.port.number}: type ${covered.maxMinutes} minutes or fewer.`,
    );
  }
  return minutes;
}

/** The policy's limit for the modal's hint, or null when the facts do not state a readable one. */
function safeMaxMinutes(facts: Facts): number | null {
  try {
    return coveredPort(facts).maxMinutes;
  } catch (err) {
    if (err instanceof FixRefusal) return null;
    throw err;
  }
}

export const jitRequestAccess: FixDefinition = {
  id: 'jit-request-access',
  title: 'Request JIT access',
  causes: ['jit-access-not-requested'],
  inputs({ facts }) {
    const maxMinutes = safeMaxMinutes(facts);
    return [
      {
        name: 'source',
        label: 'Your address',
        hint: 'The public address you connect from (e.g. 203.0.113.10): JIT opens the port for it alone.',
        ...(facts.request.source ? { initial: facts.request.source } : {}),
      },
      {
        name: 'durationMinutes',
        label: 'Minutes',
        hint:
          maxMinutes === null
            ? 'How long the port stays open.'
            : `How long the port stays open: at most ${maxMinutes} minutes, the policy's limit.`,
        initial: String(Math.min(DEFAULT_MINUTES, maxMinutes ?? DEFAULT_MINUTES)),
      },
    ];
  },
  plan({ facts, input, policy }) {
    const covered = coveredPort(facts);
    const source = checkSource(input.source ?? '', covered, policy.nsgMaxPrefix);
    const typed = (input.durationMinutes ?? '').trim();
    const minutes = checkMinutes(
      typed === '' ? Math.min(DEFAULT_MINUTES, covered.maxMinutes) : typed,
      covered,
    );
    const vm = vmOf(facts);
    return {
      params: {
        policyId: covered.policy.id,
        policyName: covered.policy.name,
        port: covered.port.number,
        source,
        durationMinutes: minutes,
      },
      description:
        `Request Just-In-Time access to TCP ${covered.port.number} on ${vm.name} from ${source} for ` +
        `${describeMinutes(minutes)} under JIT policy ${covered.policy.name}.`,
    };
  },
  async execute(ctx) {
    const policyId = textParam(ctx.params, 'policyId');
    const policyName = textParam(ctx.params, 'policyName');
    const port = numberParam(ctx.params, 'port');
    const minutes = numberParam(ctx.params, 'durationMinutes');
    const maxPrefix = (ctx.policy ?? DEFAULT_FIX_POLICY).nsgMaxPrefix;
    const check = checkRdpSource(textParam(ctx.params, 'source'), maxPrefix);
    if (!check.ok) throw new FixRefusal(check.reason);
    // The policy may have been tightened since the proposal: the fresh one bounds the request.
    if (ctx.facts.jit.status === 'ok' && ctx.facts.jit.value.policy) {
      const covered = coveredPort(ctx.facts);
      checkSource(check.source, covered, maxPrefix);
      checkMinutes(minutes, covered);
    }
    // A policy id reads `…/resourceGroups/{rg}/providers/Microsoft.Security/locations/{ascLocation}/jitNetworkAccessPolicies/{name}`.
    const id = parseResourceId(policyId);
    const resourceGroup = id?.resourceGroup ?? ctx.vm.resourceGroup;
    const ascLocation = id?.type.toLowerCase() === 'microsoft.security/locations' ? id.name : ctx.vm.location;
    const endTimeUtc = new Date(Date.parse(ctx.facts.now) + minutes * 60_000);
    const body: JitNetworkAccessPolicyInitiateRequest = {
      virtualMachines: [
        { id: ctx.vm.id, ports: [{ number: port, endTimeUtc, allowedSourceAddressPrefix: check.source }] },
      ],
      justification:
        `rdp-doctor proposal ${ctx.proposalId}: RDP for ${ctx.proposer} from ${check.source}` +
        (ctx.approvers.length > 0 ? `, approved by ${ctx.approvers.join(', ')}` : ''),
    };
    const call = correlated(ctx.signal);
    await callAzure(
      'Defender for Cloud JIT',
      () =>
        ctx.sub.security.jitNetworkAccessPolicies.initiate(
          resourceGroup,
          ascLocation,
          policyName,
          body,
          call.options,
        ),
      {
        403: "the identity rdp-doctor runs as may not request JIT access; assign it the rdp-doctor-fix role on the VM's resource group",
      },
    );
    return {
      summary:
        `JIT opened TCP ${port} on ${ctx.vm.name} for ${check.source} until ` +
        `${endTimeUtc.toISOString().slice(11, 16)} UTC (${describeMinutes(minutes)}).`,
      correlationId: call.correlationId(),
    };
  },
};
