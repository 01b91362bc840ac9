import { privateIpOf, RG, startHarness, type Harness } from './harness';
import { OFFICE_SOURCE } from '@rdp-doctor/azure-sandbox/scenarios/healthy';

// Microsoft.Security (JIT), Microsoft.Insights (metrics, activity log) and Resource Graph through the SDKs.

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(() => h.sandbox.stop());

async function vmId(name: string): Promise<string> {
  return (await h.sub.compute.virtualMachines.get(RG, name)).id ?? '';
}

async function ipFlowFromOffice(vm: string) {
  return h.sub.network.networkWatchers.beginVerifyIPFlowAndWait(
    'NetworkWatcherRG',
    'NetworkWatcher_westeurope',
    {
      targetResourceId: await vmId(vm),
      direction: 'Inbound',
      protocol: 'TCP',
      localIPAddress: await privateIpOf(h, vm),
      localPort: '3389',
      remoteIPAddress: OFFICE_SOURCE,
      remotePort: '60000',
    },
  );
}

test('JIT: the policy covers 3389 with no request; initiating one opens the port for the source', async () => {
  const jitVm = await vmId('jit-access-not-requested');
  const policies = [];
  for await (const policy of h.sub.security.jitNetworkAccessPolicies.listByResourceGroup(RG))
    policies.push(policy);
  expect(policies).toHaveLength(1);
  const [policy] = policies;
  expect(policy.virtualMachines.find((vm) => vm.id === jitVm)?.ports).toEqual([
    { number: 3389, protocol: '*', allowedSourceAddressPrefix: '*', maxRequestAccessDuration: 'PT3H' },
  ]);
  expect(policy.requests ?? []).toHaveLength(0);

  const hoursFromNow = (hours: number) => new Date(Date.now() + hours * 3_600_000);
  const requestFor = (endTimeUtc: Date) => ({
    virtualMachines: [
      { id: jitVm, ports: [{ number: 3389, endTimeUtc, allowedSourceAddressPrefix: OFFICE_SOURCE }] },
    ],
    justification: 'incident 4711',
  });
  await expect(
    h.sub.security.jitNetworkAccessPolicies.initiate(
      RG,
      'westeurope',
      'default',
      requestFor(hoursFromNow(4)),
    ),
  ).rejects.toMatchObject({ statusCode: 400 });

  const request = await h.sub.security.jitNetworkAccessPolicies.initiate(
    RG,
    'westeurope',
    'default',
    requestFor(hoursFromNow(1)),
  );
  const port = request.virtualMachines[0].ports[0];
  expect(port).toMatchObject({
    number: 3389,
    allowedSourceAddressPrefix: OFFICE_SOURCE,
    status: 'Initiated',
  });
  expect(port.endTimeUtc.getTime() - Date.now()).toBeGreaterThan(59 * 60_000);

  const verdict = await ipFlowFromOffice('jit-access-not-requested');
  expect(verdict.access).toBe('Allow');
  expect(verdict.ruleName).toMatch(/^securityRules\/SecurityCenter-JITRule_/);
  const after = await h.sub.security.jitNetworkAccessPolicies.get(RG, 'westeurope', 'default');
  expect(after.requests?.[0].virtualMachines[0].ports[0].status).toBe('Initiated');
});

test('metrics: series for any timespan and interval, computed from the VM', async () => {
  const end = new Date();
  const start = new Date(end.getTime() - 3 * 3_600_000);
  const response = await h.sub.monitor.metrics.list(await vmId('memory-exhausted'), {
    timespan: `${start.toISOString()}/${end.toISOString()}`,
    interval: 'PT5M',
    metricnames: 'Percentage CPU,Available Memory Bytes',
    aggregation: 'Average',
  });
  expect(response.value.map((m) => [m.name.value, m.unit])).toEqual([
    ['Percentage CPU', 'Percent'],
    ['Available Memory Bytes', 'Bytes'],
  ]);
  const memory = response.value[1].timeseries?.[0].data ?? [];
  expect(memory.length).toBeGreaterThanOrEqual(36);
  for (const point of memory.slice(-3)) expect(point.average).toBeLessThan(256 * 2 ** 20);

  const stopped = await h.sub.monitor.metrics.list(await vmId('vm-not-running'), {
    interval: 'PT5M',
    metricnames: 'Percentage CPU',
  });
  expect(stopped.value[0].timeseries?.[0].data?.every((point) => point.average === undefined)).toBe(true);
  await expect(
    h.sub.monitor.metrics.list(await vmId('vm-healthy'), { metricnames: 'Bogus Metric' }),
  ).rejects.toMatchObject({
    statusCode: 400,
  });
});

test('activity log: who changed the NSG rule, newest first, with the required timestamp filter', async () => {
  const since = new Date(Date.now() - 24 * 3_600_000).toISOString();
  const events = [];
  for await (const event of h.sub.monitor.activityLogs.list(
    `eventTimestamp ge '${since}' and resourceGroupName eq '${RG}'`,
  )) {
    events.push(event);
  }
  const denyRule = events.find((e) => e.resourceId?.endsWith('/securityRules/DenyRdpAll'));
  expect(denyRule).toMatchObject({
    caller: 'alice@contoso.com',
    operationName: { value: 'Microsoft.Network/networkSecurityGroups/securityRules/write' },
    status: { value: 'Succeeded' },
  });
  expect(Date.now() - (denyRule?.eventTimestamp?.getTime() ?? 0)).toBeGreaterThan(39 * 60_000);
  const times = events.map((e) => e.eventTimestamp?.getTime() ?? 0);
  expect(times).toEqual([...times].sort((a, b) => b - a));
  await expect(h.sub.monitor.activityLogs.list(`resourceGroupName eq '${RG}'`).next()).rejects.toMatchObject({
    statusCode: 400,
  });
});

test('resource graph answers a VM inventory query with power states', async () => {
  const result = await h.clients.resourceGraph.resources({
    subscriptions: [h.sandbox.subscriptionId],
    query: "Resources | where type =~ 'Microsoft.Compute/virtualMachines' | project id, name, properties",
  });
  type Row = { name: string; properties: { extended: { instanceView: { powerState: { code: string } } } } };
  // The SDK's mapper turns ARG's `data` array into an object keyed by index.
  const rows = Object.values(result.data as Record<string, Row>);
  expect(rows.length).toBe(result.totalRecords);
  expect(
    rows.find((row) => row.name === 'vm-not-running')?.properties.extended.instanceView.powerState.code,
  ).toBe('PowerState/deallocated');
});
