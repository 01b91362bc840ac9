import type { WindowsGuest } from './guest/windows';
import { randomUUID } from 'node:crypto';
import { idKey, resourceGroupId } from './ids';
import { formatIpv4, parseCidr } from './net/ip';

// The sandbox's mutable world: ARM resources as plain records. Every answer the emulator gives is computed
// from these at request time, so a write (a rule, a static IP, a started VM, a JIT request) changes what
// later reads return. Records hold ids, not object links, the way ARM resources reference each other.

/** Who the activity log names for writes made through the sandbox. */
export const SANDBOX_CALLER = 'rdp-doctor@sandbox.contoso.com';

export interface ArmResource {
  id: string;
  name: string;
  resourceGroup: string;
  subscriptionId: string;
  location: string;
}

export type PowerState = 'running' | 'starting' | 'stopping' | 'stopped' | 'deallocating' | 'deallocated';

export interface MetricProfile {
  cpuPercent: number;
  availableMemoryBytes: number;
  osDiskIopsConsumedPercent: number;
  osDiskBandwidthConsumedPercent: number;
}

/** Deliberate platform misbehaviour for the failure scenarios. */
export interface VmFaults {
  /** `conflict`: another Run Command holds the VM (409); `hang`: the operation never completes. */
  runCommand?: 'conflict' | 'hang';
  /** A fix script runs and changes the machine, but its output is lost (Run Command may return none). */
  fixOutput?: 'lost';
  /**
   * `reverted`: a fix script runs and says it worked, but something inside Windows (a Group Policy refresh)
   * puts the machine back at once; `conflict`: another Run Command starts between the probe and the fix, so
   * the fix's own Run Command answers 409 Conflict while the probe's still run.
   */
  fixScript?: 'reverted' | 'conflict';
  /** Network Watcher throttles IP flow verify for this VM (429). */
  ipFlowVerify?: 'throttled';
  /** The network RP fails (500) or throttles (429) effective security rules for this VM's NICs. */
  effectiveNsg?: 'error' | 'throttled';
}

export interface VmExtension {
  name: string;
  publisher: string;
  type: string;
  typeHandlerVersion: string;
  autoUpgradeMinorVersion: boolean;
  settings: Record<string, unknown>;
  provisioningState: string;
}

export interface VirtualMachine extends ArmResource {
  /** The platform's GUID for the machine (instance view, boot diagnostics blob names). */
  vmId: string;
  size: string;
  osType: 'Windows' | 'Linux';
  image: { publisher: string; offer: string; sku: string; version: string };
  computerName: string;
  adminUsername: string;
  nicIds: string[];
  powerState: PowerState;
  /** Since when the guest reports no metrics (stopped or deallocated), epoch ms. */
  offlineSince: number | null;
  /** What the VM agent reports while the machine runs. */
  agent: { ready: boolean; version: string; message: string };
  bootDiagnostics: boolean;
  /** What the console shows: drives the screenshot blob. */
  console: 'sign-in' | 'boot-failure';
  serialLog: string;
  /** What the Run Command probe would print, before `collectedAt` is stamped. */
  guest: WindowsGuest;
  metrics: MetricProfile;
  extensions: VmExtension[];
  faults: VmFaults;
  timeCreated: string;
  /** ARM tags, e.g. `always-on: true`; none when absent. */
  tags?: Record<string, string>;
}

export interface SecurityRule {
  name: string;
  priority: number;
  direction: 'Inbound' | 'Outbound';
  access: 'Allow' | 'Deny';
  /** Tcp, Udp, Icmp, Esp, Ah or `*`. */
  protocol: string;
  description?: string;
  // ARM keeps the singular and plural forms apart as written; so does the sandbox.
  sourceAddressPrefix?: string;
  sourceAddressPrefixes: string[];
  sourcePortRange?: string;
  sourcePortRanges: string[];
  destinationAddressPrefix?: string;
  destinationAddressPrefixes: string[];
  destinationPortRange?: string;
  destinationPortRanges: string[];
  /** Rules Defender writes for a JIT request close at the request's end time, epoch ms. */
  expiresAt?: number;
}

export interface NetworkSecurityGroup extends ArmResource {
  rules: SecurityRule[];
}

export interface Subnet {
  name: string;
  addressPrefix: string;
  nsgId: string | null;
  routeTableId: string | null;
  /** Next host offset to hand out (Azure reserves .0–.3). */
  nextHost: number;
}

