import { guestFactsSchema } from '../../src/diagnosis/guest-facts';
import { CAUSE_IDS } from '../../src/diagnosis/ids';
import { RG, startHarness, type Harness } from './harness';

// Microsoft.Compute through the real ComputeManagementClient: lists with nextLink paging, the instance view,
// boot diagnostics SAS blobs, Run Command's long-running protocol, and the failures the SDK must surface.

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ pageSize: 10 });
});

afterAll(() => h.sandbox.stop());

async function runProbe(vm: string) {
  const result = await h.sub.compute.virtualMachines.beginRunCommandAndWait(RG, vm, {
    commandId: 'RunPowerShellScript',
    script: ['./guest-probe.ps1'],
  });
  const stdout =
    result.value?.find((status) => status.code === 'ComponentStatus/StdOut/succeeded')?.message ?? '';
  return guestFactsSchema.parse(JSON.parse(stdout));
}

test('listAll pages through every VM of the subscription with nextLink', async () => {
  const names: string[] = [];
  for await (const vm of h.sub.compute.virtualMachines.listAll()) names.push(vm.name ?? '');
  expect(names.length).toBeGreaterThan(10);
  expect(names.length).toBe(h.sandbox.state.vms.inSubscription(h.sandbox.subscriptionId).length);
  for (const cause of CAUSE_IDS) expect(names).toContain(cause);
  expect(names.filter((name) => name === 'vm-dup')).toHaveLength(2);
  expect(names).not.toContain('vm-other-sub');
  const other: string[] = [];
  const otherCompute = h.clients.forSubscription(h.sandbox.otherSubscriptionId).compute;
  for await (const vm of otherCompute.virtualMachines.listAll()) other.push(vm.name ?? '');
  expect(other).toEqual(['vm-other-sub']);
  expect(h.sandbox.requests.filter((r) => r.path.endsWith('/virtualMachines')).length).toBeGreaterThan(1);
});

test('get with instanceView reports power state, agent, NIC and boot diagnostics', async () => {
  const vm = await h.sub.compute.virtualMachines.get(RG, 'vm-healthy', { expand: 'instanceView' });
  expect(vm.storageProfile?.osDisk?.osType).toBe('Windows');
  expect(vm.networkProfile?.networkInterfaces?.[0]).toMatchObject({ primary: true });
  expect(vm.networkProfile?.networkInterfaces?.[0].id).toMatch(/networkInterfaces\/vm-healthy-nic$/);
  expect(vm.diagnosticsProfile?.bootDiagnostics?.enabled).toBe(true);
  expect(vm.instanceView?.statuses?.map((s) => s.code)).toContain('PowerState/running');
  expect(vm.instanceView?.vmAgent?.statuses?.[0]).toMatchObject({ displayStatus: 'Ready' });

  const stopped = await h.sub.compute.virtualMachines.get(RG, 'vm-not-running', { expand: 'instanceView' });
  expect(stopped.instanceView?.statuses?.map((s) => s.code)).toContain('PowerState/deallocated');
  expect(stopped.instanceView?.vmAgent).toBeUndefined();

  const agentDown = await h.sub.compute.virtualMachines.get(RG, 'vm-agent-unhealthy', {
    expand: 'instanceView',
  });
  expect(agentDown.instanceView?.vmAgent?.statuses?.[0]).toMatchObject({
    displayStatus: 'Not Ready',
    message: 'VM Agent is unresponsive.',
  });
});

test('names match case-insensitively, and a missing VM is ARM ResourceNotFound', async () => {
  const vm = await h.sub.compute.virtualMachines.get('RG-SANDBOX', 'VM-Healthy');
  expect(vm.name).toBe('vm-healthy');
  await expect(h.sub.compute.virtualMachines.get(RG, 'no-such-vm')).rejects.toMatchObject({
    statusCode: 404,
    code: 'ResourceNotFound',
  });
  await expect(h.sub.compute.virtualMachines.get('rg-missing', 'vm-healthy')).rejects.toMatchObject({
    statusCode: 404,
    code: 'ResourceGroupNotFound',
  });
});

test('boot diagnostics hands out SAS URIs that the sandbox serves over the same origin', async () => {
  const data = await h.sub.compute.virtualMachines.retrieveBootDiagnosticsData(RG, 'guest-not-booted');
  expect(data.consoleScreenshotBlobUri?.startsWith(h.sandbox.endpoint)).toBe(true);
  const screenshot = await h.clients.fetchBlob(data.consoleScreenshotBlobUri ?? '', 1_000_000);
  expect(screenshot.subarray(0, 2).toString('ascii')).toBe('BM');
  const serial = await h.clients.fetchBlob(data.serialConsoleLogBlobUri ?? '', 16_384);
  expect(serial.toString('utf8')).toContain('INACCESSIBLE_BOOT_DEVICE');
  const forged = (data.serialConsoleLogBlobUri ?? '').replace(/sig=[^&]+/, 'sig=forged');
  await expect(h.clients.fetchBlob(forged, 16_384)).rejects.toThrow(/403/);

  await expect(
    h.sub.compute.virtualMachines.retrieveBootDiagnosticsData(RG, 'boot-diagnostics-disabled'),
  ).rejects.toMatchObject({
    statusCode: 409,
  });
});

