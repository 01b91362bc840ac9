import type { RunCommandInput, RunCommandResult } from '@azure/arm-compute';
import fs from 'node:fs';
import path from 'node:path';
import { activityLogGatherer } from '../../src/azure/gatherers/activity-log';
import { gatherVm } from '../../src/azure/gatherers/vm';
import { guestFactsSchema, type GuestFacts } from '../../src/diagnosis/guest-facts';
import { FIX_SCRIPTS_DIR, fixCommand, type GuestFixId } from '../../src/fixes/guest-script';
import { FIX_SCRIPTS } from '@rdp-doctor/azure-sandbox/guest/fix-scripts';
import { DEFAULT_FIX_POLICY } from '../../src/fixes/fix';
import { vmaccessReset } from '../../src/fixes/vmaccess-reset';
import { healthyFacts } from '../fixtures/facts';
import { RG, startHarness, type Harness } from './harness';

// The sandbox's Windows runs the fix scripts: Run Command with a script whose first line names a fix binds
// its parameters as PowerShell would, changes the VM's guest state as the script changes Windows, and
// prints the script's one JSON line, refusals included. VMAccess resets an account and RDP's configuration.
// Also: subnets, which the activity-log gatherer reads.

let h: Harness;

/** Each block changes machines on its own sandbox, so no block sees another's fixes. */
function ownSandbox(): void {
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.sandbox.stop());
}

function stream(result: RunCommandResult, name: 'StdOut' | 'StdErr'): string {
  return result.value?.find((s) => s.code === `ComponentStatus/${name}/succeeded`)?.message ?? '';
}

async function run(vm: string, command: RunCommandInput) {
  const result = await h.sub.compute.virtualMachines.beginRunCommandAndWait(RG, vm, command);
  return { stdout: stream(result, 'StdOut'), stderr: stream(result, 'StdErr') };
}

async function runFix(vm: string, id: GuestFixId, parameters: Record<string, string> = {}) {
  const { stdout, stderr } = await run(vm, fixCommand(id, parameters));
  expect(stderr).toBe('');
  return JSON.parse(stdout) as { ok: boolean; message: string };
}

async function probe(vm: string): Promise<GuestFacts> {
  const { stdout } = await run(vm, { commandId: 'RunPowerShellScript', script: ['./guest-probe.ps1'] });
  return guestFactsSchema.parse(JSON.parse(stdout));
}

function securityEvents(guest: GuestFacts, user: string) {
  return (guest.events ?? []).filter((e) => e.log === 'Security' && e.data.TargetUserName === user);
}

describe('subnets', () => {
  ownSandbox();

  test('a subnet names its range, NSG, route table and the NICs in it, as the network RP does', async () => {
    const app = await h.sub.network.subnets.get(RG, 'vnet-sandbox', 'snet-app');
    expect(app).toMatchObject({
      name: 'snet-app',
      addressPrefix: '10.0.1.0/24',
      provisioningState: 'Succeeded',
    });
    expect(app.networkSecurityGroup?.id).toMatch(/networkSecurityGroups\/snet-app-nsg$/);
    expect(app.routeTable).toBeUndefined();
    expect(app.ipConfigurations?.map((c) => c.id)).toContainEqual(
      expect.stringMatching(
        /resourceGroups\/RG-SANDBOX\/providers\/Microsoft.Network\/networkInterfaces\/VM-HEALTHY-NIC\/ipConfigurations\/IPCONFIG1$/,
      ),
    );

    const spoke = await h.sub.network.subnets.get(RG, 'vnet-sandbox', 'snet-spoke');
    expect(spoke.routeTable?.id).toMatch(/routeTables\/rt-spoke-via-firewall$/);
    const dmz = await h.sub.network.subnets.get(RG, 'vnet-sandbox', 'snet-dmz');
    expect(dmz.networkSecurityGroup).toBeUndefined();
  });

  test('an unknown subnet is ResourceNotFound', async () => {
    await expect(h.sub.network.subnets.get(RG, 'vnet-sandbox', 'snet-nope')).rejects.toMatchObject({
      statusCode: 404,
      code: 'ResourceNotFound',
    });
  });

  test('the subnet read lets the activity log name who added the deny rule', async () => {
    const vm = await gatherVm(h.sub, {
      id: `/subscriptions/${h.sandbox.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.Compute/virtualMachines/nsg-denies-rdp`,
      name: 'nsg-denies-rdp',
      resourceGroup: RG,
      subscriptionId: h.sandbox.subscriptionId,
      location: 'westeurope',
    });
    const facts = await activityLogGatherer.gather({
      clients: h.clients,
      sub: h.sub,
      vm,
      request: { symptom: 'timeout', source: null, host: null },
      now: new Date(),
      signal: new AbortController().signal,
    });
    expect(facts.events).toContainEqual(
      expect.objectContaining({
        caller: 'alice@contoso.com',
        resourceId: expect.stringMatching(/securityRules\/DenyRdpAll$/),
      }),
    );
  });
});

