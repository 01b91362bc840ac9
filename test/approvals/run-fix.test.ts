import { refusalMessage } from '../../src/approvals/messages';
import fs from 'node:fs';
import { planOf, runApprovedFix, type FixRun } from '../../src/approvals/run-fix';
import { ApprovalWorkflow } from '../../src/approvals/workflow';
import type { Facts } from '../../src/diagnosis/facts';
import type { FixId } from '../../src/diagnosis/ids';
import { fixById } from '../../src/fixes';
import { DEFAULT_FIX_POLICY } from '../../src/fixes/fix';
import { diagnose } from '../../src/pipeline/diagnose';
import { scenarios } from '@rdp-doctor/azure-sandbox';
import type { VirtualMachine } from '@rdp-doctor/azure-sandbox/world';
import { openStore } from '../../src/store/open';
import type { Proposal, Store } from '../../src/store/store';
import { startHarness as startSandbox, type Harness as Sandbox } from '../sandbox/harness';
import { tempDataDir } from '../store/support';

// The execution after approval, without Slack: one claim wins; the cause is re-checked on fresh facts
// before anything runs (gone: nothing runs; cannot tell: nothing runs); the fix's own target is re-checked;
// the verification decides succeeded or failed; the outcome and the ARM correlation id reach the audit.

const PROPOSER = 'U0ALICE';
const APPROVER = 'U0BOB';

test('a proposal keeps its plan: the parameters a fix reads, and the sentence people read', () => {
  const plan = { params: { source: '203.0.113.10', port: 3389 }, description: 'Add inbound rule X.' };
  expect(planOf({ params: plan.params, description: plan.description })).toEqual(plan);
});