test('Run Command completes through the LRO protocol with the guest facts as stdout', async () => {
  const facts = await runProbe('rdp-port-nonstandard');
  expect(facts.rdp?.portNumber).toBe(13389);
  expect(Date.parse(facts.collectedAt)).toBeGreaterThan(Date.now() - 60_000);
  const started = h.sandbox.requests.find((r) => r.path.endsWith('/rdp-port-nonstandard/runCommand'));
  expect(started).toMatchObject({ status: 202, apiVersion: '2026-03-01', write: false });
  expect(h.sandbox.requests.some((r) => r.pollOf === started?.operationId)).toBe(true);
});

test('Run Command failures reach the SDK as ARM reports them', async () => {
  await expect(
    h.sub.compute.virtualMachines.beginRunCommandAndWait(RG, 'vm-runcommand-conflict', {
      commandId: 'RunPowerShellScript',
    }),
  ).rejects.toMatchObject({ statusCode: 409, code: 'Conflict' });
  await expect(
    h.sub.compute.virtualMachines.beginRunCommandAndWait(RG, 'vm-agent-unhealthy', {
      commandId: 'RunPowerShellScript',
    }),
  ).rejects.toThrow(/VMAgentStatusCommunicationError/);
  await expect(
    h.sub.compute.virtualMachines.beginRunCommandAndWait(RG, 'vm-not-running', {
      commandId: 'RunPowerShellScript',
    }),
  ).rejects.toMatchObject({ statusCode: 409, code: 'OperationNotAllowed' });
});

test('a hung Run Command stays InProgress until the caller gives up, every time', async () => {
  for (let attempt = 0; attempt < 2; attempt++) {
    const poller = await h.sub.compute.virtualMachines.beginRunCommand(RG, 'vm-hung', {
      commandId: 'RunPowerShellScript',
    });
    expect(poller.isDone()).toBe(false);
    await expect(poller.pollUntilDone({ abortSignal: AbortSignal.timeout(1200) })).rejects.toThrow(/abort/i);
  }
});

test('Azure runs one Run Command per VM at a time: a second one meanwhile is a 409 Conflict', async () => {
  const first = await h.sub.compute.virtualMachines.beginRunCommand(RG, 'vm-healthy', {
    commandId: 'RunPowerShellScript',
  });
  await first.pollUntilDone();
  const latency = await startHarness({ latency: 'realistic', scale: 0.1 });
  try {
    // About 3 s at this scale: the first poll finds it running, and a second command is refused meanwhile.
    const slow = await latency.sub.compute.virtualMachines.beginRunCommand(RG, 'vm-healthy', {
      commandId: 'RunPowerShellScript',
    });
    expect(slow.isDone()).toBe(false);
    await expect(
      latency.sub.compute.virtualMachines.beginRunCommand(RG, 'vm-healthy', {
        commandId: 'RunPowerShellScript',
      }),
    ).rejects.toMatchObject({ statusCode: 409, code: 'Conflict' });
  } finally {
    await latency.sandbox.stop();
  }
});

test('start brings a deallocated VM up, and the activity log records it', async () => {
  await h.sub.compute.virtualMachines.beginStartAndWait(RG, 'vm-not-running');
  const vm = await h.sub.compute.virtualMachines.get(RG, 'vm-not-running', { expand: 'instanceView' });
  expect(vm.instanceView?.statuses?.map((s) => s.code)).toContain('PowerState/running');
  const since = new Date(Date.now() - 3_600_000).toISOString();
  const events = [];
  for await (const event of h.sub.monitor.activityLogs.list(
    `eventTimestamp ge '${since}' and resourceUri eq '${vm.id}'`,
  )) {
    events.push(event);
  }
  expect(events[0].operationName?.value).toBe('Microsoft.Compute/virtualMachines/start/action');
  expect(h.sandbox.writes().map((w) => w.path)).toContain(
    `/subscriptions/${h.sandbox.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.Compute/virtualMachines/vm-not-running/start`,
  );
});

test('restart relieves memory pressure; power off stops the VM', async () => {
  await h.sub.compute.virtualMachines.beginRestartAndWait(RG, 'memory-exhausted');
  const facts = await runProbe('memory-exhausted');
  expect(facts.resources?.memory?.freeBytes).toBeGreaterThan((facts.resources?.memory?.totalBytes ?? 0) / 2);

  await h.sub.compute.virtualMachines.beginPowerOffAndWait(RG, 'cpu-saturated');
  const vm = await h.sub.compute.virtualMachines.instanceView(RG, 'cpu-saturated');
  expect(vm.statuses?.map((s) => s.code)).toContain('PowerState/stopped');
});

test('the VMAccess extension resets the RDP configuration and the account', async () => {
  const extension = await h.sub.compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(
    RG,
    'rdp-not-listening',
    'VMAccessAgent',
    {
      location: 'westeurope',
      publisher: 'Microsoft.Compute',
      typePropertiesType: 'VMAccessAgent',
      typeHandlerVersion: '2.4',
      autoUpgradeMinorVersion: true,
      settings: { UserName: 'azureadmin' },
      protectedSettings: { Password: 'N0t-a-real-password!' },
    },
  );
  expect(extension.provisioningState).toBe('Succeeded');
  expect(JSON.stringify(extension)).not.toContain('N0t-a-real-password!');
  const facts = await runProbe('rdp-not-listening');
  expect(facts.rdp?.listening).toBe(true);
});
