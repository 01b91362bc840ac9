import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { scenarios } from '@rdp-doctor/azure-sandbox';
import { startFakeSlack, type FakeSlack } from '@rdp-doctor/slack-fake';
import { executionLeaseName } from '../../src/approvals/workflow';
import { openStore } from '../../src/store/open';
import type { Proposal } from '../../src/store';
import { tempDataDir } from '../store/support';
import {
  SIGNING_SECRET,
  scenarioAzure,
  slackSide,
  type SandboxEnvironment,
  type SlackSide,
} from '../support/slack-harness';
import { diagnosed, eventually, privateAnswer, propose, proposalIdOf, textOf } from './approvals-support';

// The app as its own process, killed with SIGKILL at the worst moments and started again on the same
// DATA_DIR: a proposal outlives the process, and an execution the process died in is closed as
// interrupted, re-checked and reported, never run a second time. The sandbox (Run Command taking about
// 3 s) and the fake Slack live in this test process, so they see everything both app processes did.
// Every wait is for a condition (a message, a row, a lapsed lease), with deadlines far above what it
// takes, so a loaded machine makes it slower, not red.

jest.setTimeout(300_000);

/** Far above what any wait here takes alone: the deadlines only matter when something is broken. */
const PATIENCE_MS = 120_000;

const REGISTER_TS = path.join(__dirname, '..', 'support', 'register-ts.js');
const APP_PROCESS = path.join(__dirname, '..', 'support', 'app-process.ts');
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';

interface AppProcess {
  side: SlackSide;
  /** SIGKILL, and resolves once the process is gone. */
  kill(): Promise<void>;
}

let fake: FakeSlack;
let azure: SandboxEnvironment;
let caFile: string;
const running = new Set<ChildProcess>();

beforeAll(async () => {
  fake = await startFakeSlack();
  azure = await scenarioAzure({
    latency: 'realistic',
    scale: 0.1,
    scenarios: scenarios.filter((s) => s.name === 'nsg-denies-rdp' || s.name === 'termservice-not-running'),
  });
  caFile = path.join(tempDataDir(), 'sandbox-ca.pem');
  fs.writeFileSync(caFile, azure.sandbox!.caCertificate);
});

afterAll(async () => {
  for (const child of running) child.kill('SIGKILL');
  await fake.stop();
  await azure.close();
  fs.rmSync(path.dirname(caFile), { recursive: true, force: true });
});

/** Starts the app process on `dataDir` and resolves once it says it is ready, with Slack's side of it. */
function startAppProcess(dataDir: string, extraEnv: Record<string, string> = {}): Promise<AppProcess> {
  const sandbox = azure.sandbox!;
  const child = spawn(process.execPath, ['-r', REGISTER_TS, APP_PROCESS], {
    env: {
      PATH: process.env.PATH,
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      SLACK_API_URL: fake.url,
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      AZURE_RESOURCE_MANAGER_ENDPOINT: sandbox.endpoint,
      AZURE_ACCESS_TOKEN: sandbox.accessToken,
      AZURE_SUBSCRIPTION_IDS: sandbox.subscriptionId,
      NODE_EXTRA_CA_CERTS: caFile,
      APPROVERS: BOB,
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => running.delete(child));
  return new Promise((resolve, reject) => {
    let pending = '';
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg !== 'app-process ready') continue;
        resolve({
          side: slackSide(`http://127.0.0.1:${entry.port}/slack/events`, fake),
          kill: async () => {
            child.kill('SIGKILL');
            await exited;
          },
        });
      }
    });
    void exited.then(() => reject(new Error(`the app process exited before it was ready: ${stderr}`)));
  });
}

/** Resolves once the execution's lease has lapsed, as a restarted process will see it. */
async function leaseLapsed(dataDir: string, id: string): Promise<void> {
  await eventually(
    async () => {
      const store = await openStore({ dataDir });
      try {
        const lease = await store.getLease(executionLeaseName(id));
        return !lease || Date.parse(lease.expiresAt) <= Date.now();
      } finally {
        await store.close();
      }
    },
    `the execution lease of ${id} to lapse`,
    PATIENCE_MS,
  );
}

async function proposalIn(
  dataDir: string,
  id: string,
): Promise<{ proposal: Proposal | null; audit: string[] }> {
  const store = await openStore({ dataDir });
  try {
    return {
      proposal: await store.getProposal(id),
      audit: (await store.listAudit({ proposalId: id })).map((e) => e.action),
    };
  } finally {
    await store.close();
  }
}

