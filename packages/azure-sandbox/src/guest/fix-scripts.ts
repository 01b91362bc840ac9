import type { WindowsGuest } from './windows';
import { randomBytes } from 'node:crypto';
import { healthyMetrics } from '../scenarios/healthy';
import type { VirtualMachine } from '../world';
import { clearLogonEvidence, LOCKOUT_CODES } from './accounts';
import {
  bindParameters,
  convertToJsonCompressed,
  errorRecord,
  PowerShellError,
  type BoundParameters,
  type ParameterDeclaration,
  type RunCommandParameter,
} from './powershell';

// The fix scripts of src/fixes/scripts as the sandbox's Windows runs them. A script is known by its first
// line, `# rdp-doctor-fix: <id>`; its values come only from the Run Command parameters, bound to the same
// param() block the .ps1 declares. Each does to the VM's guest state what the script does to Windows, and
// prints what the script prints, refusals included: ONE line, { "ok": bool, "message": "..." }.

const FIX_MARKER = /^#\s*rdp-doctor-fix:\s*(\S+)\s*$/;

type Rdp = NonNullable<WindowsGuest['rdp']>;
type Firewall = NonNullable<Rdp['firewall']>;

interface ScriptResult {
  ok: boolean;
  message: string;
}

/** An exception inside a script's try block: its catch prints `{ ok: false }` with the reason. */
class ScriptException extends Error {}

interface FixScript {
  params: ParameterDeclaration[];
  /** How the script's catch block begins its message. */
  failure(args: BoundParameters): string;
  run(vm: VirtualMachine, args: BoundParameters, now: number): ScriptResult;
}

// The patterns of the scripts' ValidatePattern attributes.
const ACCOUNT_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,18}[A-Za-z0-9_-])?$/;
const PROCESS_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

const RDP_TCP_KEY =
  'HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp';
const DEFAULT_PORT = 3389;
/** Windows Server's Remote Desktop group: User Mode TCP-In and UDP-In, and Shadow TCP-In. */
const RDP_GROUP_INBOUND_RULES = 3;
/** Windows makes the listener's self-signed certificate valid for six months. */
const SELF_SIGNED_MONTHS = 6;
const MiB = 2 ** 20;

function rdpOf(vm: VirtualMachine): Rdp {
  if (!vm.guest.rdp) {
    throw new ScriptException(`the sandbox holds no Remote Desktop state for ${vm.name}`);
  }
  return vm.guest.rdp;
}

/** The Remote Desktop group opens TCP 3389 only: a listener on another port needs a rule of its own. */
function withRdpGroupEnabled(firewall: Firewall | null, port: number | null): Firewall {
  return {
    defaultInboundAction: firewall?.defaultInboundAction ?? 'Block',
    rdpRulesEnabled: true,
    portAllowed: (firewall?.portAllowed ?? false) || port === DEFAULT_PORT,
  };
}

