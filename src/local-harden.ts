import type { AzureClients } from './azure/clients';
import { loadAzureSandbox, type SandboxAzure } from './stand-ins';

// Local mode's "add a hardening deny rule" button: a colleague (Dana) denies Remote Desktop from anywhere
// on vm-healthy's NIC NSG through the sandbox's admin API, so a watch on rg-sandbox has a change to alert on.

const VM = 'vm-healthy';
const GROUP = 'rg-sandbox';
const CALLER = 'dana@contoso.com';
const RULE = 'Deny-RDP-Hardening';

/** The NSG on the VM's first NIC, read the way rdp-doctor reads Azure. */
async function nicNsgId(clients: AzureClients, subscriptionId: string): Promise<string | null> {
  const sub = clients.forSubscription(subscriptionId);
  const vm = await sub.compute.virtualMachines.get(GROUP, VM);
  const nicId = vm.networkProfile?.networkInterfaces?.[0]?.id;
  if (!nicId) return null;
  const nic = await sub.network.networkInterfaces.get(GROUP, nicId.slice(nicId.lastIndexOf('/') + 1));
  return nic.networkSecurityGroup?.id ?? null;
}

export async function hardenAsColleague(sandbox: SandboxAzure, clients: AzureClients): Promise<string> {
  const nsgId = await nicNsgId(clients, sandbox.subscriptionId);
  if (!nsgId) return `The sandbox has no NSG on ${VM}'s NIC to harden.`;
  const { sandboxAdmin } = await loadAzureSandbox();
  const { status } = await sandboxAdmin(sandbox).putSecurityRule({
    caller: CALLER,
    nsgId,
    name: RULE,
    rule: {
      properties: {
        // Ahead of the office allow (300) but not at the very top: the alert's own fix, an allow for the
        // office ahead of this deny, then has a priority to take.
        priority: 200,
        direction: 'Inbound',
        access: 'Deny',
        protocol: 'Tcp',
        sourceAddressPrefix: '*',
        sourcePortRange: '*',
        destinationAddressPrefix: '*',
        destinationPortRange: '3389',
      },
    },
  });
  return status === 201
    ? `${CALLER} added ${RULE} to ${VM}'s NSG. A watch on rg:rg-sandbox alerts here within a tick.`
    : `The sandbox refused the change (HTTP ${status}); is ${RULE} already there?`;
}
