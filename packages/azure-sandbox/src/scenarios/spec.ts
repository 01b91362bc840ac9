import type { WindowsGuest } from '../guest/windows';
import type { MetricProfile, SecurityRule, VmFaults } from '../world';

// A scenario is data: one VM described as a change to the healthy base, the cause it demonstrates, and the
// request that demonstrates it. `addVm` turns a VmSpec into ARM resources in the world.

/** ISO time `minutes` before the world started. */
export type At = (minutesAgo: number) => string;

/** A subnet of the sandbox vnet: snet-app, snet-spoke, snet-egress, snet-dmz (see foundation), or one a fleet adds. */
export type SubnetName = string;

export type ActivityTarget = 'vm' | 'public-ip' | { nicNsgRule: string };

export interface ActivitySpec {
  minutesAgo: number;
  caller: string;
  /** e.g. `Microsoft.Network/networkSecurityGroups/securityRules/write` */
  operation: string;
  target: ActivityTarget;
}

export interface VmSpec {
  name: string;
  osType: 'Windows' | 'Linux';
  size: string;
  powerState: 'running' | 'stopped' | 'deallocated';
  /** For a machine that is not running: how long ago it stopped. */
  stoppedMinutesAgo: number | null;
  agent: { ready: boolean; message: string };
  bootDiagnostics: boolean;
  console: 'sign-in' | 'boot-failure';
  serialLog: string;
  subnet: SubnetName;
  publicIp: {
    sku: 'Basic' | 'Standard';
    allocation: 'Static' | 'Dynamic';
    domainNameLabel: string | null;
  } | null;
  /** Custom rules of the NIC's own NSG (the subnet's NSG is shared, see foundation). */
  nicRules: SecurityRule[];
  /** Ports a Defender for Cloud JIT policy holds shut on this VM. */
  jitPorts: number[];
  guest: WindowsGuest;
  metrics: MetricProfile;
  activity: ActivitySpec[];
  /** Sandbox DNS records this scenario adds: name → addresses. */
  dns: Record<string, string[]>;
  faults: VmFaults;
}

export interface Placement {
  subscription: 'primary' | 'other';
  resourceGroup: string;
}

/**
 * What a person would ask about this VM, in the words of `/rdp` and `rdp-doctor diagnose`: how the
 * connection fails, where they connect from, the name they dial.
 */
export interface DemoRequest {
  symptom: 'timeout' | 'refused' | 'credentials' | 'credssp' | 'black-screen' | 'disconnects' | 'unknown';
  source: string | null;
  host: string | null;
}

export interface Scenario {
  /** The VM's name: the cause id for cause scenarios. */
  name: string;
  /** The cause id (docs/causes.md) the VM demonstrates; null for the healthy VM and the failure scenarios. */
  cause: string | null;
  summary: string;
  /** What to diagnose it with: `rdp-doctor diagnose <name> --symptom … --from … --host …`. */
  request: DemoRequest;
  placements: Placement[];
  vm(at: At): VmSpec;
}
