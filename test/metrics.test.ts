import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { refusalMessage } from '../src/approvals/messages';
import { ApprovalWorkflow } from '../src/approvals/workflow';
import { createAzureClients, type AzureClients } from '../src/azure/clients';
import { armOperation, registry } from '../src/metrics';
import { diagnose } from '../src/pipeline/diagnose';
import { parseRequest } from '../src/pipeline/request';
import { scenarios, startSandbox, type Sandbox } from '@rdp-doctor/azure-sandbox';
import { openStore } from '../src/store';

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

const FIX = 'nsg-allow-rdp-from-source';

async function withWorkflow(
  clock: () => Date,
  run: (flow: ApprovalWorkflow, propose: () => Promise<string>) => Promise<void>,
): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rdp-doctor-metrics-'));
  const store = await openStore({ dataDir });
  const flow = new ApprovalWorkflow({ store, clock });
  const propose = async () => {
    const proposed = await flow.propose({
      vmId: '/subscriptions/s/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/web-01',
      vmName: 'web-01',
      fixId: FIX,
      cause: 'nsg-denies-rdp',
      params: { sourcePrefix: '203.0.113.10/32', priority: 100 },
      proposer: 'U0PROPOSER',
      channel: 'C0INCIDENT',
      messageTs: '1741082400.000100',
    });
    if (!proposed.ok) throw new Error(refusalMessage(proposed));
    return proposed.proposal.id;
  };
  try {
    await run(flow, propose);
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

test('a fix proposed, approved and run counts each state it enters and its outcome by fix id', async () => {
  await withWorkflow(
    () => new Date(),
    async (flow, propose) => {
      const states = ['proposed', 'approved', 'executing', 'succeeded'];
      const before = await Promise.all(states.map((state) => value('rdp_doctor_proposals_total', { state })));
      const outcomeBefore = await value('rdp_doctor_fix_outcomes_total', { fix: FIX, outcome: 'succeeded' });
      const id = await propose();
      expect(await flow.approve(id, 'U0APPROVER', ['U0APPROVER'])).toMatchObject({ ok: true });
      expect(await flow.claimExecution(id, 'replica-1')).toMatchObject({ ok: true });
      expect(await flow.finish(id, 'replica-1', 'succeeded')).toMatchObject({ ok: true });
      const after = await Promise.all(states.map((state) => value('rdp_doctor_proposals_total', { state })));
      expect(after).toEqual(before.map((n) => n + 1));
      expect(await value('rdp_doctor_fix_outcomes_total', { fix: FIX, outcome: 'succeeded' })).toBe(
        outcomeBefore + 1,
      );
    },
  );
});

test('proposals the sweep expires together are each counted as expired', async () => {
  let now = new Date('2026-03-04T10:00:00Z');
  await withWorkflow(
    () => now,
    async (flow, propose) => {
      const before = await value('rdp_doctor_proposals_total', { state: 'expired' });
      await propose();
      await propose();
      now = new Date(now.getTime() + 60 * 60_000);
      expect(await flow.expire()).toHaveLength(2);
      expect(await value('rdp_doctor_proposals_total', { state: 'expired' })).toBe(before + 2);
    },
  );
});
