import type { JitNetworkAccessPolicy } from '@azure/arm-security';
import type { JitFacts } from '../../diagnosis/facts';
import { callAzure } from '../errors';
import type { Gatherer } from '../gatherer';
import { sameResourceId } from '../resource-id';
import { SECOND } from './common';

// Defender for Cloud just-in-time access: the policy that holds the VM's ports shut, and the requests
// that opened them. Policies live per resource group and region; the VM's own resource group holds its.

function prefixes(many: string[] | undefined, one: string | undefined): string[] {
  if (many && many.length > 0) return many;
  return one ? [one] : [];
}

function iso(time: Date | string): string {
  return new Date(time).toISOString();
}

/** The policy (of those listed) that names this VM, with its ports and this VM's requests; null policy when none does. */
export function jitFactsOf(vmId: string, policies: JitNetworkAccessPolicy[]): JitFacts {
  for (const policy of policies) {
    // ARM may omit lists the SDK types call required.
    const entry = (policy.virtualMachines ?? []).find((v) => sameResourceId(v.id, vmId));
    if (!entry) continue;
    return {
      policy: {
        id: policy.id ?? '',
        name: policy.name ?? '',
        ports: (entry.ports ?? []).map((p) => ({
          number: p.number,
          protocol: p.protocol,
          allowedSourceAddressPrefixes: prefixes(
            p.allowedSourceAddressPrefixes,
            p.allowedSourceAddressPrefix,
          ),
          maxRequestAccessDuration: p.maxRequestAccessDuration,
        })),
      },
      requests: (policy.requests ?? []).flatMap((request) => {
        const forVm = (request.virtualMachines ?? []).find((v) => sameResourceId(v.id, vmId));
        if (!forVm) return [];
        return [
          {
            startTimeUtc: iso(request.startTimeUtc),
            requestor: request.requestor || null,
            ports: (forVm.ports ?? []).map((p) => ({
              number: p.number,
              allowedSourceAddressPrefixes: prefixes(
                p.allowedSourceAddressPrefixes,
                p.allowedSourceAddressPrefix,
              ),
              endTimeUtc: iso(p.endTimeUtc),
              status: p.status,
            })),
          },
        ];
      }),
    };
  }
  return { policy: null, requests: [] };
}

export const jitGatherer: Gatherer<'jit'> = {
  key: 'jit',
  timeoutMs: 20 * SECOND,
  async gather({ sub, vm, signal }) {
    const policies = await callAzure(
      'Defender for Cloud JIT',
      async () => {
        const found: JitNetworkAccessPolicy[] = [];
        for await (const policy of sub.security.jitNetworkAccessPolicies.listByResourceGroup(
          vm.resourceGroup,
          {
            abortSignal: signal,
          },
        )) {
          found.push(policy);
        }
        return found;
      },
      {
        403: "the identity rdp-doctor runs as cannot read JIT policies; assign it the rdp-doctor-diagnose role on the VM's resource group",
      },
    );
    return jitFactsOf(vm.id, policies);
  },
};
