import { randomUUID } from 'node:crypto';
import { LOCATION, subnetId } from './foundation';
import { resourceId } from './ids';
import type { ActivityTarget, At, VmSpec } from './scenarios/spec';
import { stableFraction } from './stable-hash';
import type { JitPolicy, VirtualMachine, World } from './world';

// Turns a VM description into the ARM resources Azure would hold for it: the VM, its NIC with its own NSG,
// its public IP, its place in the resource group's JIT policy, activity-log entries and DNS records. Plain
// records only, so a fleet of thousands costs nothing but memory.

const NSG = 'Microsoft.Network/networkSecurityGroups';
const IMAGES = {
  Windows: {
    publisher: 'MicrosoftWindowsServer',
    offer: 'WindowsServer',
    sku: '2022-datacenter-azure-edition',
    version: 'latest',
  },
  Linux: { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' },
};

/** A stable MAC address per NIC, in Azure's 00-0D-3A range. */
function macAddress(nicId: string): string {
  const hex = Math.floor(stableFraction(nicId) * 2 ** 24)
    .toString(16)
    .toUpperCase()
    .padStart(6, '0');
  return `00-0D-3A-${hex.slice(0, 2)}-${hex.slice(2, 4)}-${hex.slice(4, 6)}`;
}

export interface VmPlacement {
  subscriptionId: string;
  resourceGroup: string;
}

export function addVm(world: World, spec: VmSpec, place: VmPlacement, at: At): VirtualMachine {
  const { subscriptionId, resourceGroup } = place;
  const common = { resourceGroup, subscriptionId, location: LOCATION };
  const id = (type: string, name: string) => resourceId(subscriptionId, resourceGroup, type, name);
  const vmId = id('Microsoft.Compute/virtualMachines', spec.name);
  const nicId = id('Microsoft.Network/networkInterfaces', `${spec.name}-nic`);
  const running = spec.powerState === 'running';

  const nsg = world.nsgs.set({
    ...common,
    id: id(NSG, `${spec.name}-nsg`),
    name: `${spec.name}-nsg`,
    rules: spec.nicRules,
  });
  const publicIp = spec.publicIp
    ? world.publicIps.set({
        ...common,
        id: id('Microsoft.Network/publicIPAddresses', `${spec.name}-pip`),
        name: `${spec.name}-pip`,
        sku: spec.publicIp.sku,
        allocation: spec.publicIp.allocation,
        ipAddress: spec.publicIp.allocation === 'Static' || running ? world.allocatePublicIp() : null,
        domainNameLabel: spec.publicIp.domainNameLabel,
        nicId,
      })
    : null;
  const subnet = subnetId(subscriptionId, spec.subnet);
  world.nics.set({
    ...common,
    id: nicId,
    name: `${spec.name}-nic`,
    vmId,
    privateIp: world.allocatePrivateIp(subnet),
    subnetId: subnet,
    publicIpId: publicIp?.id ?? null,
    nsgId: nsg.id,
    macAddress: macAddress(nicId),
    primary: true,
  });
  const vm = world.vms.set({
    ...common,
    id: vmId,
    name: spec.name,
    vmId: randomUUID(),
    size: spec.size,
    osType: spec.osType,
    image: IMAGES[spec.osType],
    computerName: spec.name.slice(0, 15),
    adminUsername: 'azureadmin',
    nicIds: [nicId],
    powerState: spec.powerState,
    offlineSince: spec.stoppedMinutesAgo === null ? null : Date.parse(at(spec.stoppedMinutesAgo)),
    agent: { ready: spec.agent.ready, version: '2.7.41491.1102', message: spec.agent.message },
    bootDiagnostics: spec.bootDiagnostics,
    console: spec.console,
    serialLog: spec.serialLog,
    guest: spec.guest,
    metrics: spec.metrics,
    extensions: [],
    faults: spec.faults,
    timeCreated: at(30 * 24 * 60),
  });

  if (spec.jitPorts.length > 0) {
    jitPolicyOf(world, place).virtualMachines.push({
      id: vmId,
      ports: spec.jitPorts.map((number) => ({
        number,
        protocol: '*',
        allowedSourceAddressPrefix: '*',
        maxRequestAccessDuration: 'PT3H',
      })),
    });
  }
  const targetId = (target: ActivityTarget) => {
    if (target === 'vm') return vmId;
    if (target !== 'public-ip') return `${nsg.id}/securityRules/${target.nicNsgRule}`;
    if (!publicIp) throw new Error(`sandbox scenario ${spec.name}: activity on a public IP it does not have`);
    return publicIp.id;
  };
  for (const entry of spec.activity) {
    world.logActivity({
      time: Date.parse(at(entry.minutesAgo)),
      caller: entry.caller,
      operationName: entry.operation,
      resourceId: targetId(entry.target),
      status: 'Succeeded',
      httpMethod: entry.operation.endsWith('/write')
        ? 'PUT'
        : entry.operation.endsWith('/delete')
          ? 'DELETE'
          : 'POST',
    });
  }
  for (const [host, addresses] of Object.entries(spec.dns))
    world.dnsRecords.set(host.toLowerCase(), addresses);
  return vm;
}

/** The resource group's Defender JIT policy (`default`, as the portal names it), created on first use. */
function jitPolicyOf(world: World, place: VmPlacement): JitPolicy {
  const id = resourceId(
    place.subscriptionId,
    place.resourceGroup,
    `Microsoft.Security/locations/${LOCATION}/jitNetworkAccessPolicies`,
    'default',
  );
  return (
    world.jitPolicies.get(id) ??
    world.jitPolicies.set({
      id,
      name: 'default',
      ...place,
      location: LOCATION,
      virtualMachines: [],
      requests: [],
    })
  );
}