/** Restart-Service TermService: refused for a disabled service; the listener binds unless RDP is off. */
function restartTermService(rdp: Rdp): void {
  if (rdp.termService?.startType === 'Disabled') {
    throw new ScriptException(
      "Service 'Remote Desktop Services (TermService)' cannot be started due to the following error: Cannot start service TermService on computer '.'.",
    );
  }
  rdp.termService = { status: 'Running', startType: rdp.termService?.startType ?? 'Manual' };
  rdp.listening = rdp.fDenyTSConnections !== 1;
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function monthsLater(ms: number, months: number): number {
  const date = new Date(ms);
  date.setUTCMonth(date.getUTCMonth() + months);
  return date.getTime();
}

export const FIX_SCRIPTS: Record<string, FixScript> = {
  'start-termservice': {
    params: [],
    failure: () => 'Starting TermService failed',
    run(vm) {
      const rdp = rdpOf(vm);
      const wasRunning = rdp.termService?.status === 'Running';
      rdp.termService = { status: 'Running', startType: 'Automatic' };
      if (!wasRunning) rdp.listening = rdp.fDenyTSConnections !== 1;
      return { ok: true, message: 'TermService is running and starts automatically.' };
    },
  },
  'enable-rdp-firewall-rules': {
    params: [],
    failure: () => 'Enabling the Remote Desktop firewall rules failed',
    run(vm) {
      const rdp = rdpOf(vm);
      rdp.firewall = withRdpGroupEnabled(rdp.firewall, rdp.portNumber);
      return {
        ok: true,
        message: `Enabled the Remote Desktop firewall rules (${RDP_GROUP_INBOUND_RULES} inbound).`,
      };
    },
  },
  'enable-rdp-connections': {
    params: [],
    failure: () => 'Enabling Remote Desktop connections failed',
    run(vm) {
      const rdp = rdpOf(vm);
      rdp.fDenyTSConnections = 0;
      rdp.firewall = withRdpGroupEnabled(rdp.firewall, rdp.portNumber);
      // TermService watches the value: a running service starts listening without a restart.
      rdp.listening = rdp.termService?.status === 'Running';
      return {
        ok: true,
        message:
          'Remote Desktop connections are allowed (fDenyTSConnections = 0) and its firewall rules are enabled.',
      };
    },
  },
  'reset-rdp-port': {
    params: [],
    failure: () => 'Resetting the RDP port failed',
    run(vm) {
      const rdp = rdpOf(vm);
      const before = rdp.portNumber;
      if (before === null) {
        throw new ScriptException(`Property PortNumber does not exist at path ${RDP_TCP_KEY}.`);
      }
      rdp.portNumber = DEFAULT_PORT;
      if (rdp.firewall) {
        rdp.firewall = {
          ...rdp.firewall,
          portAllowed: rdp.firewall.rdpRulesEnabled || rdp.firewall.defaultInboundAction === 'Allow',
        };
      }
      restartTermService(rdp);
      return {
        ok: true,
        message: `The RDP listener port was ${before} and is now ${DEFAULT_PORT}; TermService restarted.`,
      };
    },
  },
  'reset-listener-certificate': {
    params: [],
    failure: () => 'Resetting the listener certificate failed',
    run(vm, _args, now) {
      const rdp = rdpOf(vm);
      const removed = rdp.certificate?.present ? 1 : 0;
      rdp.certificate = { thumbprint: null, present: false, notAfter: null };
      restartTermService(rdp);
      const notAfter = monthsLater(now, SELF_SIGNED_MONTHS);
      const thumbprint = randomBytes(20).toString('hex').toUpperCase();
      rdp.certificate = { thumbprint, present: true, notAfter: new Date(notAfter).toISOString() };
      return {
        ok: true,
        message: `Removed ${removed} certificate(s); Windows made a new listener certificate ${thumbprint}, valid until ${isoDay(notAfter)}.`,
      };
    },
  },
  'unlock-account': {
    params: [{ name: 'UserName', type: 'string', pattern: ACCOUNT_NAME }],
    failure: (args) => `Unlocking ${args.UserName} failed`,
    run(vm, args) {
      const userName = String(args.UserName);
      const account = (vm.guest.accounts ?? []).find((a) => a.name.toLowerCase() === userName.toLowerCase());
      if (!account)
        return { ok: false, message: `There is no local account ${userName}; nothing was changed.` };
      const done: string[] = [];
      if (account.lockedOut) {
        account.lockedOut = false;
        done.push('unlocked');
      }
      if (!account.enabled) {
        account.enabled = true;
        done.push('enabled');
      }
      clearLogonEvidence(vm.guest, account.name, LOCKOUT_CODES);
      return {
        ok: true,
        message:
          done.length === 0
            ? `${account.name} was already unlocked and enabled.`
            : `${account.name} is ${done.join(' and ')}.`,
      };
    },
  },
  'stop-process': {
    params: [
      { name: 'ProcessId', type: 'int', min: 1, max: 2 ** 31 - 1 },
      { name: 'ExpectedName', type: 'string', pattern: PROCESS_NAME },
    ],
    failure: (args) => `Stopping pid ${args.ProcessId} failed`,
    run(vm, args) {
      const pid = Number(args.ProcessId);
      const expected = String(args.ExpectedName);
      const resources = vm.guest.resources;
      const process = resources?.topProcesses.find((p) => p.pid === pid);
      if (!resources || !process) {
        return { ok: false, message: `No process with pid ${pid} runs any more; nothing was stopped.` };
      }
      // PowerShell's -ne compares strings case-insensitively.
      if (process.name.toLowerCase() !== expected.toLowerCase()) {
        return {
          ok: false,
          message: `pid ${pid} now runs ${process.name}, not ${expected}; nothing was stopped.`,
        };
      }
      resources.topProcesses = resources.topProcesses.filter((p) => p !== process);
      const memory = resources.memory;
      const total = memory?.totalBytes ?? Infinity;
      if (memory) memory.freeBytes = Math.min(total, memory.freeBytes + process.workingSetBytes);
      // Metrics are one profile per machine with no per-process share: the stopped process was the load.
      vm.metrics.availableMemoryBytes = Math.min(
        total,
        vm.metrics.availableMemoryBytes + process.workingSetBytes,
      );
      vm.metrics.cpuPercent = Math.min(vm.metrics.cpuPercent, healthyMetrics().cpuPercent);
      return {
        ok: true,
        message: `Stopped ${expected} (pid ${pid}), which held ${Math.round(process.workingSetBytes / MiB)} MB.`,
      };
    },
  },
  'logoff-session': {
    params: [
      { name: 'SessionId', type: 'int', min: 1, max: 65535 },
      { name: 'ExpectedUser', type: 'string', pattern: ACCOUNT_NAME },
    ],
    failure: (args) => `Signing off session ${args.SessionId} failed`,
    run(vm, args) {
      const id = Number(args.SessionId);
      const expected = String(args.ExpectedUser);
      const rdp = rdpOf(vm);
      // quser lists signed-in sessions only, by user name without the domain.
      const session = (rdp.sessions ?? []).find((s) => s.id === id && s.user !== '');
      if (!session) return { ok: false, message: `Session ${id} is gone; nothing was signed off.` };
      const user = session.user.split('\\').pop() ?? session.user;
      if (user.toLowerCase() !== expected.toLowerCase()) {
        return {
          ok: false,
          message: `Session ${id} now belongs to ${user}, not ${expected}; nothing was signed off.`,
        };
      }
      rdp.sessions = (rdp.sessions ?? []).filter((s) => s !== session);
      return { ok: true, message: `Signed off ${expected} from session ${id} (${session.state}).` };
    },
  },
};

export interface ScriptOutput {
  stdout: string;
  stderr: string;
}

/** The fix a script's first line names, or null for any other script (the guest probe). */
export function fixMarker(script: readonly string[]): string | null {
  const first = script[0]?.replace(/^\uFEFF/, '') ?? '';
  return FIX_MARKER.exec(first.trim())?.[1] ?? null;
}

/** Runs the fix script `fixId` names against the VM's guest state, and what it printed. */
export function runFixScript(
  vm: VirtualMachine,
  fixId: string,
  parameters: readonly RunCommandParameter[],
  now: number,
): ScriptOutput {
  const script = Object.hasOwn(FIX_SCRIPTS, fixId) ? FIX_SCRIPTS[fixId] : undefined;
  if (!script) {
    return {
      stdout: '',
      stderr:
        `The sandbox runs the guest probe and the fix scripts of src/fixes/scripts only; "# rdp-doctor-fix: ${fixId}" ` +
        `names none of them, so nothing ran inside ${vm.name}. Exit code: 1.`,
    };
  }
  let args: BoundParameters;
  try {
    args = bindParameters(script.params, parameters);
  } catch (error) {
    if (error instanceof PowerShellError) return { stdout: '', stderr: errorRecord(error) };
    throw error;
  }
  let result: ScriptResult;
  try {
    result = script.run(vm, args, now);
  } catch (error) {
    if (!(error instanceof ScriptException)) throw error;
    result = { ok: false, message: `${script.failure(args)}: ${error.message}` };
  }
  return { stdout: convertToJsonCompressed({ ok: result.ok, message: result.message }), stderr: '' };
}
