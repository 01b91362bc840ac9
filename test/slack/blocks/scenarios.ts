import type { Report } from '../../../src/diagnosis/report';
import type { LiveDiagnosis } from '../../../src/slack/blocks/types';
import { ALL_CAUSES, CAUSE_LAYERS, check, fired, report, RUN_ID } from './support';

// Representative reports: what the on-call engineer meets most (a deny rule), a guest in trouble on
// every front, a clean machine, and a diagnosis that could not see into the guest.

export const nsgDenies = fired('nsg-denies-rdp', {
  summary:
    'vm-web-01-nsg (NIC) denies TCP 3389 from 203.0.113.10 to 10.0.1.4: rule DenyRdp (priority 100) decides.',
  evidence: [
    'rule DenyRdp (priority 100) in vm-web-01-nsg (NIC) denies TCP 3389 from *',
    'rule AllowRdpOffice (priority 300) comes after it and never takes effect',
    'IP flow verify: Deny for TCP 203.0.113.10 → 10.0.1.4:3389 by securityRules/DenyRdp',
    'alice@contoso.com wrote vm-web-01-nsg at 09:12 UTC (Microsoft.Network/networkSecurityGroups/write)',
  ],
  fixes: ['nsg-allow-rdp-from-source'],
  advice:
    'Allow TCP 3389 only from your own address or range, ahead of the deny; never from *, Internet or 0.0.0.0/0.',
});

export const jitClosed = fired('jit-access-not-requested', {
  summary: 'JIT policy default holds TCP 3389 shut and no request is active for 203.0.113.10.',
  evidence: ['JIT policy default covers 3389 (max 3 h)', 'last request ended at 08:00 UTC'],
  fixes: ['jit-request-access'],
});

export const dynamicIp = fired('public-ip-dynamic', {
  summary: 'The public IP vm-web-01-pip is dynamic: it changes when the VM is deallocated.',
  evidence: ['vm-web-01-pip: Dynamic, 20.50.60.70'],
  fixes: ['make-public-ip-static'],
  severity: 'warning',
});

export const bootDiagnosticsOff = fired('boot-diagnostics-disabled', {
  summary: 'Boot diagnostics are off: no screenshot, no serial console.',
  evidence: ['diagnosticsProfile.bootDiagnostics.enabled = false'],
  advice: 'Enable boot diagnostics with a managed storage account.',
  severity: 'warning',
});

export const networkReport: Report = report(
  {
    layer: 'network',
    causes: ['nsg-denies-rdp', 'jit-access-not-requested'],
    summary:
      'vm-web-01-nsg (NIC) denies TCP 3389 from 203.0.113.10 to 10.0.1.4: rule DenyRdp (priority 100) decides (and 1 more cause in this layer).',
  },
  [nsgDenies, jitClosed, dynamicIp, bootDiagnosticsOff],
);

const memory = fired('memory-exhausted', {
  summary:
    'The machine is out of memory and w3wp (pid 4242) holds 7.1 GiB: there is no headroom to start a session.',
  evidence: [
    'Guest free memory: 96 MiB of 8 GiB (1.2 %)',
    'Available Memory Bytes below 256 MiB for the last 3 points: 120 MiB, 101 MiB, 96 MiB from 11:45 to 11:55 UTC',
    'Largest stoppable process: w3wp (pid 4242), 7.1 GiB working set',
  ],
  fixes: ['stop-process', 'restart-vm'],
  advice: 'Relieve the pressure first, then find why the process grew.',
});
const cpu = fired('cpu-saturated', {
  summary: 'The CPU has been pinned at 95 % or more for the last 15 minutes.',
  evidence: [
    'Percentage CPU at or above 95 % for the last 3 points: 97 %, 99 %, 100 % from 11:45 to 11:55 UTC',
    'Largest stoppable process: w3wp (pid 4242), 7.1 GiB working set',
  ],
  fixes: ['stop-process', 'restart-vm'],
});
const diskFull = fired('disk-full', {
  summary: 'The system drive C: has 180 MiB free of 127 GiB (0.1 %).',
  evidence: ['C: 180 MiB free of 127 GiB'],
  advice: 'Clear space on C: (temp files, old logs, the component store) through Run Command.',
});
const update = fired('update-in-progress', {
  summary: 'Windows is servicing updates and a reboot is pending.',
  evidence: ['TrustedInstaller running', 'RebootPending = true'],
  fixes: ['restart-vm'],
});
const collision = fired('session-collision', {
  summary: '2 sessions already hold this machine: a new sign-in collides with them.',
  evidence: ['Session 2: alice, Disc', 'Session 3: bob, Active'],
  fixes: ['logoff-session'],
});
const temporaryProfile = fired('temporary-profile', {
  summary: 'The User Profile Service gave bob a temporary profile.',
  evidence: ['1511 at 11:40 UTC for bob'],
});
const shell = fired('shell-crash', {
  summary: 'explorer.exe crashed 4 times in the last hour: the desktop does not paint.',
  evidence: ['Application Error 1000: explorer.exe at 11:20, 11:31, 11:42, 11:53 UTC'],
  fixes: ['restart-vm'],
});

export const guestReport: Report = report(
  {
    layer: 'guest',
    causes: [
      'memory-exhausted',
      'cpu-saturated',
      'disk-full',
      'update-in-progress',
      'session-collision',
      'temporary-profile',
      'shell-crash',
    ],
    summary:
      'The machine is out of memory and w3wp (pid 4242) holds 7.1 GiB (and 6 more causes in this layer).',
  },
  [memory, cpu, diskFull, update, collision, temporaryProfile, shell],
  { symptom: 'black-screen' },
);

export const cleanReport: Report = report({
  layer: 'none',
  causes: [],
  summary:
    'Every layer checked clean: the network path is open, the service listens, and nothing blocks sign-in.',
});

const PROBE_TIMEOUT = 'Run Command did not answer within 90 s (the guest agent may be busy)';
const guestSide = ALL_CAUSES.filter(
  (id) => ['service', 'auth', 'guest'].includes(CAUSE_LAYERS[id]) && id !== 'cpu-saturated',
);

export const incompleteReport: Report = report(
  {
    layer: 'none',
    causes: [],
    summary: `No failing layer found, but ${guestSide.length + 1} checks could not run: the diagnosis is incomplete.`,
  },
  [
    ...guestSide.map((id) => ({
      check: check(id, 'error', { summary: `Could not check: ${PROBE_TIMEOUT}` }),
    })),
    {
      check: check('cpu-saturated', 'error', {
        summary: 'Could not check: Azure Monitor answered 429 TooManyRequests',
      }),
    },
  ],
);

export function live(over: Partial<LiveDiagnosis> = {}): LiveDiagnosis {
  return {
    runId: RUN_ID,
    target: 'vm-web-01',
    requestedBy: ['U024BE7LH'],
    request: { symptom: 'unknown', source: '203.0.113.10', host: null },
    startedAt: '2026-11-27T12:00:00.000Z',
    layers: {},
    portal: 'https://portal.azure.com',
    ...over,
  };
}

/** The live state of a run whose layers in `done` have reported, from a finished report. */
export function liveFrom(
  source: Report,
  done: readonly (keyof LiveDiagnosis['layers'])[],
  over: Partial<LiveDiagnosis> = {},
): LiveDiagnosis {
  return live({
    vm: source.vm,
    layers: Object.fromEntries(done.map((layer) => [layer, source.checks.filter((c) => c.layer === layer)])),
    findings: Object.fromEntries(
      done.map((layer) => [layer, source.findings.filter((f) => f.layer === layer)]),
    ),
    ...over,
  });
}