function writesTo(vm: string): string[] {
  return azure
    .sandbox!.writes()
    .filter((w) => w.path.toLowerCase().includes(`/${vm}`))
    .map((w) => `${w.method} ${w.path.split('/').slice(-2).join('/')}`);
}

test('kill -9 between proposal and approval: after a restart the old Approve button runs the fix, once', async () => {
  const dataDir = tempDataDir();
  try {
    const first = await startAppProcess(dataDir);
    const diagnosis = await diagnosed(first.side, 'nsg-denies-rdp', 'from 203.0.113.10', ALICE, PATIENCE_MS);
    const proposal = await propose(first.side, diagnosis, 'nsg-allow-rdp-from-source', ALICE, {});
    const id = proposalIdOf(proposal);
    const asShown = structuredClone(proposal);
    await first.kill();
    expect((await proposalIn(dataDir, id)).proposal?.state).toBe('proposed');

    const second = await startAppProcess(dataDir);
    try {
      await second.side.click(asShown, 'approve-fix', BOB);
      await second.side.waitFor(() => textOf(proposal).includes('Done and verified'), PATIENCE_MS);
      expect(writesTo('nsg-denies-rdp-nsg')).toEqual([
        'PUT securityRules/Allow-RDP-203.0.113.10-32-rdpdoctor',
      ]);
      const { proposal: done, audit } = await proposalIn(dataDir, id);
      expect(done?.state).toBe('succeeded');
      expect(audit.filter((a) => a === 'executing')).toHaveLength(1);
    } finally {
      await second.kill();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('kill -9 during the execution: after a restart the proposal is interrupted, re-checked and reported, and never runs again', async () => {
  const dataDir = tempDataDir();
  const lease = { EXECUTION_LEASE_MS: '1000' };
  try {
    const first = await startAppProcess(dataDir, lease);
    const diagnosis = await diagnosed(first.side, 'termservice-not-running', 'refused', ALICE, PATIENCE_MS);
    const proposal = await propose(first.side, diagnosis, 'start-termservice', ALICE);
    const id = proposalIdOf(proposal);
    const asShown = structuredClone(proposal);

    await first.side.click(proposal, 'approve-fix', BOB);
    // The fix's Run Command reached Azure and takes about 3 s: the process dies in the middle of it.
    await first.side.waitFor(() => writesTo('termservice-not-running').length > 0, PATIENCE_MS);
    await first.kill();
    expect(writesTo('termservice-not-running')).toEqual(['POST termservice-not-running/runCommand']);
    expect((await proposalIn(dataDir, id)).proposal?.state).toBe('executing');

    await leaseLapsed(dataDir, id);
    const second = await startAppProcess(dataDir, lease);
    try {
      // Closed at startup, before the process said it was ready.
      const { proposal: after } = await proposalIn(dataDir, id);
      expect(after?.state).toBe('interrupted');
      await second.side.waitFor(() => /: interrupted$/.test(proposal.text), PATIENCE_MS);
      expect(textOf(proposal)).toContain('never re-runs on its own');

      // Then its cause is checked again and what is known is said in the thread.
      const report = await second.side.waitFor(
        () =>
          fake.messages.find(
            (m) =>
              m.thread_ts === proposal.thread_ts &&
              m.text.startsWith('start-termservice on termservice-not-running: interrupted.'),
          ),
        PATIENCE_MS,
      );
      expect(textOf(report)).toContain('the fix may or may not have run');
      expect(textOf(report)).toMatch(/The cause is gone now|The cause is still there|could not be checked/);
      await eventually(
        async () => (await proposalIn(dataDir, id)).audit.includes('rechecked-after-interruption'),
        'the re-check in the audit log',
        PATIENCE_MS,
      );

      expect(
        await privateAnswer(second.side, BOB, () => second.side.click(asShown, 'approve-fix', BOB)),
      ).toMatch(/interrupted when rdp-doctor stopped mid-run/);
      // A second execution would have to claim the proposal first: the audit log holds the only claim.
      const { audit } = await proposalIn(dataDir, id);
      expect(
        audit.filter((a) =>
          ['executing', 'interrupted', 'rechecked-after-interruption', 'succeeded', 'failed'].includes(a),
        ),
      ).toEqual(['executing', 'interrupted', 'rechecked-after-interruption']);
      expect(writesTo('termservice-not-running')).toEqual(['POST termservice-not-running/runCommand']);
      // One word on how it ended: the report; the killed process never posted a result.
      expect(
        fake.messages.filter(
          (m) =>
            m.thread_ts === proposal.thread_ts &&
            m.text.startsWith('start-termservice on termservice-not-running: '),
        ),
      ).toEqual([report]);
    } finally {
      await second.kill();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
