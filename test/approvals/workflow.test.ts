import { approvalMessage, denialMessage, refusalMessage } from '../../src/approvals/messages';
import {
  ApprovalWorkflow,
  DEFAULT_APPROVAL_TTL_MS,
  RECHECK_LEASE_MS,
  executionLeaseName,
  type ApprovalRecorded,
  type Denied,
  type NewProposalRequest,
  type Proposed,
  type Refusal,
} from '../../src/approvals/workflow';
import { openStore } from '../../src/store/open';
import { REDACTED } from '../../src/store/redact';
import type { Proposal, Store } from '../../src/store/store';
import { FakeClock, createTarget, type StoreTarget } from '../store/support';

const request: NewProposalRequest = {
  vmId: '/subscriptions/s/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/web-01',
  vmName: 'web-01',
  fixId: 'nsg-allow-rdp-from-source',
  cause: 'nsg-denies-rdp',
  params: { sourcePrefix: '203.0.113.10/32', priority: 100 },
  proposer: 'U0PROPOSER',
  channel: 'C0INCIDENT',
  messageTs: '1741082400.000100',
};

describe('approval workflow', () => {
  let target: StoreTarget;
  let store: Store;
  let clock: FakeClock;

  beforeEach(async () => {
    target = await createTarget('sqlite');
    clock = new FakeClock();
    store = await openStore({ ...target.config, clock: clock.now });
  });

  afterEach(async () => {
    await store.close();
    await target.destroy();
  });

  function workflow(options: { approvalsRequired?: number; approvalTtlMs?: number } = {}): ApprovalWorkflow {
    return new ApprovalWorkflow({ store, clock: clock.now, ...options });
  }

  async function propose(
    flow: ApprovalWorkflow,
    overrides: Partial<NewProposalRequest> = {},
  ): Promise<Proposal> {
    const result = await flow.propose({ ...request, ...overrides });
    if (!result.ok) throw new Error(refusalMessage(result));
    return result.proposal;
  }

  /** The result with the sentence the person who clicked reads, as every surface says it. */
  function spoken(result: Proposed | ApprovalRecorded | Denied | Refusal) {
    if (!result.ok) return { ...result, message: refusalMessage(result) };
    if ('approvalsNeeded' in result) return { ...result, message: approvalMessage(result) };
    if ('withdrawn' in result) return { ...result, message: denialMessage(result) };
    return result;
  }

  async function actions(proposalId: string): Promise<string[]> {
    return (await store.listAudit({ proposalId })).map((entry) => `${entry.action} by ${entry.actor}`);
  }

  test('propose stores the proposal with APPROVALS_REQUIRED and an expiry APPROVAL_TTL from now, and audits it', async () => {
    const result = await workflow({ approvalsRequired: 2 }).propose(request);
    expect(result).toMatchObject({
      ok: true,
      proposal: {
        state: 'proposed',
        approvalsRequired: 2,
        proposer: 'U0PROPOSER',
        channel: 'C0INCIDENT',
        expiresAt: new Date(clock.time.getTime() + DEFAULT_APPROVAL_TTL_MS).toISOString(),
      },
    });
    if (!result.ok) return;
    expect(await actions(result.proposal.id)).toEqual(['proposed by U0PROPOSER']);
  });

  test('propose refuses parameters that name a secret, stores nothing, and audits the refusal redacted', async () => {
    const flow = workflow();
    const result = await flow.propose({
      ...request,
      fixId: 'vmaccess-reset',
      params: { userName: 'rdpadmin', newPassword: 'hunter2!' },
    });
    expect(spoken(result)).toMatchObject({
      ok: false,
      code: 'secret-in-params',
      message: expect.stringContaining('newPassword'),
    });
    expect(await store.listProposals(request.vmId)).toEqual([]);
    const [entry] = await store.listAudit({ vmId: request.vmId });
    expect(entry).toMatchObject({
      action: 'propose-refused',
      params: { userName: 'rdpadmin', newPassword: REDACTED },
    });
  });

  test('self-approval is refused with a sentence, and the proposal stays proposed', async () => {
    const flow = workflow();
    const proposal = await propose(flow);
    expect(spoken(await flow.approve(proposal.id, 'U0PROPOSER', 'any-member'))).toEqual({
      ok: false,
      code: 'self-approval',
      message: 'You proposed this fix; a second person must approve it.',
      proposal,
    });
    expect((await store.getProposal(proposal.id))?.state).toBe('proposed');
    expect(await store.listApprovers(proposal.id)).toEqual([]);
    expect(await actions(proposal.id)).toEqual(['proposed by U0PROPOSER', 'approve-refused by U0PROPOSER']);
  });

  test('the proposer cannot approve even when listed in APPROVERS', async () => {
    const flow = workflow();
    const proposal = await propose(flow);
    expect(await flow.approve(proposal.id, 'U0PROPOSER', ['U0PROPOSER', 'U0ALICE'])).toMatchObject({
      code: 'self-approval',
    });
  });

  test('an approver outside the APPROVERS list is refused; a listed one approves', async () => {
    const flow = workflow();
    const proposal = await propose(flow);
    const approvers = ['U0ALICE', 'U0BOB'];
    expect(spoken(await flow.approve(proposal.id, 'U0MALLORY', approvers))).toMatchObject({
      ok: false,
      code: 'not-an-approver',
      message: expect.stringContaining('APPROVERS'),
    });
    expect(await store.listApprovers(proposal.id)).toEqual([]);
    expect(await flow.approve(proposal.id, 'U0ALICE', approvers)).toMatchObject({
      ok: true,
      proposal: { state: 'approved' },
    });
  });

  test('APPROVERS as a user group: the predicate resolved elsewhere decides', async () => {
    const flow = workflow();
    const proposal = await propose(flow);
    const oncallGroup = new Set(['U0ALICE']);
    const inGroup = (userId: string) => oncallGroup.has(userId);
    expect(await flow.approve(proposal.id, 'U0MALLORY', inGroup)).toMatchObject({ code: 'not-an-approver' });
    expect(await flow.approve(proposal.id, 'U0ALICE', inGroup)).toMatchObject({
      ok: true,
      proposal: { state: 'approved' },
      mayStillApprove: null,
    });
  });

  test('with APPROVERS unset, nobody approves: refused with what the admin must set, and audited', async () => {
    const flow = workflow();
    const proposal = await propose(flow);
    expect(spoken(await flow.approve(proposal.id, 'U0ANYONE', 'unset'))).toMatchObject({
      ok: false,
      code: 'approvers-unset',
      message: expect.stringContaining('until an admin sets APPROVERS'),
    });
    expect(await store.listApprovers(proposal.id)).toEqual([]);
    expect((await store.getProposal(proposal.id))?.state).toBe('proposed');
    expect(await actions(proposal.id)).toEqual(['proposed by U0PROPOSER', 'approve-refused by U0ANYONE']);
  });

  test('with APPROVERS=*, any member other than the proposer approves, and the proposer still cannot', async () => {
    const flow = workflow();
    const proposal = await propose(flow);
    expect(await flow.approve(proposal.id, 'U0PROPOSER', 'any-member')).toMatchObject({
      code: 'self-approval',
    });
    expect(await flow.approve(proposal.id, 'U0ANYONE', 'any-member')).toMatchObject({
      ok: true,
      approvers: ['U0ANYONE'],
      approvalsNeeded: 0,
      mayStillApprove: null,
      proposal: { state: 'approved' },
    });
  });

  test('APPROVALS_REQUIRED=2: two distinct approvers, the same one twice counts once, and the result says who may still approve', async () => {
    const flow = workflow({ approvalsRequired: 2 });
    const proposal = await propose(flow);
    const approvers = ['U0ALICE', 'U0BOB', 'U0CAROL', 'U0PROPOSER'];

    const first = await flow.approve(proposal.id, 'U0ALICE', approvers);
    expect(spoken(first)).toMatchObject({
      ok: true,
      proposal: { state: 'proposed' },
      approvers: ['U0ALICE'],
      approvalsNeeded: 1,
      mayStillApprove: ['U0BOB', 'U0CAROL'],
      message: expect.stringContaining('1 more approval needed'),
    });
    const again = await flow.approve(proposal.id, 'U0ALICE', approvers);
    expect(again).toMatchObject({
      ok: true,
      proposal: { state: 'proposed' },
      approvers: ['U0ALICE'],
      approvalsNeeded: 1,
    });
    expect(await flow.claimExecution(proposal.id, 'replica-a')).toMatchObject({
      ok: false,
      code: 'not-approved',
    });

    clock.advance(1000);
    const second = await flow.approve(proposal.id, 'U0BOB', approvers);
    expect(second).toMatchObject({
      ok: true,
      proposal: { state: 'approved' },
      approvers: ['U0ALICE', 'U0BOB'],
      approvalsNeeded: 0,
      mayStillApprove: ['U0CAROL'],
    });
    expect(spoken(await flow.approve(proposal.id, 'U0CAROL', approvers))).toMatchObject({
      ok: false,
      code: 'not-pending',
      message: 'This fix is already approved; it runs once.',
    });
    expect(await flow.claimExecution(proposal.id, 'replica-a')).toMatchObject({
      ok: true,
      proposal: { state: 'executing' },
    });
  });

  test('when fewer listed approvers remain than approvals needed, the result says the proposal cannot complete', async () => {
    const flow = workflow({ approvalsRequired: 2 });
    const proposal = await propose(flow);
    expect(spoken(await flow.approve(proposal.id, 'U0ALICE', ['U0ALICE', 'U0PROPOSER']))).toMatchObject({
      ok: true,
      approvalsNeeded: 1,
      mayStillApprove: [],
      message: expect.stringContaining('widen APPROVERS or lower APPROVALS_REQUIRED'),
    });
  });

  test('the required count is fixed when proposed: a later APPROVALS_REQUIRED change does not alter it', async () => {
    const proposal = await propose(workflow({ approvalsRequired: 2 }));
    expect(
      await workflow({ approvalsRequired: 1 }).approve(proposal.id, 'U0ALICE', 'any-member'),
    ).toMatchObject({
      approvalsNeeded: 1,
      proposal: { state: 'proposed' },
    });
  });

  test('expiry: after APPROVAL_TTL a proposal cannot be approved; it is expired on the spot and audited', async () => {
    const flow = workflow({ approvalTtlMs: 15 * 60_000 });
    const proposal = await propose(flow);
    clock.advance(15 * 60_000);
    expect(spoken(await flow.approve(proposal.id, 'U0ALICE', 'any-member'))).toMatchObject({
      ok: false,
      code: 'expired',
      message: expect.stringContaining('expired at 10:15 UTC'),
      proposal: { state: 'expired' },
    });
    expect(await store.listApprovers(proposal.id)).toEqual([]);
    expect(await flow.claimExecution(proposal.id, 'replica-a')).toMatchObject({
      ok: false,
      code: 'not-approved',
    });
    expect(await actions(proposal.id)).toEqual([
      'proposed by U0PROPOSER',
      'expired by rdp-doctor',
      'approve-refused by U0ALICE',
      'claim-refused by rdp-doctor',
    ]);
  });

  test('expire() sweeps only the proposals whose time is up, then deny and approve both say expired', async () => {
    const flow = workflow();
    const old = await propose(flow);
    clock.advance(10 * 60_000);
    const fresh = await propose(flow);
    clock.advance(5 * 60_000);
    expect((await flow.expire()).map((p) => p.id)).toEqual([old.id]);
    expect((await store.getProposal(fresh.id))?.state).toBe('proposed');
    expect(await flow.deny(old.id, 'U0ALICE')).toMatchObject({ ok: false, code: 'expired' });
    expect(await flow.approve(old.id, 'U0ALICE', 'any-member')).toMatchObject({ ok: false, code: 'expired' });
    expect(await actions(old.id)).toContain('expired by rdp-doctor');
  });

  test('deny from another channel, or from the App Home of someone who may not approve, is refused; anyone in its channel and an approver in App Home may deny', async () => {
    const flow = workflow();
    const proposal = await propose(flow);
    expect(
      spoken(
        await flow.deny(proposal.id, 'U0MALLORY', undefined, {
          place: { surface: 'channel', channel: 'C0ELSEWHERE' },
          approvers: 'any-member',
        }),
      ),
    ).toMatchObject({
      ok: false,
      code: 'wrong-place',
      message: expect.stringContaining('approve or deny it there'),
    });
    expect((await store.getProposal(proposal.id))?.state).toBe('proposed');
    const fromHome = await propose(flow, { vmId: `${proposal.vmId}-2` });
    expect(
      await flow.deny(fromHome.id, 'U0MALLORY', undefined, {
        place: { surface: 'home' },
        approvers: ['U0BOB'],
      }),
    ).toMatchObject({ ok: false, code: 'not-an-approver' });
    expect(
      await flow.deny(fromHome.id, 'U0BOB', undefined, { place: { surface: 'home' }, approvers: ['U0BOB'] }),
    ).toMatchObject({ ok: true });
    expect(
      await flow.deny(proposal.id, 'U0CAROL', undefined, {
        place: { surface: 'channel', channel: proposal.channel! },
        approvers: ['U0BOB'],
      }),
    ).toMatchObject({ ok: true });
  });

  test('deny closes the proposal with its reason; approving afterwards is refused and repeats the reason', async () => {
    const flow = workflow();
    const proposal = await propose(flow);
    expect(spoken(await flow.deny(proposal.id, 'U0BOB', 'change freeze until 18:00'))).toMatchObject({
      ok: true,
      proposal: { state: 'denied', reason: 'change freeze until 18:00' },
      message: expect.stringMatching(/^Denied/),
    });
    expect(spoken(await flow.approve(proposal.id, 'U0ALICE', 'any-member'))).toMatchObject({
      ok: false,
      code: 'not-pending',
      message: expect.stringContaining('change freeze until 18:00'),
    });
    expect(await flow.deny(proposal.id, 'U0BOB')).toMatchObject({ ok: false, code: 'not-pending' });
  });

  test('the proposal records who decided it: the denier, or the approver whose approval completed it', async () => {
    const flow = workflow({ approvalsRequired: 2 });
    const denied = await propose(flow);
    await flow.approve(denied.id, 'U0ALICE', 'any-member');
    await flow.deny(denied.id, 'U0BOB', 'change freeze');
    expect(await store.getProposal(denied.id)).toMatchObject({ state: 'denied', decidedBy: 'U0BOB' });
    const approved = await propose(flow);
    await flow.approve(approved.id, 'U0ALICE', 'any-member');
    expect((await store.getProposal(approved.id))?.decidedBy).toBeNull();
    await flow.approve(approved.id, 'U0CAROL', 'any-member');
    expect(await store.getProposal(approved.id)).toMatchObject({ state: 'approved', decidedBy: 'U0CAROL' });
  });

  test('an approval that could not be judged (APPROVERS unreadable) is refused and audited by the workflow', async () => {
    const flow = workflow();
    const proposal = await propose(flow);
    const why = 'Slack did not answer when rdp-doctor read the approver group; try again in a minute.';
    expect(spoken(await flow.refuseUnjudgedApproval(proposal.id, 'U0ALICE', why))).toEqual({
      ok: false,
      code: 'approvers-unavailable',
      reason: why,
      proposal,
      message: why,
    });
    expect(await store.getProposal(proposal.id)).toMatchObject({ state: 'proposed', decidedBy: null });
    expect(await actions(proposal.id)).toEqual(['proposed by U0PROPOSER', 'approve-refused by U0ALICE']);
  });

  test('the proposer denying their own proposal withdraws it', async () => {
    const flow = workflow();
    const proposal = await propose(flow);
    expect(spoken(await flow.deny(proposal.id, 'U0PROPOSER'))).toMatchObject({
      ok: true,
      message: expect.stringMatching(/^Withdrawn/),
    });
  });

  test('an unknown proposal id is refused as not-found for every step', async () => {
    const flow = workflow();
    expect(await flow.approve('no-such-id', 'U0ALICE', 'any-member')).toMatchObject({
      ok: false,
      code: 'not-found',
    });
    expect(await flow.deny('no-such-id', 'U0ALICE')).toMatchObject({ ok: false, code: 'not-found' });
    expect(await flow.claimExecution('no-such-id', 'replica-a')).toMatchObject({
      ok: false,
      code: 'not-found',
    });
    expect(await flow.finish('no-such-id', 'replica-a', 'succeeded')).toMatchObject({
      ok: false,
      code: 'not-found',
    });
  });

  test('a full run is audited step by step with who, when, params and the ARM correlation id', async () => {
    const flow = workflow();
    const proposal = await propose(flow);
    clock.advance(60_000);
    await flow.approve(proposal.id, 'U0ALICE', 'any-member');
    await flow.claimExecution(proposal.id, 'replica-a');
    expect(await store.getLease(executionLeaseName(proposal.id))).toMatchObject({ holder: 'replica-a' });
    clock.advance(30_000);
    const finished = await flow.finish(proposal.id, 'replica-a', 'succeeded', {
      detail: 'IP flow verify now allows TCP 3389 from 203.0.113.10',
      correlationId: '7f0c9d2e-1b1a-4c55-9d7e-2f6f1c0b9a11',
    });
    expect(finished).toMatchObject({ ok: true, proposal: { state: 'succeeded' } });
    expect(await store.getLease(executionLeaseName(proposal.id))).toBeNull();

    const trail = await store.listAudit({ proposalId: proposal.id });
    expect(trail.map((e) => `${e.action} by ${e.actor}`)).toEqual([
      'proposed by U0PROPOSER',
      'approval-added by U0ALICE',
      'approved by U0ALICE',
      'executing by rdp-doctor',
      'succeeded by rdp-doctor',
    ]);
    expect(trail.map((e) => e.at)).toEqual([
      '2025-03-04T10:00:00.000Z',
      '2025-03-04T10:01:00.000Z',
      '2025-03-04T10:01:00.000Z',
      '2025-03-04T10:01:00.000Z',
      '2025-03-04T10:01:30.000Z',
    ]);
    expect(trail.every((e) => e.vmId === request.vmId && e.fixId === request.fixId)).toBe(true);
    expect(trail[0].params).toEqual(request.params);
    expect(trail[4]).toMatchObject({
      correlationId: '7f0c9d2e-1b1a-4c55-9d7e-2f6f1c0b9a11',
      detail: 'IP flow verify now allows TCP 3389 from 203.0.113.10',
    });
    expect(await flow.finish(proposal.id, 'replica-a', 'failed')).toMatchObject({
      ok: false,
      code: 'not-executing',
    });
  });

  test('an execution whose cause is already gone ends no-longer-needed', async () => {
    const flow = workflow();
    const proposal = await propose(flow);
    await flow.approve(proposal.id, 'U0ALICE', 'any-member');
    await flow.claimExecution(proposal.id, 'replica-a');
    expect(
      await flow.finish(proposal.id, 'replica-a', 'no-longer-needed', {
        detail: 'IP flow verify already allows 3389',
      }),
    ).toMatchObject({
      ok: true,
      proposal: { state: 'no-longer-needed', reason: 'IP flow verify already allows 3389' },
    });
  });

  test('recoverInterrupted leaves a running execution alone while its lease holds, then marks it interrupted', async () => {
    const flow = workflow();
    const proposal = await propose(flow);
    await flow.approve(proposal.id, 'U0ALICE', 'any-member');
    await flow.claimExecution(proposal.id, 'replica-a');

    expect(await flow.recoverInterrupted('replica-b')).toEqual([]);
    expect((await store.getProposal(proposal.id))?.state).toBe('executing');

    clock.advance(31 * 60_000);
    const [interrupted] = await flow.recoverInterrupted('replica-b');
    expect(interrupted).toMatchObject({ id: proposal.id, state: 'interrupted' });
    expect(await flow.claimExecution(proposal.id, 'replica-b')).toMatchObject({
      ok: false,
      code: 'already-claimed',
    });
    expect(await actions(proposal.id)).toContain('interrupted by rdp-doctor');
  });

  test('an execution with no lease at all (the process died right after claiming) is interrupted at once', async () => {
    const flow = workflow();
    const proposal = await propose(flow);
    await flow.approve(proposal.id, 'U0ALICE', 'any-member');
    await store.transition(proposal.id, ['approved'], 'executing');
    expect((await flow.recoverInterrupted('replica-b')).map((p) => p.id)).toEqual([proposal.id]);
  });

  test('a late finish after an interruption does not change the state but its outcome reaches the audit log', async () => {
    const flow = workflow();
    const proposal = await propose(flow);
    await flow.approve(proposal.id, 'U0ALICE', 'any-member');
    await flow.claimExecution(proposal.id, 'replica-a');
    clock.advance(31 * 60_000);
    await flow.recoverInterrupted('replica-b');
    const late = await flow.finish(proposal.id, 'replica-a', 'succeeded', { correlationId: 'corr-late' });
    expect(late).toMatchObject({ ok: false, code: 'not-executing', proposal: { state: 'interrupted' } });
    const [last] = (await store.listAudit({ proposalId: proposal.id })).slice(-1);
    expect(last).toMatchObject({
      action: 'finish-refused',
      correlationId: 'corr-late',
      detail: 'not-executing: reported succeeded',
    });
  });

  /** A proposal approved and claimed by replica-a, as executing as it gets. */
  async function executing(flow: ApprovalWorkflow): Promise<Proposal> {
    const proposal = await propose(flow);
    await flow.approve(proposal.id, 'U0ALICE', 'any-member');
    const claim = await flow.claimExecution(proposal.id, 'replica-a');
    if (!claim.ok) throw new Error(refusalMessage(claim));
    return claim.proposal;
  }

  test('a heartbeat that lands between the sweep reading a lapsed lease and moving the proposal keeps it running', async () => {
    const proposal = await executing(workflow());
    clock.advance(61_000);
    // The sweep reads the lapsed lease; replica-a's heartbeat renews it before the sweep's move.
    const renewedAfterRead = new Proxy(store, {
      get: (target, key, receiver) =>
        key === 'getLease'
          ? async (name: string) => {
              const lease = await target.getLease(name);
              await target.acquireLease(name, 'replica-a', 60_000);
              return lease;
            }
          : Reflect.get(target, key, receiver),
    });
    const sweeping = new ApprovalWorkflow({ store: renewedAfterRead, clock: clock.now });
    expect(await sweeping.recoverInterrupted('replica-b')).toEqual([]);
    expect((await store.getProposal(proposal.id))?.state).toBe('executing');
  });

  test('the heartbeat renews the lease while the fix runs; once it stops, the next sweep interrupts', async () => {
    // Real time: the heartbeat is a timer, and the lease a few beats long.
    const realClockStore = await openStore({ ...target.config });
    const onRealTime = () =>
      new ApprovalWorkflow({ store: realClockStore, clock: () => new Date(), executionLeaseMs: 600 });
    try {
      const proposal = await executing(onRealTime());
      const sweeping = onRealTime();
      const stop = onRealTime().keepExecutionAlive(proposal.id, 'replica-a');
      const expiries = new Set<string>();
      // Sweeping all along while the lease is renewed three times: nothing is interrupted.
      while (expiries.size < 4) {
        const lease = await realClockStore.getLease(executionLeaseName(proposal.id));
        if (lease) expiries.add(lease.expiresAt);
        expect(await sweeping.recoverInterrupted('replica-b')).toEqual([]);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      stop();
      let interrupted: Proposal[] = [];
      while (interrupted.length === 0) {
        interrupted = await sweeping.recoverInterrupted('replica-b');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(interrupted.map((p) => p.id)).toEqual([proposal.id]);
    } finally {
      await realClockStore.close();
    }
  });

  test('finish keeps trying while the store does not answer, and records the outcome once it does', async () => {
    const proposal = await executing(workflow());
    let outage = 2;
    const flaky = new Proxy(store, {
      get: (target, key, receiver) =>
        key === 'transaction' && outage > 0
          ? () => {
              outage -= 1;
              return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
            }
          : Reflect.get(target, key, receiver),
    });
    const flow = new ApprovalWorkflow({ store: flaky, clock: () => new Date(), finishRetryMs: 60_000 });
    expect(await flow.finish(proposal.id, 'replica-a', 'succeeded', { detail: 'verified' })).toMatchObject({
      ok: true,
      proposal: { state: 'succeeded' },
    });
    expect(outage).toBe(0);
    const giveUp = new ApprovalWorkflow({
      store: new Proxy(store, {
        get: (target, key, receiver) =>
          key === 'transaction'
            ? () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'))
            : Reflect.get(target, key, receiver),
      }),
      clock: () => new Date(),
      finishRetryMs: 0,
    });
    await expect(giveUp.finish(proposal.id, 'replica-a', 'failed')).rejects.toThrow(/ECONNREFUSED/);
  });

  test('the replica that interrupts owns the re-check; another takes it over only once that claim lapses; recorded, it is owed no more', async () => {
    const flow = workflow();
    const proposal = await executing(flow);
    clock.advance(61_000);
    expect((await flow.recoverInterrupted('replica-b')).map((p) => p.id)).toEqual([proposal.id]);
    expect(await flow.recoverInterrupted('replica-c')).toEqual([]);

    expect((await flow.claimRechecks('replica-c')).map((p) => p.id)).toEqual([]);
    expect((await flow.claimRechecks('replica-b')).map((p) => p.id)).toEqual([proposal.id]);
    // replica-b died while re-checking: its claim lapses and replica-c takes the re-check over.
    clock.advance(RECHECK_LEASE_MS + 1000);
    const [owed] = await flow.claimRechecks('replica-c');
    expect(owed).toMatchObject({ id: proposal.id, state: 'interrupted' });
    expect(await flow.claimRechecks('replica-b')).toEqual([]);

    await flow.recordRecheck(owed, 'replica-c', 'gone: IP flow verify allows TCP 3389 from 203.0.113.10');
    clock.advance(RECHECK_LEASE_MS + 1000);
    expect(await flow.claimRechecks('replica-b')).toEqual([]);
    expect(await flow.claimRechecks('replica-c')).toEqual([]);
    const trail = await store.listAudit({ proposalId: proposal.id });
    expect(trail.slice(-2).map((e) => [e.action, e.detail])).toEqual([
      ['interrupted', expect.stringMatching(/^lease of replica-a lapsed at /)],
      ['rechecked-after-interruption', 'gone: IP flow verify allows TCP 3389 from 203.0.113.10'],
    ]);
  });

  test('a workflow refuses a nonsensical APPROVALS_REQUIRED at construction', () => {
    expect(() => workflow({ approvalsRequired: 0 })).toThrow(/APPROVALS_REQUIRED/);
  });
});
