import { LOCATION } from './foundation';
import { resourceId } from './ids';
import {
  HEALTHY_SERIAL_LOG,
  healthyGuest,
  healthyMetrics,
  inboundRule,
  officeRules,
} from './scenarios/healthy';
import type { At } from './scenarios/spec';
import type { JitPolicy, NetworkSecurityGroup, SecurityRule, VirtualMachine, World } from './world';

// A fleet of N machines for the digest, its tests and its benchmark: mostly healthy (the guide's baseline:
// no public IP, boot diagnostics on, agent ready, RDP only from the office range), with the risks the
// digest looks for sprinkled in by a seeded generator, so the same seed always gives the same fleet.
// Cheap in memory: healthy machines share their guest facts, metrics, agent state and NSG.
//
// Layout: a resource group per 500 machines; a virtual network per 1,000 (a /24 subnet holds 251 VMs,
// so four subnets each); odd-numbered networks have a Bastion host; subnets 0-1 of each network carry a
// subnet NSG, subnets 2-3 do not, and machines whose NIC NSG opens RDP to everyone live there.

export interface FleetOptions {
  size: number;
  seed?: number;
}

/**
 * The risks the fleet plants, named as docs/causes.md names the digest's risks: the sandbox says what it
 * planted in those words and the digest's tests check it finds the same.
 */
export const PLANTED_RISKS = [
  'rdp-open-to-internet',
  'nsg-rule-shadows-rdp-allow',
  'stopped-unexpectedly',
  'agent-not-ready',
  'memory-or-disk-trending-to-exhaustion',
  'no-jit-no-bastion',
  'dynamic-public-ip',
  'boot-diagnostics-off',
] as const;
export type PlantedRisk = (typeof PLANTED_RISKS)[number];

/** The machine names that were given each risk, so tests know what the digest must find. */
export type FleetManifest = Record<PlantedRisk, string[]>;

export const FLEET_RESOURCE_GROUP_SIZE = 500;
export const FLEET_NETWORK_SIZE = 1000;
const SUBNETS_PER_NETWORK = 4;
const GUARDED_SUBNETS = 2;
export const FLEET_NETWORK_GROUP = 'rg-fleet-network';
/** 10.100.0.0/16 and up: clear of the foundation's 10.0.0.0/16. */
const FIRST_NETWORK_OCTET = 100;
const MAX_NETWORKS = 256 - FIRST_NETWORK_OCTET;
const MiB = 2 ** 20;

type Variant = PlantedRisk | 'healthy' | 'linux' | 'exposed-with-jit' | 'deallocated';

/** How often each variant is drawn; the rest is healthy. */
const RATES: [Variant, number][] = [
  ['rdp-open-to-internet', 0.015],
  ['nsg-rule-shadows-rdp-allow', 0.015],
  ['stopped-unexpectedly', 0.015],
  ['agent-not-ready', 0.015],
  ['memory-or-disk-trending-to-exhaustion', 0.015],
  ['no-jit-no-bastion', 0.015],
  ['dynamic-public-ip', 0.015],
  ['boot-diagnostics-off', 0.015],
  ['linux', 0.05],
  ['exposed-with-jit', 0.02],
  ['deallocated', 0.02],
];

/** mulberry32: a small seeded generator, enough to sprinkle risks reproducibly. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const isRisk = (variant: Variant): variant is PlantedRisk =>
  (PLANTED_RISKS as readonly string[]).includes(variant);
const pad = (value: number, width: number) => String(value).padStart(width, '0');
const hasBastion = (network: number) => network % 2 === 1;

function draw(next: () => number): Variant {
  let roll = next();
  for (const [variant, rate] of RATES) {
    if (roll < rate) return variant;
    roll -= rate;
  }
  return 'healthy';
}

/** One variant per machine; every risk at least once (in the first network, which has no Bastion). */
function variants(size: number, seed: number): Variant[] {
  const next = random(seed);
  const chosen = Array.from({ length: size }, () => draw(next));
  chosen.forEach((variant, index) => {
    // Without a Bastion-free network around it, a machine cannot show the missing Bastion.
    if (variant === 'no-jit-no-bastion' && hasBastion(Math.floor(index / FLEET_NETWORK_SIZE)))
      chosen[index] = 'exposed-with-jit';
  });
  const firstNetwork = Math.min(size, FLEET_NETWORK_SIZE);
  for (const [variant] of RATES) {
    if (chosen.includes(variant)) continue;
    const healthy = chosen.slice(0, firstNetwork).flatMap((v, index) => (v === 'healthy' ? [index] : []));
    if (healthy.length > 0) chosen[healthy[Math.floor(next() * healthy.length)]] = variant;
  }
  return chosen;
}

