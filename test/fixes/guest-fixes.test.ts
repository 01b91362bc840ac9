import type { RunCommandInput } from '@azure/arm-compute';
import { accountDisabled } from '../../src/diagnosis/causes/auth/account-disabled';
import { accountLockedOut } from '../../src/diagnosis/causes/auth/account-locked-out';
import { memoryExhausted } from '../../src/diagnosis/causes/guest/memory-exhausted';
import { sessionCollision } from '../../src/diagnosis/causes/guest/session-collision';
import { guestFirewallBlocksRdp } from '../../src/diagnosis/causes/service/guest-firewall-blocks-rdp';
import { listenerCertificateInvalid } from '../../src/diagnosis/causes/service/listener-certificate-invalid';
import { rdpConnectionsDisabled } from '../../src/diagnosis/causes/service/rdp-connections-disabled';
import { rdpPortNonstandard } from '../../src/diagnosis/causes/service/rdp-port-nonstandard';
import { termserviceNotRunning } from '../../src/diagnosis/causes/service/termservice-not-running';
import type { CauseRule } from '../../src/diagnosis/cause';
import type { Facts } from '../../src/diagnosis/facts';
import type { GuestFacts } from '../../src/diagnosis/guest-facts';
import { enableRdpConnections } from '../../src/fixes/enable-rdp-connections';
import { enableRdpFirewallRules } from '../../src/fixes/enable-rdp-firewall-rules';
import { FixFailure, FixRefusal, type FixDefinition, type FixPlan } from '../../src/fixes/fix';
import { fixScript, type GuestFixId } from '../../src/fixes/guest-script';
import { logoffSession } from '../../src/fixes/logoff-session';
import { resetListenerCertificate } from '../../src/fixes/reset-listener-certificate';
import { resetRdpPort } from '../../src/fixes/reset-rdp-port';
import { startTermservice } from '../../src/fixes/start-termservice';
import { stopProcess } from '../../src/fixes/stop-process';
import { unlockAccount } from '../../src/fixes/unlock-account';
import { factsWith, failedLogon, guestWith, healthyFacts, localAccount } from '../fixtures/facts';
import { FakeAzure, executionContext, findingOf, inputsFor, planFor, runCommandResult } from './support';

const RUN = 'virtualMachines.beginRunCommandAndWait';

function broken(change: (guest: GuestFacts) => void): () => Facts {
  return () => guestWith(change);
}

const lockedOut = broken((g) => {
  g.accounts = [localAccount('azureadmin', { lockedOut: true }), localAccount('opsuser')];
});
const memoryLow = broken((g) => {
  g.resources!.memory = { totalBytes: 8 * 2 ** 30, freeBytes: 100 * 2 ** 20 };
  g.resources!.topProcesses = [
    { name: 'lsass', pid: 700, workingSetBytes: 9 * 2 ** 30 },
    { name: 'w3wp', pid: 4120, workingSetBytes: 6 * 2 ** 30 },
    { name: 'MsMpEng', pid: 3012, workingSetBytes: 200 * 2 ** 20 },
  ];
});
const twoSessions = broken((g) => {
  g.rdp!.sessions = [
    { id: 0, user: '', state: 'Disc' },
    { id: 2, user: 'alice', state: 'Active' },
    { id: 3, user: 'bob', state: 'Disc' },
  ];
});

interface GuestCase {
  fix: FixDefinition;
  rule: CauseRule;
  facts: () => Facts;
  input: Record<string, string>;
  plan: FixPlan;
  /** The Run Command parameters the script receives. */
  parameters: { name: string; value: string }[];
}

