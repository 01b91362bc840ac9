import type { GuestFacts } from './guest-facts';
import type { WrittenRule } from './nsg-as-written';

// Everything the rules may read. Gatherers (src/azure/) fill it from ARM; rules never see SDK types.

export const LAYERS = ['platform', 'network', 'service', 'auth', 'guest'] as const;
export type Layer = (typeof LAYERS)[number];

export const SYMPTOMS = [
  'timeout',
  'refused',
  'credentials',
  'credssp',
  'black-screen',
  'disconnects',
  'unknown',
] as const;
export type Symptom = (typeof SYMPTOMS)[number];

/** A gatherer's outcome: never thrown, always reported. */
export type Gathered<T> =
  | { status: 'ok'; value: T; durationMs: number }
  /** `timedOut`: the gatherer gave up waiting, which may itself be evidence (a Run Command that never answers). */
  | { status: 'error'; reason: string; durationMs: number; timedOut?: true }
  | { status: 'skipped'; reason: string; durationMs: number };

export interface DiagnosisRequest {
  symptom: Symptom;
  /** The client address (or range) the user connects from, if given. */
  source: string | null;
  /** The DNS name the user dials, if given. */
  host: string | null;
}

export interface VmIdentity {
  id: string;
  name: string;
  resourceGroup: string;
  subscriptionId: string;
  location: string;
}

export interface NicFacts {
  id: string;
  name: string;
  primary: boolean;
  privateIp: string | null;
  subnetId: string | null;
  /** NSG attached to the NIC itself (the subnet's is in effectiveNsg). */
  nsgId: string | null;
  publicIpId: string | null;
}

export interface VmFacts extends VmIdentity {
  osType: 'Windows' | 'Linux';
  /** From the instance view status `PowerState/<x>`: running, deallocated, stopped, starting, deallocating, stopping, unknown. */
  powerState: string;
  provisioningState: string | null;
  size: string | null;
  agent: { status: 'ready' | 'not-ready' | 'unknown'; version: string | null; message: string | null };
  bootDiagnosticsEnabled: boolean;
  nics: NicFacts[];
}

export interface BootDiagnosticsFacts {
  screenshotUri: string | null;
  serialLogUri: string | null;
  /** Size of the downloaded screenshot, null when it could not be read. */
  screenshotBytes: number | null;
  /** Last few KB of the serial console log, null when unavailable. */
  serialLogTail: string | null;
}

export interface EffectiveRule {
  /** As ARM names it: `securityRules/DenyRdp` or `defaultSecurityRules/DenyAllInBound`. */
  name: string;
  priority: number;
  access: 'Allow' | 'Deny';
  direction: 'Inbound' | 'Outbound';
  /** Tcp, Udp, Icmp, All */
  protocol: string;
  /** Source prefixes after service tags are expanded, e.g. ['0.0.0.0/0'] for '*'. */
  sourcePrefixes: string[];
  /** The prefixes as written in the rule (service tags kept): 'Internet', '*', '203.0.113.0/24'. */
  sourcePrefixesAsWritten: string[];
  /** '3389', '3389-3389', '*', '1024-65535' */
  destinationPortRanges: string[];
  /** Destination prefixes after service tags are expanded, '*' as '0.0.0.0/0'; a tag ARM did not expand stays as written. */
  destinationPrefixes: string[];
  /** The destination prefixes as written in the rule: '*', 'VirtualNetwork', '10.0.1.5'. */
  destinationPrefixesAsWritten: string[];
}

export interface EffectiveNsgGroup {
  nsgId: string;
  /** Where the NSG is attached: the NIC or the NIC's subnet. Both must allow. */
  scope: 'nic' | 'subnet';
  rules: EffectiveRule[];
}

export interface EffectiveNsgFacts {
  nicId: string;
  groups: EffectiveNsgGroup[];
}

/** The NSGs of the primary NIC and its subnet as their rules are written (plain GETs, no computation by Azure). */
export interface NsgRulesFacts {
  nicId: string;
  /** The subnet's address ranges: the part of the VirtualNetwork tag known without reading the network. */
  subnetPrefixes: string[];
  /** Subnet NSG first, then the NIC's; rules in ARM's `securityRules` shape. */
  groups: {
    nsgId: string;
    scope: EffectiveNsgGroup['scope'];
    rules: { name: string; properties: WrittenRule }[];
  }[];
}

