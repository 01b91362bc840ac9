import type { MetricsFacts } from '../diagnosis/facts';

// What the fleet's Resource Graph queries return, as the rows they project (src/azure/fleet.ts writes
// the queries). The digest joins these rows into its own machine facts; nothing here knows the digest.

/** The comment each fleet query opens with, by which the sandbox knows which columns to answer with. */
export const QUERY_MARKERS = {
  machines: 'rdp-doctor:fleet-machines',
  network: 'rdp-doctor:fleet-network',
  /** Not a query of its own: the comment above the line that narrows the machines query to touched ones. */
  touched: 'rdp-doctor:fleet-touched',
} as const;

/** One security rule as ARM writes it inside an NSG's `properties.securityRules`. */
export interface SecurityRuleRow {
  name: string;
  properties: {
    priority: number;
    direction: string;
    access: string;
    protocol: string;
    sourceAddressPrefix?: string;
    sourceAddressPrefixes?: string[];
    destinationAddressPrefix?: string;
    destinationAddressPrefixes?: string[];
    destinationPortRange?: string;
    destinationPortRanges?: string[];
  };
}

/** One VM joined with its primary NIC, that NIC's NSG rules and its public IP. */
export interface MachineRow {
  id: string;
  name: string;
  resourceGroup: string;
  subscriptionId: string;
  location: string;
  tags: Record<string, string> | null;
  osType: string;
  /** `PowerState/running` */
  powerState: string;
  /** Never from Resource Graph, which documents no agent status: the reader fills it from the instance view. */
  agent?: AgentRead;
  bootDiagnostics: boolean | null;
  nicId: string;
  privateIp: string;
  subnetId: string;
  nicNsgId: string;
  nicNsgRules: SecurityRuleRow[] | null;
  publicIpId: string;
  publicIpName: string;
  publicIpAddress: string;
  publicIpAllocation: string;
  publicIpFqdn: string;
}

/** A VM's guest agent as its instance view reports it. */
export interface AgentRead {
  status: 'ready' | 'not-ready' | 'unknown';
  message: string | null;
}

/** One route as ARM writes it inside a route table's `properties.routes`. */
export interface RouteRow {
  name: string;
  properties: { addressPrefix: string; nextHopType: string; nextHopIpAddress?: string };
}

/**
 * The network around the machines: subnets (with their NSG and route table), the subnet NSGs' rules, the
 * routes of the route tables subnets use, Bastion hosts.
 */
export type NetworkRow =
  | {
      kind: 'subnet';
      id: string;
      vnetId: string;
      addressPrefixes: string[] | null;
      nsgId: string;
      /** '' when the subnet has none. */
      routeTableId?: string;
      /** How many subnets the virtual network has, of which `mv-expand` returns at most its limit. */
      subnetCount?: number | null;
    }
  | { kind: 'subnet-nsg'; id: string; rules: SecurityRuleRow[] | null }
  | { kind: 'route-table'; id: string; routes: RouteRow[] | null }
  | { kind: 'bastion'; id: string; name: string; vnetId: string };

/** One VM a Defender JIT policy covers. */
export interface JitRow {
  /** The VM's id. */
  id: string;
  ports: { number: number }[] | null;
}

/** Which machines the queries cover: subscriptions (resolved, never empty), resource groups, tags. */
export interface FleetQueryScope {
  subscriptions: readonly string[];
  resourceGroups: readonly string[];
  tags: readonly { key: string; value: string }[];
}

/**
 * The resources some changes wrote (lower-case ids): the machines to read are those that are, or sit
 * behind, one of them. Subnets include those the NSGs and route tables are attached to, found by the reader.
 */
export interface TouchedResources {
  vmIds: readonly string[];
  nicIds: readonly string[];
  nsgIds: readonly string[];
  subnetIds: readonly string[];
  routeTableIds: readonly string[];
  publicIpIds: readonly string[];
  /** Every machine of these groups (a JIT policy covers its resource group's machines). */
  resourceGroups: readonly string[];
}

/** Turns machine rows into the caller's machine facts, once the network and JIT rows are in. */
export type FleetJoin<Machine> = (
  network: readonly NetworkRow[],
  jit: readonly JitRow[],
) => (row: MachineRow) => Machine;

/** A machine as the metrics read needs it. */
export interface MetricsTarget {
  id: string;
  name: string;
  subscriptionId: string;
}

export interface FleetRead<Machine> {
  machines: Machine[];
  /** Resource Graph and Monitor requests sent (the SDK's own retries of a 429 not counted). */
  calls: number;
  /** How long throttling (429 with Retry-After) held the inventory back. */
  throttledMs: number;
  /** What the inventory could not see in full (subnets past Resource Graph's expansion limit, agents not read). */
  warnings: string[];
}

export interface MetricsRead {
  metrics: Map<string, MetricsFacts>;
  calls: number;
  /** What went wrong for the machines whose metrics could not be read. */
  failures: string[];
}
