import type { InstanceViewStatus, VirtualMachine } from '@azure/arm-compute';
import type { NetworkInterface } from '@azure/arm-network';
import type { NicFacts, VmFacts, VmIdentity } from '../../diagnosis/facts';
import type { SubscriptionClients } from '../clients';
import { callAzure } from '../errors';
import { requireResourceId } from '../resource-id';

// The machine itself: one GET with the instance view (power state, agent, OS, boot diagnostics), then
// each NIC. Every other gatherer starts from these facts.

/** `PowerState/deallocated` → `deallocated`; `unknown` when the instance view has no power state. */
export function powerStateOf(statuses: InstanceViewStatus[] | undefined): string {
  const code = statuses?.find((s) => s.code?.startsWith('PowerState/'))?.code;
  return code ? code.slice('PowerState/'.length) : 'unknown';
}

/**
 * The agent's own report: `ProvisioningState/succeeded` with `Ready` is ready, `Not Ready` (ARM pairs it
 * with `ProvisioningState/Unavailable`) is not; no report at all is unknown (a stopped VM has none).
 */
export function agentOf(vm: VirtualMachine): VmFacts['agent'] {
  const agent = vm.instanceView?.vmAgent;
  const status = agent?.statuses?.find((s) => s.code?.startsWith('ProvisioningState/'));
  const version = agent?.vmAgentVersion ?? null;
  const message = status?.message ?? null;
  if (status?.code?.toLowerCase() === 'provisioningstate/succeeded' && status.displayStatus === 'Ready') {
    return { status: 'ready', version, message };
  }
  // ARM pairs `Not Ready` with `ProvisioningState/Unavailable`; either alone means the agent is not answering.
  if (
    status?.displayStatus === 'Not Ready' ||
    status?.code?.toLowerCase() === 'provisioningstate/unavailable'
  ) {
    return { status: 'not-ready', version, message };
  }
  return { status: 'unknown', version, message };
}

/** A NIC as the facts name it; `primary` is what the VM's network profile says, else the NIC's own flag. */
export function nicFactsOf(nic: NetworkInterface, primaryOnVm: boolean | undefined): NicFacts {
  const configs = nic.ipConfigurations ?? [];
  const ipConfig = configs.find((c) => c.primary) ?? configs[0];
  const nicId = nic.id ?? '';
  return {
    id: nicId,
    name: nic.name ?? requireResourceId(nicId, 'a network interface').name,
    primary: primaryOnVm ?? nic.primary ?? false,
    privateIp: ipConfig?.privateIPAddress ?? null,
    subnetId: ipConfig?.subnet?.id ?? null,
    nsgId: nic.networkSecurityGroup?.id ?? null,
    publicIpId: ipConfig?.publicIPAddress?.id ?? null,
  };
}

/** VmFacts from the VM (GET with `$expand=instanceView`) and its NICs, in the VM's network-profile order. */
export function vmFactsOf(vm: VirtualMachine, identity: VmIdentity, nics: NetworkInterface[]): VmFacts {
  const osType = vm.storageProfile?.osDisk?.osType;
  if (osType !== 'Windows' && osType !== 'Linux') {
    throw new Error(
      `ARM did not say which OS ${identity.name} runs (storageProfile.osDisk.osType is ${osType ?? 'absent'})`,
    );
  }
  const refs = vm.networkProfile?.networkInterfaces ?? [];
  return {
    ...identity,
    id: vm.id ?? identity.id,
    name: vm.name ?? identity.name,
    location: vm.location ?? identity.location,
    osType,
    powerState: powerStateOf(vm.instanceView?.statuses),
    provisioningState: vm.provisioningState ?? null,
    size: vm.hardwareProfile?.vmSize ?? null,
    agent: agentOf(vm),
    bootDiagnosticsEnabled: vm.diagnosticsProfile?.bootDiagnostics?.enabled === true,
    // With a single NIC the profile may omit `primary`: that NIC is the primary one.
    nics: nics.map((nic, i) => nicFactsOf(nic, refs.length === 1 ? true : refs[i]?.primary)),
  };
}

export async function gatherVm(
  sub: SubscriptionClients,
  identity: VmIdentity,
  signal?: AbortSignal,
  /** Called with the machine (no NICs yet) as soon as it is read, so checks that need no NIC can start. */
  onMachine?: (machine: VmFacts) => void,
): Promise<VmFacts> {
  const vm = await callAzure('Compute', () =>
    sub.compute.virtualMachines.get(identity.resourceGroup, identity.name, {
      expand: 'instanceView',
      abortSignal: signal,
    }),
  );
  onMachine?.(vmFactsOf(vm, identity, []));
  const nics = await Promise.all(
    (vm.networkProfile?.networkInterfaces ?? []).map((ref) => {
      // A VM's NICs live in its subscription, though possibly in another resource group.
      const nicId = requireResourceId(ref.id, `a network interface of ${identity.name}`);
      return callAzure('Network', () =>
        sub.network.networkInterfaces.get(nicId.resourceGroup, nicId.name, { abortSignal: signal }),
      );
    }),
  );
  return vmFactsOf(vm, identity, nics);
}