describe('the emulated fix scripts', () => {
  ownSandbox();
  const files = fs.readdirSync(FIX_SCRIPTS_DIR).filter((f) => f.endsWith('.ps1'));

  /** Each param() entry of a script: name, type, and its ValidateRange or ValidatePattern. */
  function declared(script: string) {
    const block = /^param\(([\s\S]*?)^\)/m.exec(script)?.[1] ?? '';
    const entry =
      /(?:\[ValidateRange\((\d+),\s*(\d+)\)\]\s*)?(?:\[ValidatePattern\('([^']*)'\)\]\s*)?\[(int|string)\]\$(\w+)/g;
    return [...block.matchAll(entry)].map(([, min, max, pattern, type, name]) =>
      type === 'int' ? { name, type, min: Number(min), max: Number(max) } : { name, type, pattern },
    );
  }

  test.each(files)('%s is emulated with the param() block it declares', (file) => {
    const script = fs.readFileSync(path.join(FIX_SCRIPTS_DIR, file), 'utf8');
    const emulated = FIX_SCRIPTS[file.replace(/\.ps1$/, '')];
    expect(emulated).toBeDefined();
    expect(
      emulated.params.map((p) =>
        p.type === 'int'
          ? { name: p.name, type: p.type, min: p.min, max: p.max }
          : { name: p.name, type: p.type, pattern: p.pattern.source },
      ),
    ).toEqual(declared(script));
  });

  test('a restart of a disabled TermService fails inside the script, which says so', async () => {
    expect(await runFix('termservice-not-running', 'reset-listener-certificate')).toEqual({
      ok: false,
      message:
        "Resetting the listener certificate failed: Service 'Remote Desktop Services (TermService)' cannot be started due to the following error: Cannot start service TermService on computer '.'.",
    });
    const rdp = (await probe('termservice-not-running')).rdp;
    expect(rdp?.certificate).toEqual({ thumbprint: null, present: false, notAfter: null });
    expect(rdp?.termService).toEqual({ status: 'Stopped', startType: 'Disabled' });
  });

  test('start-termservice starts the service, sets it automatic, and the listener binds', async () => {
    expect(await runFix('termservice-not-running', 'start-termservice')).toEqual({
      ok: true,
      message: 'TermService is running and starts automatically.',
    });
    const rdp = (await probe('termservice-not-running')).rdp;
    expect(rdp).toMatchObject({
      termService: { status: 'Running', startType: 'Automatic' },
      listening: true,
    });
  });

  test('enable-rdp-firewall-rules and enable-rdp-connections open the guest', async () => {
    expect(await runFix('guest-firewall-blocks-rdp', 'enable-rdp-firewall-rules')).toMatchObject({
      ok: true,
    });
    expect((await probe('guest-firewall-blocks-rdp')).rdp?.firewall).toMatchObject({
      rdpRulesEnabled: true,
      portAllowed: true,
    });

    expect(await runFix('rdp-connections-disabled', 'enable-rdp-connections')).toMatchObject({ ok: true });
    expect((await probe('rdp-connections-disabled')).rdp).toMatchObject({
      fDenyTSConnections: 0,
      listening: true,
    });
  });

  test('reset-rdp-port says which port it moved from', async () => {
    expect(await runFix('rdp-port-nonstandard', 'reset-rdp-port')).toEqual({
      ok: true,
      message: 'The RDP listener port was 13389 and is now 3389; TermService restarted.',
    });
    expect((await probe('rdp-port-nonstandard')).rdp).toMatchObject({ portNumber: 3389, listening: true });
  });

  test('reset-listener-certificate makes a fresh self-signed certificate valid for six months', async () => {
    const result = await runFix('listener-certificate-invalid', 'reset-listener-certificate');
    const certificate = (await probe('listener-certificate-invalid')).rdp?.certificate;
    expect(certificate?.present).toBe(true);
    expect(certificate?.thumbprint).toMatch(/^[0-9A-F]{40}$/);
    const months = (Date.parse(certificate?.notAfter ?? '') - Date.now()) / (30.44 * 86_400_000);
    expect(months).toBeGreaterThan(5.9);
    expect(months).toBeLessThan(6.1);
    expect(result).toEqual({
      ok: true,
      message: `Removed 0 certificate(s); Windows made a new listener certificate ${certificate?.thumbprint}, valid until ${certificate?.notAfter?.slice(0, 10)}.`,
    });
  });

  test('unlock-account unlocks and enables, and the lockout evidence goes with it', async () => {
    expect(await runFix('account-locked-out', 'unlock-account', { UserName: 'nobody' })).toEqual({
      ok: false,
      message: 'There is no local account nobody; nothing was changed.',
    });
    expect(await runFix('account-locked-out', 'unlock-account', { UserName: 'AZUREADMIN' })).toEqual({
      ok: true,
      message: 'azureadmin is unlocked.',
    });
    const guest = await probe('account-locked-out');
    expect(guest.accounts?.[0]).toMatchObject({ name: 'azureadmin', lockedOut: false, enabled: true });
    expect(securityEvents(guest, 'azureadmin')).toEqual([]);

    expect(await runFix('account-disabled', 'unlock-account', { UserName: 'jdoe' })).toEqual({
      ok: true,
      message: 'jdoe is enabled.',
    });
    expect(securityEvents(await probe('account-disabled'), 'jdoe')).toEqual([]);
  });

  test('stop-process refuses a pid that runs something else or nothing, and takes values only from parameters', async () => {
    expect(
      await runFix('memory-exhausted', 'stop-process', { ProcessId: '2264', ExpectedName: 'notepad' }),
    ).toEqual({
      ok: false,
      message: 'pid 2264 now runs sqlservr, not notepad; nothing was stopped.',
    });
    expect(
      await runFix('memory-exhausted', 'stop-process', { ProcessId: '9999', ExpectedName: 'sqlservr' }),
    ).toEqual({
      ok: false,
      message: 'No process with pid 9999 runs any more; nothing was stopped.',
    });
    const before = await probe('memory-exhausted');
    expect(before.resources?.topProcesses.map((p) => p.name)).toContain('sqlservr');

    // Values written into the script's text are code, not input: only the parameters say what to stop.
    const command = fixCommand('stop-process', { ProcessId: '2264', ExpectedName: 'sqlservr' });
    const { stdout } = await run('memory-exhausted', {
      ...command,
      script: [...(command.script ?? []), '$ProcessId = 4120', "$ExpectedName = 'w3wp'"],
    });
    expect(JSON.parse(stdout)).toEqual({
      ok: true,
      message: 'Stopped sqlservr (pid 2264), which held 7168 MB.',
    });
    const after = await probe('memory-exhausted');
    expect(after.resources?.topProcesses.map((p) => p.name)).toEqual(['w3wp', 'MsMpEng']);
    expect(after.resources?.memory?.freeBytes).toBe((before.resources?.memory?.freeBytes ?? 0) + 7 * 2 ** 30);
    const vm = h.sandbox.state.vms.find(
      h.sandbox.subscriptionId,
      RG,
      'Microsoft.Compute/virtualMachines',
      'memory-exhausted',
    );
    expect(vm?.metrics.availableMemoryBytes).toBeGreaterThan(7 * 2 ** 30);
  });

  test('logoff-session refuses a session that is gone or changed hands', async () => {
    expect(
      await runFix('session-collision', 'logoff-session', { SessionId: '9', ExpectedUser: 'azureadmin' }),
    ).toEqual({
      ok: false,
      message: 'Session 9 is gone; nothing was signed off.',
    });
    expect(
      await runFix('session-collision', 'logoff-session', { SessionId: '2', ExpectedUser: 'azureadmin' }),
    ).toEqual({
      ok: false,
      message: 'Session 2 now belongs to bob, not azureadmin; nothing was signed off.',
    });
    expect(
      await runFix('session-collision', 'logoff-session', { SessionId: '3', ExpectedUser: 'azureadmin' }),
    ).toEqual({
      ok: true,
      message: 'Signed off azureadmin from session 3 (Disc).',
    });
    expect((await probe('session-collision')).rdp?.sessions).toEqual([
      { id: 2, user: 'CONTOSO\\bob', state: 'Active' },
    ]);
  });

  test.each([
    [{ ProcessId: 'abc', ExpectedName: 'w3wp' }, /Cannot convert value "abc" to type "System.Int32"/],
    [{ ProcessId: '0', ExpectedName: 'w3wp' }, /less than the minimum allowed range of 1/],
    [{ ProcessId: '4120', ExpectedName: 'w3wp; Stop-Computer' }, /does not match the .* pattern/],
    [{ ProcessId: '4120' }, /missing mandatory parameters: ExpectedName/],
    [
      { ProcessId: '4120', ExpectedName: 'w3wp', Force: 'yes' },
      /cannot be found that matches parameter name 'Force'/,
    ],
  ])('parameters PowerShell cannot bind stop the script before it runs: %j', async (parameters, error) => {
    const { stdout, stderr } = await run('vm-healthy', fixCommand('stop-process', parameters));
    expect(stdout).toBe('');
    expect(stderr).toMatch(error);
    expect((await probe('vm-healthy')).resources?.topProcesses.map((p) => p.pid)).toContain(4120);
  });

  test('a script naming no emulated fix fails with its error in StdErr, and changes nothing', async () => {
    const before = JSON.stringify((await probe('vm-healthy')).rdp);
    const { stdout, stderr } = await run('vm-healthy', {
      commandId: 'RunPowerShellScript',
      script: ['# rdp-doctor-fix: format-disk', 'Format-Volume -DriveLetter C'],
    });
    expect(stdout).toBe('');
    expect(stderr).toMatch(/names none of them.*Exit code: 1/);
    expect(JSON.stringify((await probe('vm-healthy')).rdp)).toBe(before);
  });

  test('a fix script is a write; the probe is not; both reach the activity log', async () => {
    const before = h.sandbox.state.activity.length;
    await probe('vm-healthy');
    await runFix('vm-healthy', 'enable-rdp-firewall-rules');
    const runs = h.sandbox.requests.filter((r) => r.path.endsWith('/virtualMachines/vm-healthy/runCommand'));
    expect(runs.slice(-2).map((r) => r.write)).toEqual([false, true]);
    expect(h.sandbox.state.activity.slice(before).map((a) => a.operationName)).toEqual([
      'Microsoft.Compute/virtualMachines/runCommand/action',
      'Microsoft.Compute/virtualMachines/runCommand/action',
    ]);
  });
});

describe('VMAccess', () => {
  ownSandbox();

  async function resetAccess(vm: string, userName: string, name = 'enablevmaccess') {
    const extension = await h.sub.compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(RG, vm, name, {
      location: 'westeurope',
      publisher: 'Microsoft.Compute',
      typePropertiesType: 'VMAccessAgent',
      typeHandlerVersion: '2.4',
      settings: { UserName: userName },
      protectedSettings: { Password: 'N0t-a-real-password!' },
    });
    expect(extension.provisioningState).toBe('Succeeded');
  }

  test("a reset clears the account's expired, rejected and locked-out evidence, and only that account's", async () => {
    await resetAccess('password-expired', 'azureadmin');
    const expired = await probe('password-expired');
    expect(expired.accounts?.[0]).toMatchObject({ passwordExpired: false, lockedOut: false, enabled: true });
    expect(securityEvents(expired, 'azureadmin')).toEqual([]);

    await resetAccess('password-rejected', 'azureadmin');
    expect(securityEvents(await probe('password-rejected'), 'azureadmin')).toEqual([]);

    await resetAccess('account-locked-out', 'azureadmin');
    const unlocked = await probe('account-locked-out');
    expect(unlocked.accounts?.[0]).toMatchObject({ lockedOut: false });
    expect(securityEvents(unlocked, 'azureadmin')).toEqual([]);

    await resetAccess('account-disabled', 'azureadmin');
    expect(securityEvents(await probe('account-disabled'), 'jdoe')).toHaveLength(1);
  });

  test('a second VMAccess under another name is refused with 400, as Windows allows one extension per handler', async () => {
    await resetAccess('vm-healthy', 'azureadmin', 'VMAccessAgent');
    await expect(resetAccess('vm-healthy', 'azureadmin', 'enablevmaccess')).rejects.toMatchObject({
      statusCode: 400,
      code: 'BadRequest',
      message:
        "Multiple VMExtensions per handler not supported for OS type 'Windows'. VMExtension 'VMAccessAgent' with " +
        "handler 'Microsoft.Compute.VMAccessAgent' already added or specified in input.",
    });
    const listed = await h.sub.compute.virtualMachineExtensions.list(RG, 'vm-healthy');
    expect(listed.value?.map((e) => [e.name, e.typePropertiesType])).toEqual([
      ['VMAccessAgent', 'VMAccessAgent'],
    ]);
  });

  test('the VMAccess fix reuses the name of the VMAccess extension the VM already has', async () => {
    await resetAccess('cpu-saturated', 'azureadmin', 'VMAccessAgent');
    const facts = healthyFacts();
    const vm = await gatherVm(h.sub, {
      id: `/subscriptions/${h.sandbox.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.Compute/virtualMachines/cpu-saturated`,
      name: 'cpu-saturated',
      resourceGroup: RG,
      subscriptionId: h.sandbox.subscriptionId,
      location: 'westeurope',
    });
    const outcome = await vmaccessReset.execute({
      clients: h.clients,
      sub: h.sub,
      vm,
      facts: { ...facts, vm: { status: 'ok', value: vm, durationMs: 1 } },
      params: { userName: 'azureadmin' },
      proposer: 'U_ALICE',
      approvers: ['U_BOB'],
      proposalId: 'p-1',
      policy: DEFAULT_FIX_POLICY,
    });
    expect(outcome.secretForProposer).toBeDefined();
    const listed = await h.sub.compute.virtualMachineExtensions.list(RG, 'cpu-saturated');
    expect(listed.value?.map((e) => e.name)).toEqual(['VMAccessAgent']);
  });

  test.each([
    'termservice-not-running',
    'rdp-connections-disabled',
    'rdp-not-listening',
    'guest-firewall-blocks-rdp',
  ])('a reset restores the Remote Desktop configuration of %s', async (vm) => {
    await resetAccess(vm, 'azureadmin');
    expect((await probe(vm)).rdp).toMatchObject({
      termService: { status: 'Running', startType: 'Automatic' },
      fDenyTSConnections: 0,
      portNumber: 3389,
      listening: true,
      firewall: { rdpRulesEnabled: true, portAllowed: true },
    });
  });
});
