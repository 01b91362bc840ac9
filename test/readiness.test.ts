import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAzureClients } from '../src/azure/clients';
import { cachedProbe } from '../src/readiness';
import { openStore } from '../src/store';
import { scenarioAzure, startHarness, type Harness, type SandboxEnvironment } from './support/slack-harness';

// /readyz reports Slack, the store and Azure each by name, and is not ready while any of them fails.

interface Readiness {
  ok: boolean;
  checks: Record<string, { ok: boolean; error?: string }>;
}

async function readyz(h: Harness): Promise<{ status: number; body: Readiness }> {
  const res = await fetch(`http://127.0.0.1:${h.app.slack.port}/readyz`);
  return { status: res.status, body: (await res.json()) as Readiness };
}

let azure: SandboxEnvironment;
beforeAll(async () => {
  azure = await scenarioAzure({ scenarios: [] });
});
afterAll(() => azure.close());

test('ready when Slack auth.test, the store and an Azure read all answer', async () => {
  const h = await startHarness({ azure });
  try {
    const { status, body } = await readyz(h);
    expect(status).toBe(200);
    expect(body).toEqual({
      ok: true,
      checks: {
        slack: expect.objectContaining({ ok: true }),
        store: expect.objectContaining({ ok: true }),
        azure: expect.objectContaining({ ok: true }),
      },
    });
  } finally {
    await h.stop();
  }
});

test('not ready while Slack refuses the bot token, and says it is Slack', async () => {
  const h = await startHarness({ azure });
  try {
    // Bolt verifies the token once as it starts; the revocation comes after, as it would in a workspace.
    await h.waitFor(() => h.fake.calls.filter((c) => c.method === 'auth.test').length >= 1);
    h.fake.failMethod('auth.test', 'invalid_auth');
    const { status, body } = await readyz(h);
    expect(status).toBe(503);
    expect(body.ok).toBe(false);
    expect(body.checks.slack).toMatchObject({ ok: false, error: expect.stringContaining('invalid_auth') });
    expect(body.checks.store.ok).toBe(true);
    expect(body.checks.azure.ok).toBe(true);
  } finally {
    await h.stop();
  }
});

test('not ready while the store cannot be read, and says it is the store', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rdp-doctor-readyz-'));
  const store = await openStore({ dataDir });
  const h = await startHarness({ azure, store });
  try {
    await store.close();
    const { status, body } = await readyz(h);
    expect(status).toBe(503);
    expect(body.checks.store.ok).toBe(false);
    expect(body.checks.slack.ok).toBe(true);
    expect(body.checks.azure.ok).toBe(true);
  } finally {
    await h.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('not ready while ARM refuses the configured credential, and says it is Azure', async () => {
  const { sandbox } = azure;
  const refused: SandboxEnvironment = {
    ...azure,
    clients: createAzureClients({
      endpoint: sandbox.endpoint,
      subscriptionIds: [sandbox.subscriptionId],
      accessToken: 'a-token-ARM-does-not-accept',
      caCertificate: sandbox.caCertificate,
      maxRetries: 0,
    }),
    close: async () => undefined,
  };
  const h = await startHarness({ azure: refused });
  try {
    const { status, body } = await readyz(h);
    expect(status).toBe(503);
    expect(body.checks.azure).toMatchObject({ ok: false, error: expect.any(String) });
    expect(body.checks.slack.ok).toBe(true);
    expect(body.checks.store.ok).toBe(true);
  } finally {
    await h.stop();
  }
});

test('a probe result is reused within its time to live, so polling cannot hammer Azure', async () => {
  let now = 0;
  let calls = 0;
  const probe = cachedProbe(
    async () => {
      calls++;
    },
    15_000,
    () => now,
  );
  await Promise.all([probe(), probe(), probe()]);
  now = 14_999;
  await probe();
  expect(calls).toBe(1);
  now = 15_000;
  expect(await probe()).toMatchObject({ ok: true });
  expect(calls).toBe(2);
});

test('GET /metrics serves Prometheus text with an ARM error counted by operation and status, never by name', async () => {
  const h = await startHarness({ azure });
  try {
    const compute = azure.clients.forSubscription(azure.sandbox.subscriptionId).compute;
    await expect(compute.virtualMachines.get('rg-sandbox', 'vm-nobody-made')).rejects.toMatchObject({
      statusCode: 404,
    });
    const res = await fetch(`http://127.0.0.1:${h.app.slack.port}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toMatch(
      /^rdp_doctor_arm_errors_total\{operation="GET Microsoft\.Compute\/virtualMachines",status="404"\} [1-9]\d*$/m,
    );
    for (const name of [
      'rdp_doctor_diagnoses_total',
      'rdp_doctor_diagnosis_duration_seconds',
      'rdp_doctor_gatherer_duration_seconds',
      'rdp_doctor_arm_throttled_total',
      'rdp_doctor_proposals_total',
      'rdp_doctor_fix_outcomes_total',
      'rdp_doctor_digest_runs_total',
      'rdp_doctor_process_resident_memory_bytes',
    ])
      expect(text).toContain(`# TYPE ${name} `);
    expect(text).not.toContain('vm-nobody-made');
  } finally {
    await h.stop();
  }
});