describe('an approved proposal, run against the sandbox', () => {
  let sandbox: Sandbox;
  let store: Store;
  let workflow: ApprovalWorkflow;
  let dataDir: string;

  beforeEach(async () => {
    dataDir = tempDataDir();
    store = await openStore({ dataDir });
    workflow = new ApprovalWorkflow({ store, clock: () => new Date() });
  });

  afterEach(async () => {
    await store.close();
    await sandbox.sandbox.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  function machine(name: string): VirtualMachine {
    const vm = [...sandbox.sandbox.state.vms.values()].find((v) => v.name === name);
    if (!vm) throw new Error(`no VM ${name} in the sandbox`);
    return vm;
  }

  /** Diagnoses the scenario's machine, plans the fix as the modal would pre-fill it, proposes and approves it. */
  async function approvedProposal(scenarioName: string, fixId: FixId): Promise<Proposal> {
    const scenario = scenarios.find((s) => s.name === scenarioName)!;
    sandbox = await startSandbox({ scenarios: [scenario] });
    let facts: Facts | undefined;
    const report = await diagnose({
      clients: sandbox.clients,
      target: scenario.name,
      request: scenario.request,
      resolveHost: sandbox.sandbox.resolveHost,
      onProgress: (event) => {
        if (event.type === 'done') facts = event.facts;
      },
    });
    const fix = fixById(fixId)!;
    const finding = report.findings.find((f) => f.cause === scenario.cause)!;
    const inputs = fix.inputs({ facts: facts!, finding, policy: DEFAULT_FIX_POLICY });
    const plan = fix.plan({
      facts: facts!,
      finding,
      input: Object.fromEntries(inputs.map((i) => [i.name, i.initial ?? ''])),
      policy: DEFAULT_FIX_POLICY,
    });
    const proposed = await workflow.propose({
      vmId: report.vm.id,
      vmName: report.vm.name,
      fixId,
      cause: finding.cause,
      params: plan.params,
      description: plan.description,
      proposer: PROPOSER,
    });
    if (!proposed.ok) throw new Error(refusalMessage(proposed));
    const approved = await workflow.approve(proposed.proposal.id, APPROVER, 'any-member');
    if (!approved.ok) throw new Error(refusalMessage(approved));
    return approved.proposal;
  }

  function run(id: string, holder = 'replica-a', states: string[] = []): Promise<FixRun> {
    return runApprovedFix(id, {
      workflow,
      store,
      clients: sandbox.clients,
      resolveHost: sandbox.sandbox.resolveHost,
      policy: DEFAULT_FIX_POLICY,
      holder,
      onState: async (proposal) => void states.push(proposal.state),
    });
  }

  async function auditActions(id: string): Promise<string[]> {
    return (await store.listAudit({ proposalId: id })).map((e) => e.action);
  }

  test('an approved fix runs once: precheck, execute, verify; the outcome and correlation id reach the audit', async () => {
    const proposal = await approvedProposal('termservice-not-running', 'start-termservice');
    const states: [string[], string[]] = [[], []];
    const [first, second] = await Promise.all([
      run(proposal.id, 'replica-a', states[0]),
      run(proposal.id, 'replica-b', states[1]),
    ]);
    const [winner, loser] = first.claimed ? [first, second] : [second, first];

    expect(loser).toMatchObject({ claimed: false, refusal: { code: 'already-claimed' } });
    if (!winner.claimed) throw new Error('nobody claimed the execution');
    expect(winner.outcome).toBe('succeeded');
    expect(winner.proposal.state).toBe('succeeded');
    expect(winner.detail).toMatch(/Verified: /);
    expect(winner.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(winner.secretForProposer).toBeUndefined();
    expect(sandbox.sandbox.writes()).toHaveLength(1);
    expect(machine('termservice-not-running').guest.rdp!.termService).toMatchObject({ status: 'Running' });

    const audit = await store.listAudit({ proposalId: proposal.id });
    expect(audit.map((e) => e.action)).toEqual([
      'proposed',
      'approval-added',
      'approved',
      'executing',
      'claim-refused',
      'succeeded',
    ]);
    expect(audit.find((e) => e.action === 'succeeded')).toMatchObject({
      correlationId: winner.correlationId,
      detail: winner.detail,
    });
    expect(first.claimed ? states : [states[1], states[0]]).toEqual([['executing', 'succeeded'], []]);
  });

  test('a script whose output is lost still succeeds when the re-check finds the cause gone, and says its output was unreadable', async () => {
    const proposal = await approvedProposal('termservice-not-running', 'start-termservice');
    machine('termservice-not-running').faults.fixOutput = 'lost';

    const result = await run(proposal.id);
    expect(result).toMatchObject({ claimed: true, outcome: 'succeeded', proposal: { state: 'succeeded' } });
    expect(result.claimed && result.detail).toMatch(
      /^The fix ran, but its output was unreadable \(start-termservice printed no result.*\), so the re-check decides\. Verified: TermService is running/,
    );
    expect(sandbox.sandbox.writes()).toHaveLength(1);
  });

  test('a script that says it worked fails when the re-check finds the cause still there, with the evidence', async () => {
    const proposal = await approvedProposal('termservice-not-running', 'start-termservice');
    machine('termservice-not-running').faults.fixScript = 'reverted';

    const result = await run(proposal.id);
    expect(result).toMatchObject({ claimed: true, outcome: 'failed', proposal: { state: 'failed' } });
    expect(result.claimed && result.detail).toMatch(
      /^termservice-not-running: TermService is running.* But the cause is still there: The Remote Desktop service \(TermService\) is Stopped.* Evidence: TermService is Stopped, start type Disabled\. Confirm by hand: `az vm run-command invoke/,
    );
    expect(sandbox.sandbox.writes()).toHaveLength(1);
    const audit = await store.listAudit({ proposalId: proposal.id });
    expect(audit.find((e) => e.action === 'failed')?.detail).toBe(result.claimed && result.detail);
  });

  test('a Run Command Azure turns away fails without a re-check: nothing ran, so there is nothing to verify', async () => {
    const proposal = await approvedProposal('termservice-not-running', 'start-termservice');
    machine('termservice-not-running').faults.fixScript = 'conflict';
    const runCommands = () =>
      sandbox.sandbox.requests.filter((r) => r.method === 'POST' && /\/runCommand$/i.test(r.path));
    const before = runCommands().length;

    const result = await run(proposal.id);
    expect(result).toMatchObject({ claimed: true, outcome: 'failed', proposal: { state: 'failed' } });
    expect(result.claimed && result.detail).toMatch(
      /^The fix failed: .*another Run Command is in progress on this VM/,
    );
    // The precheck's probe, then the refused fix: no probe after it.
    expect(
      runCommands()
        .slice(before)
        .map((r) => r.status),
    ).toEqual([202, 409]);
    expect(machine('termservice-not-running').guest.rdp!.termService).toMatchObject({ status: 'Stopped' });
  });

  test('a cause gone before the fix runs: no-longer-needed, and nothing is written', async () => {
    const proposal = await approvedProposal('termservice-not-running', 'start-termservice');
    machine('termservice-not-running').guest.rdp!.termService = { status: 'Running', startType: 'Automatic' };

    const result = await run(proposal.id);
    expect(result).toMatchObject({
      claimed: true,
      outcome: 'no-longer-needed',
      proposal: { state: 'no-longer-needed' },
    });
    expect(result.claimed && result.detail).toMatch(
      /^Nothing was changed: the check for termservice-not-running passes now/,
    );
    expect(sandbox.sandbox.writes()).toHaveLength(0);
  });

  test('a precheck that cannot run fails closed: failed with the reason, and nothing is written', async () => {
    const proposal = await approvedProposal('termservice-not-running', 'start-termservice');
    machine('termservice-not-running').faults.runCommand = 'conflict';

    const result = await run(proposal.id);
    expect(result).toMatchObject({ claimed: true, outcome: 'failed', proposal: { state: 'failed' } });
    expect(result.claimed && result.detail).toMatch(
      /^Nothing was changed: the check for termservice-not-running could not run before the fix/,
    );
    expect(sandbox.sandbox.writes()).toHaveLength(0);
    expect(await auditActions(proposal.id)).toContain('failed');
  });

  test('a target that moved (another process behind the pid) is not touched', async () => {
    const proposal = await approvedProposal('memory-exhausted', 'stop-process');
    const top = machine('memory-exhausted').guest.resources!.topProcesses;
    top[0] = { ...top[0], name: 'lsass' };

    const result = await run(proposal.id);
    expect(result).toMatchObject({ claimed: true, outcome: 'failed' });
    expect(result.claimed && result.detail).toMatch(
      /^Nothing was changed: pid 2264 now runs lsass, not sqlservr\./,
    );
    expect(sandbox.sandbox.writes()).toHaveLength(0);
  });

  test('a proposal not approved yet is not claimed, and nothing runs', async () => {
    const proposal = await approvedProposal('termservice-not-running', 'start-termservice');
    const waiting = await workflow.propose({ ...proposal, params: proposal.params, proposer: PROPOSER });
    if (!waiting.ok) throw new Error(refusalMessage(waiting));

    expect(await run(waiting.proposal.id)).toMatchObject({
      claimed: false,
      refusal: { code: 'not-approved' },
    });
    expect(sandbox.sandbox.writes()).toHaveLength(0);
  });

  test('the VMAccess password comes back for the proposer and is kept nowhere', async () => {
    const proposal = await approvedProposal('password-rejected', 'vmaccess-reset');
    const result = await run(proposal.id);
    if (!result.claimed) throw new Error('not claimed');
    expect(result.outcome).toBe('succeeded');
    const secret = result.secretForProposer ?? '';
    expect(secret).toHaveLength(24);
    expect(JSON.stringify({ ...result, secretForProposer: undefined })).not.toContain(secret);
    expect(JSON.stringify(await store.listAudit({ proposalId: proposal.id }))).not.toContain(secret);
    expect(JSON.stringify(await store.getProposal(proposal.id))).not.toContain(secret);
  });
});
