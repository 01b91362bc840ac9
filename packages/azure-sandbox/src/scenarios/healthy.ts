import type { WindowsGuest } from '../guest/windows';
import type { MetricProfile, SecurityRule } from '../world';
import type { At, VmSpec } from './spec';

// The healthy Windows VM every scenario starts from: running, agent ready, boot diagnostics on, a static
// Standard public IP, NSGs that allow RDP from the office range only, and a guest with nothing wrong.

export const OFFICE_PREFIX = '203.0.113.0/24';
export const OFFICE_SOURCE = '203.0.113.10';
const GiB = 2 ** 30;
const MiB = 2 ** 20;

export function inboundRule(rule: {
  name: string;
  priority: number;
  access: 'Allow' | 'Deny';
  source: string;
  port: string;
  protocol?: string;
  description?: string;
}): SecurityRule {
  return {
    name: rule.name,
    priority: rule.priority,
    direction: 'Inbound',
    access: rule.access,
    protocol: rule.protocol ?? 'Tcp',
    ...(rule.description ? { description: rule.description } : {}),
    sourceAddressPrefix: rule.source,
    sourceAddressPrefixes: [],
    sourcePortRange: '*',
    sourcePortRanges: [],
    destinationAddressPrefix: '*',
    destinationAddressPrefixes: [],
    destinationPortRange: rule.port,
    destinationPortRanges: [],
  };
}

export function allowRdpFromOffice(): SecurityRule {
  return inboundRule({
    name: 'Allow-RDP-FromOffice',
    priority: 300,
    access: 'Allow',
    source: OFFICE_PREFIX,
    port: '3389',
  });
}

export function healthyMetrics(): MetricProfile {
  return {
    cpuPercent: 12,
    availableMemoryBytes: 5 * GiB,
    osDiskIopsConsumedPercent: 8,
    osDiskBandwidthConsumedPercent: 5,
  };
}

export const HEALTHY_SERIAL_LOG = [
  'Computer is booting, SAC started and initialized.',
  '',
  'Use the "ch -?" command for information about using channels.',
  'Use the "?" command for general help.',
  '',
  'SAC>',
  'EVENT: The CMD command is now available.',
  'SAC>',
  '',
].join('\n');

export function healthyGuest(at: At): WindowsGuest {
  return {
    schemaVersion: 1,
    collectedAt: at(0),
    os: {
      caption: 'Microsoft Windows Server 2022 Datacenter',
      version: '10.0.20348',
      lastBootUpTime: at(7 * 24 * 60),
      domainJoined: false,
      domain: null,
      secureChannelOk: null,
    },
    rdp: {
      termService: { status: 'Running', startType: 'Manual' },
      fDenyTSConnections: 0,
      portNumber: 3389,
      listening: true,
      userAuthentication: 1,
      securityLayer: 2,
      certificate: {
        thumbprint: 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678',
        present: true,
        notAfter: at(-180 * 24 * 60),
      },
      firewall: { rdpRulesEnabled: true, portAllowed: true, defaultInboundAction: 'Block' },
      rdsh: { installed: false, licensingMode: null, licenseServers: [], graceDaysLeft: null },
      credssp: { allowEncryptionOracle: null },
      singleSessionPerUser: 1,
      sessions: [],
    },
    updates: {
      lastHotfixes: [{ id: 'KB5046616', installedOn: at(15 * 24 * 60) }],
      rebootPending: false,
      servicingActive: false,
    },
    resources: {
      systemDrive: { freeBytes: 60 * GiB, sizeBytes: 127 * GiB },
      memory: { totalBytes: 8 * GiB, freeBytes: 5 * GiB },
      topProcesses: [
        { name: 'w3wp', pid: 4120, workingSetBytes: 600 * MiB },
        { name: 'MsMpEng', pid: 3012, workingSetBytes: 200 * MiB },
      ],
    },
    accounts: [
      { name: 'azureadmin', enabled: true, lockedOut: false, passwordExpired: false, rdpAllowed: true },
    ],
    events: [],
    errors: [],
  };
}

export function healthyVm(name: string, at: At): VmSpec {
  return {
    name,
    osType: 'Windows',
    size: 'Standard_D2s_v5',
    powerState: 'running',
    stoppedMinutesAgo: null,
    agent: { ready: true, message: 'GuestAgent is running and processing the extensions.' },
    bootDiagnostics: true,
    console: 'sign-in',
    serialLog: HEALTHY_SERIAL_LOG,
    subnet: 'snet-app',
    publicIp: { sku: 'Standard', allocation: 'Static', domainNameLabel: null },
    nicRules: [allowRdpFromOffice()],
    jitPorts: [],
    guest: healthyGuest(at),
    metrics: healthyMetrics(),
    activity: [],
    dns: {},
    faults: {},
  };
}

/** The office's RDP and SSH allow rules, as the healthy subnet NSG and the fleet's NSGs carry them. */
export function officeRules(): SecurityRule[] {
  return [
    inboundRule({
      name: 'Allow-RDP-FromOffice',
      priority: 300,
      access: 'Allow',
      source: OFFICE_PREFIX,
      port: '3389',
    }),
    inboundRule({
      name: 'Allow-SSH-FromOffice',
      priority: 310,
      access: 'Allow',
      source: OFFICE_PREFIX,
      port: '22',
    }),
  ];
}