export interface IpFlowFacts {
  /** The packet that was verified. */
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  access: 'Allow' | 'Deny';
  /** The deciding rule as Network Watcher names it, e.g. `securityRules/DenyRdp`. */
  ruleName: string | null;
}

export interface NextHopFacts {
  /** Reply path: VM → source. */
  sourceIp: string;
  destinationIp: string;
  nextHopType: string;
  nextHopIpAddress: string | null;
  routeTableId: string | null;
}

export interface EffectiveRouteFacts {
  routes: {
    source: string;
    state: string;
    addressPrefixes: string[];
    nextHopType: string;
    nextHopIpAddresses: string[];
  }[];
}

export interface PublicIpFacts {
  /** Null when the VM has no public IP. */
  publicIp: {
    id: string;
    name: string;
    ipAddress: string | null;
    allocationMethod: 'Static' | 'Dynamic';
    sku: string | null;
    fqdn: string | null;
  } | null;
}

export interface DnsFacts {
  host: string;
  addresses: string[];
}

export interface JitFacts {
  /** The JIT policy that covers this VM, null when none does. */
  policy: {
    id: string;
    name: string;
    ports: {
      number: number;
      protocol: string;
      allowedSourceAddressPrefixes: string[];
      maxRequestAccessDuration: string;
    }[];
  } | null;
  /** Requests for this VM (any state); rules decide which are active. */
  requests: {
    startTimeUtc: string;
    requestor: string | null;
    ports: { number: number; allowedSourceAddressPrefixes: string[]; endTimeUtc: string; status: string }[];
  }[];
}

export interface MetricSeries {
  /** e.g. 'Percentage CPU', 'Available Memory Bytes', 'OS Disk IOPS Consumed Percentage'. */
  name: string;
  unit: string;
  /** Average per interval, oldest first; null where the platform has no data point. */
  points: { time: string; average: number | null }[];
}

export interface MetricsFacts {
  intervalMinutes: number;
  series: MetricSeries[];
}

export interface ActivityEvent {
  time: string;
  operationName: string;
  resourceId: string;
  caller: string | null;
  status: string | null;
  correlationId: string | null;
}

export interface ActivityLogFacts {
  /** Writes and deletes to the VM, its NICs, NSGs and public IP in the last 24 h, newest first. */
  events: ActivityEvent[];
}

export interface Facts {
  request: DiagnosisRequest;
  /** The clock the rules judge by (ISO 8601), so rules stay pure. */
  now: string;
  vm: Gathered<VmFacts>;
  bootDiagnostics: Gathered<BootDiagnosticsFacts>;
  effectiveNsg: Gathered<EffectiveNsgFacts>;
  /** Read for the provisional network verdict only: no rule reads it. */
  nsgRules: Gathered<NsgRulesFacts>;
  ipFlow: Gathered<IpFlowFacts>;
  nextHop: Gathered<NextHopFacts>;
  effectiveRoutes: Gathered<EffectiveRouteFacts>;
  publicIp: Gathered<PublicIpFacts>;
  dns: Gathered<DnsFacts>;
  jit: Gathered<JitFacts>;
  metrics: Gathered<MetricsFacts>;
  activityLog: Gathered<ActivityLogFacts>;
  guest: Gathered<GuestFacts>;
}

export type FactKey = Exclude<keyof Facts, 'request' | 'now'>;

export const FACT_KEYS: readonly FactKey[] = [
  'vm',
  'bootDiagnostics',
  'effectiveNsg',
  'nsgRules',
  'ipFlow',
  'nextHop',
  'effectiveRoutes',
  'publicIp',
  'dns',
  'jit',
  'metrics',
  'activityLog',
  'guest',
];

/** The value of a fact the rule declared it needs; the engine only runs a rule when all its needs are ok. */
export function factValue<K extends FactKey>(facts: Facts, key: K): FactValue<K> {
  const fact = facts[key];
  if (fact.status !== 'ok')
    throw new Error(`fact ${key} is ${fact.status}; a rule read a fact it did not declare`);
  return fact.value as FactValue<K>;
}

export type FactValue<K extends FactKey> = Facts[K] extends Gathered<infer T> ? T : never;

/** An optional fact: the value when gathered, else undefined. */
export function optionalFact<K extends FactKey>(facts: Facts, key: K): FactValue<K> | undefined {
  const fact = facts[key];
  return fact.status === 'ok' ? (fact.value as FactValue<K>) : undefined;
}
