import type { EffectiveNsgGroup, MetricsFacts } from '../diagnosis/facts';

// One machine of the fleet as the digest's risk rules read it: plain facts joined from one inventory of the
// whole scope, never an SDK type. The NSG groups have the shape of effective rules, so the diagnosis's
// network helpers (src/diagnosis/net.ts) judge them the same way.

export interface FleetPublicIp {
  id: string;
  name: string;
  /** Null while a dynamic address is released (its machine deallocated). */
  address: string | null;
  allocation: 'Static' | 'Dynamic';
  fqdn: string | null;
}

export interface FleetNic {
  id: string;
  name: string;
  privateIp: string | null;
  subnetId: string | null;
}

/** A user-defined route of the subnet's route table. */
export interface FleetRoute {
  name: string;
  addressPrefix: string;
  /** VirtualAppliance, Internet, VnetLocal, VirtualNetworkGateway or None. */
  nextHopType: string;
  nextHopIp: string | null;
}

export interface FleetRouteTable {
  id: string;
  routes: readonly FleetRoute[];
}

export interface FleetMachine {
  id: string;
  name: string;
  resourceGroup: string;
  subscriptionId: string;
  location: string;
  osType: 'Windows' | 'Linux';
  /** From `PowerState/<x>`: running, deallocated, stopped, starting, deallocating, stopping, or unknown. */
  powerState: string;
  agent: { status: 'ready' | 'not-ready' | 'unknown'; message: string | null };
  bootDiagnostics: boolean;
  tags: Readonly<Record<string, string>>;
  /** The NIC sessions arrive on: the primary one. */
  nic: FleetNic | null;
  publicIp: FleetPublicIp | null;
  /** The subnet's and the NIC's NSGs with their inbound rules and Azure's default rules. */
  nsgs: readonly EffectiveNsgGroup[];
  /** The route table of the machine's subnet with its user routes; null when the subnet has none. */
  routeTable: FleetRouteTable | null;
  /** The address space of the machine's virtual network, which Azure's system routes keep local. */
  vnetPrefixes: readonly string[];
  /** Ports a Defender for Cloud JIT policy holds for this machine. */
  jitPorts: readonly number[];
  /** The Bastion host in the machine's virtual network, or null. */
  bastion: string | null;
  /** Platform metrics, read only for the machines that need them (see selectForMetrics); else undefined. */
  metrics?: MetricsFacts;
}

const STOPPED_STATES = new Set(['stopped', 'deallocated', 'stopping', 'deallocating']);

export function isStopped(machine: FleetMachine): boolean {
  return STOPPED_STATES.has(machine.powerState);
}
