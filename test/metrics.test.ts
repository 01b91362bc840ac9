import { createAzureClients, type AzureClients } from '../src/azure/clients';
import { armOperation, registry } from '../src/metrics';
import { diagnose } from '../src/pipeline/diagnose';
import { parseRequest } from '../src/pipeline/request';
import { scenarios, startSandbox, type Sandbox } from '@rdp-doctor/azure-sandbox';

// A diagnosis moves the counters an operator alerts on: the verdict layer, the durations, and ARM's
// throttling per operation, read back from the registry `/metrics` serves.

let sandbox: Sandbox;
let clients: AzureClients;

beforeAll(async () => {
  sandbox = await startSandbox({
    scenarios: scenarios.filter((s) => s.name === 'nsg-denies-rdp' || s.name === 'vm-throttled'),
  });
  clients = createAzureClients({
    endpoint: sandbox.endpoint,
    subscriptionIds: [sandbox.subscriptionId],
    accessToken: sandbox.accessToken,
    caCertificate: sandbox.caCertificate,
    maxRetries: 0,
  });
});
afterAll(() => sandbox.stop());

async function value(name: string, labels: Record<string, string>): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const sample = (metric?.values ?? []).find((v) =>
    Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want),
  );
  return sample?.value ?? 0;
}

test('a diagnosis that ends on the network layer counts one network verdict, its duration and each gatherer', async () => {
  const before = {
    network: await value('rdp_doctor_diagnoses_total', { layer: 'network' }),
    guest: await value('rdp_doctor_diagnoses_total', { layer: 'guest' }),
    durations: await value('rdp_doctor_diagnosis_duration_seconds', { le: '+Inf' }),
    probe: await value('rdp_doctor_gatherer_duration_seconds', {
      gatherer: 'guest',
      status: 'ok',
      le: '+Inf',
    }),
  };
  const report = await diagnose({
    clients,
    target: 'nsg-denies-rdp',
    request: parseRequest({ from: '203.0.113.10' }),
    resolveHost: (host) => sandbox.resolveHost(host),
  });
  expect(report.verdict.layer).toBe('network');
  expect(await value('rdp_doctor_diagnoses_total', { layer: 'network' })).toBe(before.network + 1);
  expect(await value('rdp_doctor_diagnoses_total', { layer: 'guest' })).toBe(before.guest);
  expect(await value('rdp_doctor_diagnosis_duration_seconds', { le: '+Inf' })).toBe(before.durations + 1);
  expect(
    await value('rdp_doctor_gatherer_duration_seconds', { gatherer: 'guest', status: 'ok', le: '+Inf' }),
  ).toBe(before.probe + 1);
});

test('ARM throttling is counted per operation, by resource type and never by VM name', async () => {
  const operation = 'POST Microsoft.Network/networkWatchers/ipFlowVerify';
  const before = await value('rdp_doctor_arm_throttled_total', { operation });
  await diagnose({
    clients,
    target: 'vm-throttled',
    request: parseRequest({ from: '203.0.113.10' }),
    resolveHost: (host) => sandbox.resolveHost(host),
  });
  expect(await value('rdp_doctor_arm_throttled_total', { operation })).toBeGreaterThan(before);
  const text = await registry.metrics();
  expect(text).not.toContain('vm-throttled');
});

test('an ARM operation label is the method and the resource type path', () => {
  expect(
    armOperation(
      'POST',
      'https://management.azure.com/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1/runCommand?api-version=2026-03-01',
    ),
  ).toBe('POST Microsoft.Compute/virtualMachines/runCommand');
  expect(
    armOperation(
      'GET',
      'https://management.azure.com/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/nic1',
    ),
  ).toBe('GET Microsoft.Network/networkInterfaces');
  expect(armOperation('GET', 'https://management.azure.com/subscriptions/0000')).toBe('GET subscriptions');
});
