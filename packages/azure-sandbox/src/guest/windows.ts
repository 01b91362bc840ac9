// What the sandbox knows of a Windows guest: exactly what the guest probe prints on stdout when Run Command
// runs it there (the guest-facts contract in DESIGN.md), kept here in Windows' own terms. The sandbox never
// borrows the product's reading of that JSON, so if the product misreads the probe, tests against the
// sandbox fail instead of agreeing with it.

export interface WindowsOs {
  caption: string | null;
  version: string | null;
  lastBootUpTime: string | null;
  domainJoined: boolean;
  domain: string | null;
  secureChannelOk: boolean | null;
}

export interface WindowsRdp {
  termService: { status: string; startType: string } | null;
  fDenyTSConnections: 0 | 1 | null;
  portNumber: number | null;
  listening: boolean | null;
  userAuthentication: 0 | 1 | null;
  securityLayer: number | null;
  certificate: { thumbprint: string | null; present: boolean; notAfter: string | null } | null;
  firewall: {
    rdpRulesEnabled: boolean;
    portAllowed: boolean;
    defaultInboundAction: 'Block' | 'Allow';
  } | null;
  rdsh: {
    installed: boolean;
    licensingMode: number | null;
    licenseServers: string[];
    graceDaysLeft: number | null;
  } | null;
  credssp: { allowEncryptionOracle: number | null } | null;
  singleSessionPerUser: 0 | 1 | null;
  sessions: { id: number; user: string; state: string }[] | null;
}

export interface WindowsUpdates {
  lastHotfixes: { id: string; installedOn: string | null }[];
  rebootPending: boolean;
  servicingActive: boolean;
}

export interface WindowsResources {
  systemDrive: { freeBytes: number; sizeBytes: number } | null;
  memory: { totalBytes: number; freeBytes: number } | null;
  topProcesses: { name: string; pid: number; workingSetBytes: number }[];
}

export interface WindowsAccount {
  name: string;
  enabled: boolean;
  lockedOut: boolean;
  passwordExpired: boolean;
  rdpAllowed: boolean;
}

/** One event log record as the probe prints it: the event's named data fields as strings. */
export interface WindowsEvent {
  log: string;
  id: number;
  time: string;
  provider: string;
  data: Record<string, string>;
}

/** The probe's stdout on this guest; a sub-probe that failed prints null and says why in `errors`. */
export interface WindowsGuest {
  schemaVersion: 1;
  collectedAt: string;
  os: WindowsOs | null;
  rdp: WindowsRdp | null;
  updates: WindowsUpdates | null;
  resources: WindowsResources | null;
  accounts: WindowsAccount[] | null;
  events: WindowsEvent[] | null;
  errors: { probe: string; message: string }[];
}

/** NTSTATUS codes Windows writes into a failed logon's event (4625 `Status`/`SubStatus`). */
export const NTSTATUS = {
  wrongPassword: '0xC000006A',
  lockedOut: '0xC0000234',
  accountDisabled: '0xC0000072',
  passwordExpired: '0xC0000071',
  mustChangePassword: '0xC0000224',
  logonTypeNotGranted: '0xC000015B',
} as const;
