import type { Sandbox } from '@rdp-doctor/azure-sandbox';
import type { FleetHarness } from '../digest/harness';
import { azureWatchSources } from '../../src/watch/azure';
import { WatchService, type WatchServiceOptions } from '../../src/watch/service';

// What the watch tests share: the watch service over a sandbox the way the app builds it, and the names
// and rules the sandbox's admin API changes (through the sandbox package's own client, `sandboxAdmin`).

export function watchService(
  h: FleetHarness,
  rest: Pick<WatchServiceOptions, 'store' | 'poster'> & Partial<WatchServiceOptions>,
): WatchService {
  return new WatchService({
    ...azureWatchSources(h.clients),
    configuredSubscriptions: [h.sandbox.subscriptionId],
    ...rest,
  });
}

function vmNamed(sandbox: Sandbox, vmName: string) {
  const vm = [...sandbox.state.vms.values()].find((candidate) => candidate.name === vmName);
  if (!vm) throw new Error(`the sandbox has no VM ${vmName}`);
  return vm;
}

/** The NSG on the NIC of the named VM in the sandbox. */
export function nicNsgOf(sandbox: Sandbox, vmName: string): string {
  const nicId = vmNamed(sandbox, vmName).nicIds[0];
  const nsgId = nicId ? sandbox.state.nics.get(nicId)?.nsgId : undefined;
  if (!nsgId) throw new Error(`the sandbox has no NIC NSG for ${vmName}`);
  return nsgId;
}

/** The named VM's NIC and what hangs off it: subnet and public IP. */
export function nicOf(sandbox: Sandbox, vmName: string) {
  const nic = sandbox.state.nics.get(vmNamed(sandbox, vmName).nicIds[0]);
  if (!nic) throw new Error(`the sandbox has no NIC for ${vmName}`);
  return nic;
}

export const vmIdOf = (sandbox: Sandbox, vmName: string) => vmNamed(sandbox, vmName).id;

export const denyRdpRule = (priority = 100) => ({
  properties: {
    priority,
    direction: 'Inbound',
    access: 'Deny',
    protocol: 'Tcp',
    sourceAddressPrefix: '*',
    sourcePortRange: '*',
    destinationAddressPrefix: '*',
    destinationPortRange: '3389',
  },
});
