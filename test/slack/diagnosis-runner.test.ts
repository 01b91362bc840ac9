import { LogLevel, WebClient } from '@slack/web-api';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { openStore } from '../../src/store';
import type { VmIdentity } from '../../src/diagnosis/facts';
import type { Check } from '../../src/diagnosis/report';
import { DiagnosisRunner, type DiagnosisService } from '../../src/slack/diagnosis-runner';
import { MessageUpdater } from '../../src/slack/message-updater';
import { healthyFacts } from '../fixtures/facts';
import { startFakeSlack, validateMessageBlocks, type FakeSlack } from '@rdp-doctor/slack-fake';

// The runner and the updater against the fake Slack Web API through the real WebClient: a run that dies
// half way says so, and updates honour Slack's rate limits.

const logger = pino({ level: 'silent' });
const identity: VmIdentity = {
  id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/prod-01',
  name: 'prod-01',
  resourceGroup: 'rg',
  subscriptionId: 's',
  location: 'westeurope',
};
const PORTAL = 'https://portal.azure.com';
const store = {
  acquireLease: async () => true,
  releaseLease: async () => undefined,
  startDiagnosisRun: async () => undefined,
  finishDiagnosisRun: async () => true,
  abandonOverdueRuns: async () => [],
  saveSnapshot: async () => {
    throw new Error('not reached');
  },
  getSnapshot: async () => null,
};
const cleanCheck: Check = {
  id: 'vm-not-running',
  title: 'The VM is not running',
  label: 'power state',
  layer: 'platform',
  status: 'pass',
  summary: 'running',
  evidence: '',
  confirm: 'az vm get-instance-view',
  durationMs: 120,
};

let fake: FakeSlack;
let client: WebClient;
beforeEach(async () => {
  fake = await startFakeSlack({ rateLimits: true });
  client = new WebClient(fake.botToken, { slackApiUrl: fake.url, logLevel: LogLevel.ERROR });
});
afterEach(() => fake.stop());

it('leaves a message that says the diagnosis stopped, and what to do, when the run dies half way', async () => {
  const service: DiagnosisService = {
    locate: async () => identity,
    diagnose: async (_identity, _request, on) => {
      on.progress({
        type: 'started',
        startedAt: new Date().toISOString(),
        vm: { ...identity, osType: 'Windows', powerState: 'running' },
      });
      on.progress({
        type: 'layer',
        layer: 'platform',
        outcomes: [{ check: cleanCheck, finding: null }],
        facts: healthyFacts(),
      });
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' });
    },
  };
  const runner = new DiagnosisRunner({ client, service, store, logger, replicaId: 'r1', portal: PORTAL });
  await runner.start({
    channel: 'C0RUNNER1',
    user: 'U1',
    identity,
    target: 'prod-01',
    request: { symptom: 'unknown', source: null, host: null },
  });
  await runner.idle();
  const [message] = fake.messages.filter((m) => m.channel === 'C0RUNNER1');
  expect(message.text).toMatch(/stopped/);
  const shown = JSON.stringify(message.blocks);
  expect(shown).toMatch(/Cannot reach Azure Resource Manager/);
  expect(shown).toMatch(/\/rdp prod-01/);
  expect(shown).not.toMatch(/⏳/);
  expect(validateMessageBlocks(message.blocks ?? [])).toEqual([]);
});

it('closes the message of a run whose process died mid-way, once its in-flight marker expires', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rdp-doctor-runner-'));
  const realStore = await openStore({ dataDir });
  try {
    const hangs: DiagnosisService = {
      locate: async () => identity,
      diagnose: () => new Promise(() => undefined),
    };
    const dying = new DiagnosisRunner({
      client,
      service: hangs,
      store: realStore,
      logger,
      replicaId: 'dead-replica',
      portal: PORTAL,
    });
    await dying.start({
      channel: 'C0RUNNER4',
      user: 'U1',
      identity,
      target: 'prod-01',
      request: { symptom: 'unknown', source: null, host: null },
    });
    const survivor = new DiagnosisRunner({
      client,
      service: hangs,
      store: realStore,
      logger,
      replicaId: 'survivor',
      portal: PORTAL,
    });
    expect(await survivor.closeAbandonedRuns()).toBe(0);
    expect(await survivor.closeAbandonedRuns(new Date(Date.now() + 6 * 60_000))).toBe(1);
    const [message] = fake.messages.filter((m) => m.channel === 'C0RUNNER4');
    expect(JSON.stringify(message.blocks)).toMatch(/stopped while this diagnosis ran/);
    expect(JSON.stringify(message.blocks)).not.toMatch(/⏳/);
    // Closed once: the run is marked abandoned, so another sweep (or replica) leaves the message alone.
    expect(await survivor.closeAbandonedRuns(new Date(Date.now() + 7 * 60_000))).toBe(0);
  } finally {
    await realStore.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

describe('MessageUpdater', () => {
  it('sends only the latest state and never more than one update per interval', async () => {
    const posted = await client.chat.postMessage({ channel: 'C0RUNNER2', text: 'v0' });
    const updater = new MessageUpdater(client, 'C0RUNNER2', posted.ts as string, logger, 200);
    const started = Date.now();
    for (let i = 1; i <= 10; i++) updater.push({ text: `v${i}`, blocks: [] });
    await updater.flush();
    const updates = fake.calls.filter((c) => c.method === 'chat.update');
    expect(updates.map((c) => (c.body as { text: string }).text)).toEqual(['v1', 'v10']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(fake.messages.find((m) => m.ts === posted.ts)!.text).toBe('v10');
  });

  it('waits out Retry-After when Slack answers ratelimited, and the message still ends right', async () => {
    const posted = await client.chat.postMessage({ channel: 'C0RUNNER3', text: 'v0' });
    fake.forceRateLimit('chat.update', 1, 1);
    const updater = new MessageUpdater(client, 'C0RUNNER3', posted.ts as string, logger, 10);
    const started = Date.now();
    updater.push({ text: 'final', blocks: [] });
    await updater.flush();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(fake.messages.find((m) => m.ts === posted.ts)!.text).toBe('final');
  });
});