const CASES: GuestCase[] = [
  {
    fix: startTermservice,
    rule: termserviceNotRunning,
    facts: broken((g) => {
      g.rdp!.termService = { status: 'Stopped', startType: 'Disabled' };
    }),
    input: {},
    plan: {
      params: {},
      description: 'Set TermService on vm-web-01 to start automatically and start it, through Run Command.',
    },
    parameters: [],
  },
  {
    fix: enableRdpFirewallRules,
    rule: guestFirewallBlocksRdp,
    facts: broken((g) => {
      g.rdp!.firewall = { rdpRulesEnabled: false, portAllowed: false, defaultInboundAction: 'Block' };
    }),
    input: {},
    plan: {
      params: {},
      description:
        'Enable the Remote Desktop firewall rule group inside Windows on vm-web-01, through Run Command.',
    },
    parameters: [],
  },
  {
    fix: enableRdpConnections,
    rule: rdpConnectionsDisabled,
    facts: broken((g) => {
      g.rdp!.fDenyTSConnections = 1;
    }),
    input: {},
    plan: {
      params: {},
      description:
        'Allow Remote Desktop connections on vm-web-01 (fDenyTSConnections = 0) and enable its firewall rule group, through Run Command.',
    },
    parameters: [],
  },
  {
    fix: resetRdpPort,
    rule: rdpPortNonstandard,
    facts: broken((g) => {
      g.rdp!.portNumber = 13389;
    }),
    input: {},
    plan: {
      params: {},
      description:
        'Set the RDP listener on vm-web-01 back to port 3389 (now 13389) and restart TermService, through Run Command; open sessions drop.',
    },
    parameters: [],
  },
  {
    fix: resetListenerCertificate,
    rule: listenerCertificateInvalid,
    facts: broken((g) => {
      g.rdp!.certificate = {
        thumbprint: 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678',
        present: false,
        notAfter: null,
      };
    }),
    input: {},
    plan: {
      params: {},
      description:
        "Remove the RDP listener's certificate on vm-web-01 and restart TermService so Windows makes a new self-signed one, through Run Command; open sessions drop.",
    },
    parameters: [],
  },
  {
    fix: unlockAccount,
    rule: accountLockedOut,
    facts: lockedOut,
    input: { userName: 'AzureAdmin' },
    plan: {
      params: { userName: 'azureadmin' },
      description: 'Unlock and enable local account azureadmin on vm-web-01, through Run Command.',
    },
    parameters: [{ name: 'UserName', value: 'azureadmin' }],
  },
  {
    fix: stopProcess,
    rule: memoryExhausted,
    facts: memoryLow,
    input: {},
    plan: {
      params: { pid: 4120, processName: 'w3wp' },
      description:
        'Stop w3wp (pid 4120, 6.0 GiB working set) on vm-web-01, through Run Command, after checking that pid 4120 still runs w3wp.',
    },
    parameters: [
      { name: 'ProcessId', value: '4120' },
      { name: 'ExpectedName', value: 'w3wp' },
    ],
  },
  {
    fix: logoffSession,
    rule: sessionCollision,
    facts: twoSessions,
    input: { sessionId: '3' },
    plan: {
      params: { sessionId: 3, user: 'bob' },
      description:
        "Sign off bob's session 3 (Disc) on vm-web-01, through Run Command; whatever is open in it is lost.",
    },
    parameters: [
      { name: 'SessionId', value: '3' },
      { name: 'ExpectedUser', value: 'bob' },
    ],
  },
];

function succeeded(message: string) {
  return runCommandResult(`${JSON.stringify({ ok: true, message })}\r\n`);
}

describe.each(CASES)('$fix.id', ({ fix, rule, facts, input, plan, parameters }) => {
  it('plans from the finding', () => {
    expect(planFor(fix, rule, facts(), input)).toEqual(plan);
  });

  it('sends its shipped script unchanged, with the values only as Run Command parameters', async () => {
    const fake = new FakeAzure();
    fake.answers.set(RUN, succeeded('Done as asked.'));
    const outcome = await fix.execute(executionContext(fake, facts(), plan.params));
    expect(fake.calls).toHaveLength(1);
    const [rg, vm, command] = fake.calls[0].args as [string, string, RunCommandInput];
    expect([rg, vm]).toEqual(['rg-prod', 'vm-web-01']);
    expect(command).toEqual({
      commandId: 'RunPowerShellScript',
      script: fixScript(fix.id as GuestFixId).split('\n'),
      parameters,
    });
    expect(command.script![0]).toBe(`# rdp-doctor-fix: ${fix.id}`);
    expect(outcome).toEqual({ summary: 'vm-web-01: Done as asked.', correlationId: 'corr-1' });
  });

  it("fails with the script's own words when it declines", async () => {
    const fake = new FakeAzure();
    fake.answers.set(RUN, runCommandResult(JSON.stringify({ ok: false, message: 'Access is denied.' })));
    await expect(fix.execute(executionContext(fake, facts(), plan.params))).rejects.toThrow(
      new FixFailure(`${fix.id} did not complete inside Windows: Access is denied.`),
    );
  });

  it('is refused on a VM whose agent cannot run commands', () => {
    const unreachable = factsWith(
      'vm',
      (vm) => {
        vm.agent.status = 'not-ready';
      },
      facts(),
    );
    expect(() =>
      fix.plan({
        facts: unreachable,
        finding: findingOf(rule, facts()),
        input,
        policy: { nsgMaxPrefix: 24 },
      }),
    ).toThrow(
      /The VM agent on vm-web-01 is not ready, so Run Command and VMAccess cannot reach Windows: use the serial console\./,
    );
  });
});