export interface VirtualNetwork extends ArmResource {
  addressPrefixes: string[];
  subnets: Subnet[];
}

export type NextHopType = 'VirtualAppliance' | 'Internet' | 'VnetLocal' | 'VirtualNetworkGateway' | 'None';

export interface Route {
  name: string;
  addressPrefix: string;
  nextHopType: NextHopType;
  nextHopIpAddress?: string;
}

export interface RouteTable extends ArmResource {
  routes: Route[];
}

export interface NetworkInterface extends ArmResource {
  vmId: string | null;
  privateIp: string;
  subnetId: string;
  publicIpId: string | null;
  nsgId: string | null;
  macAddress: string;
  primary: boolean;
}

export interface PublicIp extends ArmResource {
  sku: 'Basic' | 'Standard';
  allocation: 'Static' | 'Dynamic';
  /** Null while a dynamic address is released (its VM deallocated). */
  ipAddress: string | null;
  domainNameLabel: string | null;
  nicId: string | null;
}

export type NetworkWatcher = ArmResource;

/** An Azure Bastion host: it reaches every VM of the virtual network its AzureBastionSubnet is in. */
export interface BastionHost extends ArmResource {
  subnetId: string;
}

export interface JitPort {
  number: number;
  protocol: string;
  allowedSourceAddressPrefix?: string;
  allowedSourceAddressPrefixes?: string[];
  maxRequestAccessDuration: string;
}

export interface JitRequest {
  startTimeUtc: string;
  requestor: string;
  justification?: string;
  virtualMachines: {
    id: string;
    ports: {
      number: number;
      allowedSourceAddressPrefix?: string;
      allowedSourceAddressPrefixes?: string[];
      endTimeUtc: string;
      status: 'Initiated' | 'Revoked';
      statusReason: 'Expired' | 'UserRequested' | 'NewerRequestInitiated';
    }[];
  }[];
}

export interface JitPolicy extends ArmResource {
  virtualMachines: { id: string; ports: JitPort[] }[];
  requests: JitRequest[];
}

export interface ActivityRecord {
  eventDataId: string;
  correlationId: string;
  time: number;
  caller: string;
  /** e.g. `Microsoft.Network/networkSecurityGroups/securityRules/write` */
  operationName: string;
  resourceId: string;
  status: 'Succeeded' | 'Failed';
  httpMethod: string;
}

/** A resource-group-scoped store keyed case-insensitively by id. */
export class ResourceMap<T extends ArmResource> {
  private readonly byId = new Map<string, T>();
  /** The resources in id order, kept until the map changes: Resource Graph pages a fleet in this order. */
  private sorted: T[] | null = null;

  get(id: string): T | undefined {
    return this.byId.get(idKey(id));
  }

  set(resource: T): T {
    this.byId.set(idKey(resource.id), resource);
    this.sorted = null;
    return resource;
  }

  delete(id: string): boolean {
    this.sorted = null;
    return this.byId.delete(idKey(id));
  }

  /** Every resource, ordered by lower-case id (as `order by id asc` pages them). */
  sortedById(): readonly T[] {
    this.sorted ??= [...this.byId]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, resource]) => resource);
    return this.sorted;
  }

  values(): IterableIterator<T> {
    return this.byId.values();
  }

  inSubscription(subscriptionId: string): T[] {
    const sub = subscriptionId.toLowerCase();
    return [...this.byId.values()].filter((r) => r.subscriptionId.toLowerCase() === sub);
  }

  inResourceGroup(subscriptionId: string, resourceGroup: string): T[] {
    const rg = resourceGroup.toLowerCase();
    return this.inSubscription(subscriptionId).filter((r) => r.resourceGroup.toLowerCase() === rg);
  }

  /** A resource by its name within a resource group, as a path segment names it. */
  find(subscriptionId: string, resourceGroup: string, type: string, name: string): T | undefined {
    return this.get(`${resourceGroupId(subscriptionId, resourceGroup)}/providers/${type}/${name}`);
  }
}