const WINDOWS_IMAGE = {
  publisher: 'MicrosoftWindowsServer',
  offer: 'WindowsServer',
  sku: '2022-datacenter-azure-edition',
  version: 'latest',
};
const LINUX_IMAGE = { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' };
const AGENT_READY = {
  ready: true,
  version: '2.7.41491.1102',
  message: 'GuestAgent is running and processing the extensions.',
};
const AGENT_NOT_READY = {
  ready: false,
  version: '2.7.41491.1102',
  message: 'VM Agent is unresponsive. The agent has not reported its status for 12 minutes.',
};
const ALWAYS_ON = { 'always-on': 'true' };

/** A NIC NSG of its own for the machines whose risk lives in their rules. */
function ownRules(variant: Variant): SecurityRule[] | null {
  if (variant === 'rdp-open-to-internet') {
    return [
      ...officeRules(),
      inboundRule({ name: 'Allow-RDP-Any', priority: 320, access: 'Allow', source: '*', port: '3389' }),
    ];
  }
  if (variant === 'nsg-rule-shadows-rdp-allow') {
    return [
      inboundRule({ name: 'DenyRdpAll', priority: 200, access: 'Deny', source: '*', port: '3389' }),
      ...officeRules(),
    ];
  }
  return null;
}

interface Network {
  id: string;
  subnets: string[];
}

function addNetworks(world: World, subscriptionId: string, count: number): Network[] {
  if (count > MAX_NETWORKS) {
    throw new Error(
      `sandbox fleet: at most ${MAX_NETWORKS * FLEET_NETWORK_SIZE} machines fit its address plan`,
    );
  }
  world.addResourceGroup(subscriptionId, FLEET_NETWORK_GROUP);
  const common = { resourceGroup: FLEET_NETWORK_GROUP, subscriptionId, location: LOCATION };
  const id = (type: string, name: string) => resourceId(subscriptionId, FLEET_NETWORK_GROUP, type, name);
  const subnetNsg = world.nsgs.set({
    ...common,
    id: id('Microsoft.Network/networkSecurityGroups', 'nsg-fleet-subnets'),
    name: 'nsg-fleet-subnets',
    rules: officeRules(),
  });
  return Array.from({ length: count }, (_unused, index) => {
    const octet = FIRST_NETWORK_OCTET + index;
    const name = `vnet-fleet-${pad(index, 2)}`;
    const vnetId = id('Microsoft.Network/virtualNetworks', name);
    const subnet = (subnetName: string, prefix: string, nsgId: string | null) => ({
      name: subnetName,
      addressPrefix: prefix,
      nsgId,
      routeTableId: null,
      nextHost: 4,
    });
    const subnets = Array.from({ length: SUBNETS_PER_NETWORK }, (_u, s) =>
      subnet(`snet-fleet-${s}`, `10.${octet}.${s}.0/24`, s < GUARDED_SUBNETS ? subnetNsg.id : null),
    );
    if (hasBastion(index)) subnets.push(subnet('AzureBastionSubnet', `10.${octet}.250.0/26`, null));
    world.vnets.set({ ...common, id: vnetId, name, addressPrefixes: [`10.${octet}.0.0/16`], subnets });
    if (hasBastion(index)) {
      world.bastionHosts.set({
        ...common,
        id: id('Microsoft.Network/bastionHosts', `bas-fleet-${pad(index, 2)}`),
        name: `bas-fleet-${pad(index, 2)}`,
        subnetId: `${vnetId}/subnets/AzureBastionSubnet`,
      });
    }
    return {
      id: vnetId,
      subnets: subnets.slice(0, SUBNETS_PER_NETWORK).map((s) => `${vnetId}/subnets/${s.name}`),
    };
  });
}

/** The subnet for a machine: open subnets for rules that open RDP to everyone, guarded ones otherwise. */
function subnetFor(world: World, network: Network, open: boolean): string {
  const guarded = network.subnets.slice(0, GUARDED_SUBNETS);
  const unguarded = network.subnets.slice(GUARDED_SUBNETS);
  for (const subnetId of open ? [...unguarded, ...guarded] : [...guarded, ...unguarded]) {
    const found = world.subnet(subnetId);
    if (found && found.subnet.nextHost <= 254) return subnetId;
  }
  throw new Error(`sandbox fleet: network ${network.id} is full`);
}

/** Adds `size` machines to the world in `subscriptionId` and returns which machine carries which risk. */
export function addFleet(world: World, subscriptionId: string, options: FleetOptions): FleetManifest {
  const chosen = variants(options.size, options.seed ?? 1);
  const startedAt = world.now();
  const at: At = (minutesAgo) => new Date(startedAt - minutesAgo * 60_000).toISOString();
  const guest = healthyGuest(at);
  const metrics = healthyMetrics();
  const starved = { ...metrics, availableMemoryBytes: 150 * MiB };
  const created = at(30 * 24 * 60);
  const networks = addNetworks(world, subscriptionId, Math.ceil(options.size / FLEET_NETWORK_SIZE));
  const manifest = Object.fromEntries(PLANTED_RISKS.map((risk) => [risk, [] as string[]])) as FleetManifest;
  const groupNsgs = new Map<string, NetworkSecurityGroup>();
  const jitPolicies = new Map<string, JitPolicy>();

  chosen.forEach((variant, index) => {
    const resourceGroup = `rg-fleet-${pad(Math.floor(index / FLEET_RESOURCE_GROUP_SIZE), 3)}`;
    const name = `vm-fleet-${pad(index, 5)}`;
    const common = { resourceGroup, subscriptionId, location: LOCATION };
    const id = (type: string, resource: string) => resourceId(subscriptionId, resourceGroup, type, resource);
    if (!world.hasResourceGroup(subscriptionId, resourceGroup))
      world.addResourceGroup(subscriptionId, resourceGroup);
    if (isRisk(variant)) manifest[variant].push(name);

    const rules = ownRules(variant);
    const nsg = rules
      ? world.nsgs.set({
          ...common,
          id: id('Microsoft.Network/networkSecurityGroups', `${name}-nsg`),
          name: `${name}-nsg`,
          rules,
        })
      : (groupNsgs.get(resourceGroup) ??
        groupNsgs
          .set(
            resourceGroup,
            world.nsgs.set({
              ...common,
              id: id('Microsoft.Network/networkSecurityGroups', `nsg-${resourceGroup}`),
              name: `nsg-${resourceGroup}`,
              rules: officeRules(),
            }),
          )
          .get(resourceGroup)!);

    const running = !['stopped-unexpectedly', 'deallocated'].includes(variant);
    const publicIpAllocation =
      variant === 'dynamic-public-ip'
        ? 'Dynamic'
        : ['rdp-open-to-internet', 'no-jit-no-bastion', 'exposed-with-jit'].includes(variant)
          ? 'Static'
          : null;
    const vmId = id('Microsoft.Compute/virtualMachines', name);
    const nicId = id('Microsoft.Network/networkInterfaces', `${name}-nic`);
    const publicIp = publicIpAllocation
      ? world.publicIps.set({
          ...common,
          id: id('Microsoft.Network/publicIPAddresses', `${name}-pip`),
          name: `${name}-pip`,
          sku: publicIpAllocation === 'Static' ? 'Standard' : 'Basic',
          allocation: publicIpAllocation,
          ipAddress: world.allocatePublicIp(),
          domainNameLabel: null,
          nicId,
        })
      : null;
    const subnetId = subnetFor(
      world,
      networks[Math.floor(index / FLEET_NETWORK_SIZE)],
      variant === 'rdp-open-to-internet',
    );
    world.nics.set({
      ...common,
      id: nicId,
      name: `${name}-nic`,
      vmId,
      privateIp: world.allocatePrivateIp(subnetId),
      subnetId,
      publicIpId: publicIp?.id ?? null,
      nsgId: nsg.id,
      macAddress: `00-0D-3A-${[16, 8, 0].map((shift) => ((index >>> shift) & 255).toString(16).toUpperCase().padStart(2, '0')).join('-')}`,
      primary: true,
    });
    const linux = variant === 'linux';
    const vm: VirtualMachine = {
      ...common,
      id: vmId,
      name,
      vmId: `5a4db0c5-f1ee-4000-8000-${index.toString(16).padStart(12, '0')}`,
      size: 'Standard_D2s_v5',
      osType: linux ? 'Linux' : 'Windows',
      image: linux ? LINUX_IMAGE : WINDOWS_IMAGE,
      computerName: name.slice(0, 15),
      adminUsername: 'azureadmin',
      nicIds: [nicId],
      powerState: running ? 'running' : 'deallocated',
      offlineSince: running ? null : Date.parse(at(6 * 60)),
      agent:
        variant === 'agent-not-ready' || variant === 'memory-or-disk-trending-to-exhaustion'
          ? AGENT_NOT_READY
          : AGENT_READY,
      bootDiagnostics: variant !== 'boot-diagnostics-off',
      console: 'sign-in',
      serialLog: HEALTHY_SERIAL_LOG,
      guest,
      metrics: variant === 'memory-or-disk-trending-to-exhaustion' ? starved : metrics,
      extensions: [],
      faults: {},
      timeCreated: created,
      ...(variant === 'stopped-unexpectedly' ? { tags: ALWAYS_ON } : {}),
    };
    world.vms.set(vm);

    if (variant === 'exposed-with-jit' || variant === 'dynamic-public-ip') {
      const policyId = resourceId(
        subscriptionId,
        resourceGroup,
        `Microsoft.Security/locations/${LOCATION}/jitNetworkAccessPolicies`,
        'default',
      );
      let policy = jitPolicies.get(resourceGroup);
      if (!policy) {
        policy = world.jitPolicies.set({
          ...common,
          id: policyId,
          name: 'default',
          virtualMachines: [],
          requests: [],
        });
        jitPolicies.set(resourceGroup, policy);
      }
      policy.virtualMachines.push({
        id: vmId,
        ports: [
          { number: 3389, protocol: '*', allowedSourceAddressPrefix: '*', maxRequestAccessDuration: 'PT3H' },
        ],
      });
    }
  });
  return manifest;
}
