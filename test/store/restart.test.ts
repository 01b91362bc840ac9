import { refusalMessage } from '../../src/approvals/messages';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ApprovalWorkflow } from '../../src/approvals/workflow';
import { openStore } from '../../src/store/open';
import { FakeClock, tempDataDir } from './support';

const WRITER = path.join(__dirname, 'crash-writer.js');

/** Starts the writer, collects the ids it reports as committed, and SIGKILLs it once it reported `count`. */
function killAfter(dataDir: string, mode: 'approve' | 'execute', count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, dataDir, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    const ids: string[] = [];
    let pending = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      ids.push(...lines);
      if (ids.length >= count && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve(ids);
      else
        reject(
          new Error(`The writer exited on its own (${signal ?? _code}) before it was killed: ${stderr}`),
        );
    });
  });
}

describe('SQLite store across restarts', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = tempDataDir();
  });

  afterEach(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('a proposal survives close and reopen and can still be approved and claimed', async () => {
    const clock = new FakeClock();
    const first = await openStore({ dataDir, clock: clock.now });
    const proposed = await new ApprovalWorkflow({ store: first, clock: clock.now }).propose({
      vmId: 'vm-web-01',
      vmName: 'web-01',
      fixId: 'start-vm',
      cause: 'vm-not-running',
      params: {},
      proposer: 'U0PROPOSER',
    });
    await first.close();
    if (!proposed.ok) throw new Error(refusalMessage(proposed));

    const reopened = await openStore({ dataDir, clock: clock.now });
    const workflow = new ApprovalWorkflow({ store: reopened, clock: clock.now });
    expect(await reopened.getProposal(proposed.proposal.id)).toEqual(proposed.proposal);
    expect(await workflow.approve(proposed.proposal.id, 'U0APPROVER', 'any-member')).toMatchObject({
      ok: true,
      proposal: { state: 'approved' },
    });
    expect(await workflow.claimExecution(proposed.proposal.id, 'replica-a')).toMatchObject({ ok: true });
    await reopened.close();
  });

  test('kill -9 of a writing process loses no committed approval and duplicates none', async () => {
    const reported = await killAfter(dataDir, 'approve', 25);
    const store = await openStore({ dataDir });
    for (const id of reported) {
      expect(await store.getProposal(id)).toMatchObject({ state: 'approved' });
      expect(await store.listApprovers(id)).toEqual(['U0APPROVER']);
      const approvedRows = (await store.listAudit({ proposalId: id })).filter((e) => e.action === 'approved');
      expect(approvedRows).toHaveLength(1);
    }
    // The kill may land inside the last, unreported round: that proposal is still proposed (its approval,
    // if recorded, counts when the approver clicks again), never approved twice.
    const all = await store.listProposals(
      '/subscriptions/s/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/web-01',
    );
    expect(all.length - reported.length).toBeLessThanOrEqual(1);
    for (const proposal of all.filter((p) => !reported.includes(p.id))) {
      expect(proposal.state).toBe('proposed');
      expect((await store.listApprovers(proposal.id)).length).toBeLessThanOrEqual(1);
    }
    const workflow = new ApprovalWorkflow({ store, clock: () => new Date() });
    expect(await workflow.claimExecution(reported[0], 'replica-after-crash')).toMatchObject({ ok: true });
    await store.close();
  });

  test('kill -9 mid-execution: on restart, once the lease lapsed, the fix is marked interrupted, not re-run', async () => {
    const [id] = await killAfter(dataDir, 'execute', 1);
    const store = await openStore({ dataDir });
    expect((await store.getProposal(id))?.state).toBe('executing');
    const anHourLater = () => new Date(Date.now() + 60 * 60_000);
    const workflow = new ApprovalWorkflow({ store, clock: anHourLater });
    const interrupted = await workflow.recoverInterrupted('replica-after-crash');
    expect(interrupted.map((p) => p.id)).toEqual([id]);
    expect(await store.getProposal(id)).toMatchObject({ state: 'interrupted' });
    expect(await workflow.claimExecution(id, 'replica-after-crash')).toMatchObject({
      ok: false,
      code: 'already-claimed',
    });
    await store.close();
  });
});