export class World {
  readonly tenantId: string;
  readonly vms = new ResourceMap<VirtualMachine>();
  readonly nics = new ResourceMap<NetworkInterface>();
  readonly nsgs = new ResourceMap<NetworkSecurityGroup>();
  readonly publicIps = new ResourceMap<PublicIp>();
  readonly vnets = new ResourceMap<VirtualNetwork>();
  readonly routeTables = new ResourceMap<RouteTable>();
  readonly watchers = new ResourceMap<NetworkWatcher>();
  readonly jitPolicies = new ResourceMap<JitPolicy>();
  readonly bastionHosts = new ResourceMap<BastionHost>();
  /** Resource Graph answers the next `requests` queries 429 with this Retry-After: a throttling storm. */
  readonly resourceGraphThrottle = { requests: 0, retryAfterSeconds: 1 };
  readonly activity: ActivityRecord[] = [];
  /** Sandbox DNS: names that do not come from a public IP's label (stale records, corporate names). */
  readonly dnsRecords = new Map<string, string[]>();
  private readonly resourceGroups = new Set<string>();
  private nextPublicHost = 10;

  constructor(
    readonly subscriptionIds: readonly string[],
    tenantId: string,
    private readonly clock: () => number = Date.now,
  ) {
    this.tenantId = tenantId;
  }

  now(): number {
    return this.clock();
  }

  hasSubscription(subscriptionId: string): boolean {
    return this.subscriptionIds.some((id) => id.toLowerCase() === subscriptionId.toLowerCase());
  }

  addResourceGroup(subscriptionId: string, name: string): void {
    this.resourceGroups.add(idKey(resourceGroupId(subscriptionId, name)));
  }

  hasResourceGroup(subscriptionId: string, name: string): boolean {
    return this.resourceGroups.has(idKey(resourceGroupId(subscriptionId, name)));
  }

  /** The vnet and subnet a subnet id names. */
  subnet(subnetId: string): { vnet: VirtualNetwork; subnet: Subnet } | undefined {
    const match = /^(.*)\/subnets\/([^/]+)$/i.exec(subnetId);
    const vnet = match ? this.vnets.get(match[1]) : undefined;
    const subnet = vnet?.subnets.find((s) => s.name.toLowerCase() === match?.[2].toLowerCase());
    return vnet && subnet ? { vnet, subnet } : undefined;
  }

  nicsOf(vm: VirtualMachine): NetworkInterface[] {
    return vm.nicIds
      .map((id) => this.nics.get(id))
      .filter((nic): nic is NetworkInterface => nic !== undefined);
  }

  vmOf(nic: NetworkInterface): VirtualMachine | undefined {
    return nic.vmId ? this.vms.get(nic.vmId) : undefined;
  }

  allocatePrivateIp(subnetId: string): string {
    const found = this.subnet(subnetId);
    const prefix = found && parseCidr(found.subnet.addressPrefix);
    if (!found || !prefix) throw new Error(`sandbox world: no subnet ${subnetId}`);
    // Azure keeps the first four addresses and the last one of every subnet.
    if (found.subnet.nextHost > 2 ** (32 - prefix.bits) - 2) {
      throw new Error(`sandbox world: subnet ${found.subnet.name} has no free address left; add a subnet`);
    }
    const address = formatIpv4(prefix.base + found.subnet.nextHost);
    found.subnet.nextHost += 1;
    return address;
  }

  /** Public addresses come from 198.51.100.0/24 and on (TEST-NET-2): never a real machine. */
  allocatePublicIp(): string {
    const host = this.nextPublicHost++;
    return formatIpv4(0xc6336400 + host);
  }

  /** Addresses a name resolves to in the sandbox: public IP labels first, then static records. */
  resolve(host: string): string[] | undefined {
    const name = host.toLowerCase().replace(/\.$/, '');
    for (const ip of this.publicIps.values()) {
      if (
        ip.ipAddress &&
        ip.domainNameLabel &&
        `${ip.domainNameLabel}.${ip.location}.cloudapp.azure.com` === name
      ) {
        return [ip.ipAddress];
      }
    }
    return this.dnsRecords.get(name);
  }

  /** An activity-log entry for a write made through the sandbox, now. */
  logWrite(operationName: string, resourceId: string, httpMethod: string): void {
    this.logActivity({
      time: this.now(),
      caller: SANDBOX_CALLER,
      operationName,
      resourceId,
      status: 'Succeeded',
      httpMethod,
    });
  }

  logActivity(record: Omit<ActivityRecord, 'eventDataId' | 'correlationId'>): void {
    this.activity.push({ eventDataId: randomUUID(), correlationId: randomUUID(), ...record });
  }
}