describe('unlock-account', () => {
  it('suggests the locked account for a lockout and the refused one for a disabled account', () => {
    expect(inputsFor(unlockAccount, accountLockedOut, lockedOut())[0].initial).toBe('azureadmin');
    const disabled = guestWith((g) => {
      g.accounts = [localAccount('azureadmin'), localAccount('opsuser', { enabled: false })];
      g.events = [failedLogon('OpsUser', { status: '0xC000006E', subStatus: '0xC0000072' }, '203.0.113.10')];
    });
    expect(inputsFor(unlockAccount, accountDisabled, disabled)[0].initial).toBe('opsuser');
  });

  it('refuses a domain account and an account that needs nothing', () => {
    expect(() => planFor(unlockAccount, accountLockedOut, lockedOut(), { userName: 'alice' })).toThrow(
      new FixRefusal(
        'alice is not a local account on vm-web-01 (its local accounts: azureadmin, opsuser): a domain account is ' +
          'unlocked in Active Directory, not on the VM.',
      ),
    );
    expect(() => planFor(unlockAccount, accountLockedOut, lockedOut(), { userName: 'opsuser' })).toThrow(
      new FixRefusal('opsuser is neither locked out nor disabled on vm-web-01: there is nothing to unlock.'),
    );
  });

  it('still applies only while the account is locked or disabled', () => {
    const params = { userName: 'azureadmin' };
    expect(unlockAccount.stillApplies!(lockedOut(), params)).toBeNull();
    expect(unlockAccount.stillApplies!(healthyFacts(), params)).toBe(
      'azureadmin is no longer locked out or disabled.',
    );
    expect(unlockAccount.stillApplies!(healthyFacts(), { userName: 'ghost' })).toBe(
      'There is no local account ghost any more.',
    );
  });
});

describe('stop-process', () => {
  it('never targets a process Windows cannot live without, even the heaviest', () => {
    expect(planFor(stopProcess, memoryExhausted, memoryLow()).params.processName).toBe('w3wp');
  });

  it('still applies only while the pid runs the same program', () => {
    const params = { pid: 4120, processName: 'w3wp' };
    expect(stopProcess.stillApplies!(memoryLow(), params)).toBeNull();
    const reused = guestWith((g) => {
      g.resources!.topProcesses = [{ name: 'sqlservr', pid: 4120, workingSetBytes: 2 ** 30 }];
    });
    expect(stopProcess.stillApplies!(reused, params)).toBe('pid 4120 now runs sqlservr, not w3wp.');
    const gone = guestWith((g) => {
      g.resources!.topProcesses = [];
    });
    expect(stopProcess.stillApplies!(gone, params)).toBe(
      'w3wp (pid 4120) is no longer among the heaviest processes.',
    );
  });

  it('refuses a process name it cannot pass to Windows safely', () => {
    const odd = guestWith((g) => {
      g.resources!.memory = { totalBytes: 8 * 2 ** 30, freeBytes: 100 * 2 ** 20 };
      g.resources!.topProcesses = [{ name: 'Code Helper; rm', pid: 51, workingSetBytes: 6 * 2 ** 30 }];
    });
    expect(() => planFor(stopProcess, memoryExhausted, odd)).toThrow(
      'The process name "Code Helper; rm" has characters rdp-doctor does not pass to Windows: stop it by hand through Run Command.',
    );
  });

  it('checks stored values again before they reach Run Command', async () => {
    const fake = new FakeAzure();
    await expect(
      stopProcess.execute(executionContext(fake, memoryLow(), { pid: 4120, processName: 'w3wp -Force; x' })),
    ).rejects.toBeInstanceOf(FixRefusal);
    await expect(
      stopProcess.execute(executionContext(fake, memoryLow(), { pid: -1, processName: 'w3wp' })),
    ).rejects.toBeInstanceOf(FixRefusal);
    expect(fake.calls).toEqual([]);
  });
});

describe('logoff-session', () => {
  it('suggests the disconnected session, as the finding names it', () => {
    expect(inputsFor(logoffSession, sessionCollision, twoSessions())[0].initial).toBe('3');
  });

  it.each([
    [
      '9',
      'There is no signed-in session 9 on vm-web-01 (sessions: 0 (no user) Disc; 2 alice Active; 3 bob Disc).',
    ],
    ['0', '"0" is not a session id: type a whole number from 1 to 65535.'],
    ['three', '"three" is not a session id: type a whole number from 1 to 65535.'],
  ])('refuses session %s', (sessionId, message) => {
    expect(() => planFor(logoffSession, sessionCollision, twoSessions(), { sessionId })).toThrow(
      new FixRefusal(message),
    );
  });

  it('still applies only while the session exists for the same user', () => {
    const params = { sessionId: 3, user: 'bob' };
    expect(logoffSession.stillApplies!(twoSessions(), params)).toBeNull();
    expect(logoffSession.stillApplies!(healthyFacts(), params)).toBe('Session 3 is gone.');
    const reused = guestWith((g) => {
      g.rdp!.sessions = [{ id: 3, user: 'carol', state: 'Active' }];
    });
    expect(logoffSession.stillApplies!(reused, params)).toBe('Session 3 now belongs to carol, not bob.');
  });
});
