import { spawn } from 'node:child_process';
import path from 'node:path';
import { openStore } from '../../src/store/open';
import type { Store } from '../../src/store/store';
import { createTarget, type Driver, type StoreTarget } from './support';

// Each step of the workflow writes its transition and its audit row in one transaction. A process killed
// (kill -9) between the two statements leaves neither; killed just after the step, both.

const WRITER = path.join(__dirname, 'crash-step-writer.js');

type Step = 'propose' | 'approve' | 'deny' | 'claim' | 'finish';
type Pause = 'between' | 'after';

/** Runs the writer up to `pause` of `step`, SIGKILLs it there, and resolves with the proposal id it printed. */
function killAt(target: StoreTarget, step: Step, pause: Pause): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [WRITER, target.config.dataDir, target.config.databaseUrl ?? '', step, pause],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    let id: string | null = null;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const reported = new RegExp(`^${pause} (\\S+)$`, 'm').exec(stdout);
      if (reported && id === null) {
        id = reported[1];
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL' && id !== null) resolve(id);
      else
        reject(new Error(`The writer ended on its own (${signal ?? code}) before it was killed: ${stderr}`));
    });
  });
}

/** Where each step moves the proposal, the audit action it writes, and where the proposal stood before. */
const STEPS: Record<Step, { to: string; action: string; before: string | null }> = {
  propose: { to: 'proposed', action: 'proposed', before: null },
  approve: { to: 'approved', action: 'approved', before: 'proposed' },
  deny: { to: 'denied', action: 'denied', before: 'proposed' },
  claim: { to: 'executing', action: 'executing', before: 'approved' },
  finish: { to: 'succeeded', action: 'succeeded', before: 'executing' },
};

async function stepRecord(store: Store, id: string, step: Step) {
  const proposal = await store.getProposal(id);
  const audited = (await store.listAudit({ proposalId: id })).filter(
    (entry) => entry.action === STEPS[step].action,
  );
  return { state: proposal?.state ?? null, audited: audited.length };
}

describe.each<Driver>(['sqlite', 'postgres'])('one transaction per step on %s', (driver) => {
  let target: StoreTarget;

  beforeEach(async () => {
    target = await createTarget(driver);
  });

  afterEach(async () => {
    await target.destroy();
  });

  test.each<Step>(['propose', 'approve', 'deny', 'claim', 'finish'])(
    'kill -9 between the transition and its audit row of %s leaves neither',
    async (step) => {
      const id = await killAt(target, step, 'between');
      const store = await openStore(target.config);
      try {
        expect(await stepRecord(store, id, step)).toMatchObject({ state: STEPS[step].before, audited: 0 });
        if (step === 'approve' || step === 'deny') {
          expect((await store.getProposal(id))?.decidedBy).toBeNull();
        }
      } finally {
        await store.close();
      }
    },
  );

  test.each<Step>(['propose', 'approve', 'deny', 'claim', 'finish'])(
    'kill -9 just after %s leaves both',
    async (step) => {
      const id = await killAt(target, step, 'after');
      const store = await openStore(target.config);
      try {
        expect(await stepRecord(store, id, step)).toMatchObject({ state: STEPS[step].to, audited: 1 });
        if (step === 'approve' || step === 'deny') {
          expect((await store.getProposal(id))?.decidedBy).toBe('U0APPROVER');
        }
      } finally {
        await store.close();
      }
    },
  );
});
