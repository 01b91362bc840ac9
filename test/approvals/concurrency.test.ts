import { refusalMessage } from '../../src/approvals/messages';
import { ApprovalWorkflow } from '../../src/approvals/workflow';
import { openStore } from '../../src/store/open';
import type { Store } from '../../src/store/store';
import { DRIVERS, FakeClock, createTarget, type StoreTarget } from '../store/support';

// Double clicks, Slack retries and replicas all reduce to concurrent approve + claimExecution calls.
// Two workflows over two Store instances on one database stand for two replicas.

describe.each(DRIVERS)('approval races on %s', (driver) => {
  let target: StoreTarget;
  let stores: [Store, Store];
  const clock = new FakeClock();

  beforeAll(async () => {
    target = await createTarget(driver);
    stores = [
      await openStore({ ...target.config, clock: clock.now }),
      await openStore({ ...target.config, clock: clock.now }),
    ];
  });

  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await target.destroy();
  });

  function replicas(approvalsRequired: number): [ApprovalWorkflow, ApprovalWorkflow] {
    return [
      new ApprovalWorkflow({ store: stores[0], clock: clock.now, approvalsRequired }),
      new ApprovalWorkflow({ store: stores[1], clock: clock.now, approvalsRequired }),
    ];
  }

  async function proposeOn(flow: ApprovalWorkflow): Promise<string> {
    const result = await flow.propose({
      vmId: `vm-${driver}`,
      vmName: 'web-01',
      fixId: 'start-termservice',
      cause: 'termservice-not-running',
      params: {},
      proposer: 'U0PROPOSER',
    });
    if (!result.ok) throw new Error(refusalMessage(result));
    return result.proposal.id;
  }

  /** 20 clicks at once, alternating replicas: each approves, then tries to claim the execution. */
  async function clickApproveTwentyTimes(
    id: string,
    flows: ApprovalWorkflow[],
    approverFor: (i: number) => string,
  ) {
    const claims = await Promise.all(
      Array.from({ length: 20 }, async (_unused, index) => {
        const flow = flows[index % flows.length];
        await flow.approve(id, approverFor(index), 'any-member');
        return flow.claimExecution(id, `replica-${index % flows.length}`);
      }),
    );
    const audit = await stores[0].listAudit({ proposalId: id });
    return {
      winners: claims.filter((claim) => claim.ok).length,
      refusals: claims.filter((claim) => !claim.ok).map((claim) => (claim.ok ? '' : claim.code)),
      approvedRows: audit.filter((entry) => entry.action === 'approved').length,
      executingRows: audit.filter((entry) => entry.action === 'executing').length,
    };
  }

  test('20 concurrent approve+claimExecution calls by different approvers: exactly one execution', async () => {
    const [flow] = replicas(1);
    const id = await proposeOn(flow);
    const outcome = await clickApproveTwentyTimes(id, [flow], (index) => `U0APPROVER${index}`);
    expect(outcome).toMatchObject({ winners: 1, approvedRows: 1, executingRows: 1 });
    expect(outcome.refusals.every((code) => code === 'already-claimed' || code === 'not-approved')).toBe(
      true,
    );
    expect((await stores[0].getProposal(id))?.state).toBe('executing');
  });

  test('one approver double-clicking 20 times: one approval recorded, exactly one execution', async () => {
    const [flow] = replicas(1);
    const id = await proposeOn(flow);
    const outcome = await clickApproveTwentyTimes(id, [flow], () => 'U0ALICE');
    expect(outcome).toMatchObject({ winners: 1, approvedRows: 1, executingRows: 1 });
    expect(await stores[0].listApprovers(id)).toEqual(['U0ALICE']);
  });

  test('two replicas racing 20 approve+claim calls: exactly one execution across both', async () => {
    const flows = replicas(1);
    const id = await proposeOn(flows[0]);
    const outcome = await clickApproveTwentyTimes(id, flows, (index) => `U0APPROVER${index}`);
    expect(outcome).toMatchObject({ winners: 1, approvedRows: 1, executingRows: 1 });
  });

  test('APPROVALS_REQUIRED=2 with 20 approvers racing on two replicas: approved once, executed once', async () => {
    const flows = replicas(2);
    const id = await proposeOn(flows[1]);
    const outcome = await clickApproveTwentyTimes(id, flows, (index) => `U0APPROVER${index}`);
    expect(outcome).toMatchObject({ winners: 1, approvedRows: 1, executingRows: 1 });
    expect((await stores[1].listApprovers(id)).length).toBeGreaterThanOrEqual(2);
  });

  // SQLite writes one transaction at a time; only PostgreSQL lets two approvals be in flight together.
  (driver === 'postgres' ? test : test.skip)(
    'APPROVALS_REQUIRED=2 with two approvals committed at the same moment: the proposal is approved',
    async () => {
      const flows = replicas(2);
      const id = await proposeOn(flows[0]);
      // Both transactions insert their approval, then wait for each other before committing, so neither
      // sees the other's approval from inside its own transaction.
      let arrived = 0;
      let release!: () => void;
      const bothInserted = new Promise<void>((resolve) => (release = resolve));
      const overlapping = (store: Store): Store =>
        new Proxy(store, {
          get: (target, key, receiver) =>
            key === 'transaction'
              ? <T>(work: (tx: Parameters<Parameters<Store['transaction']>[0]>[0]) => Promise<T>) =>
                  target.transaction((tx) =>
                    work(
                      new Proxy(tx, {
                        get: (inner, name, innerReceiver) =>
                          name === 'addApproval'
                            ? async (proposalId: string, userId: string) => {
                                const counted = await inner.addApproval(proposalId, userId);
                                if (++arrived === 2) release();
                                await bothInserted;
                                return counted;
                              }
                            : Reflect.get(inner, name, innerReceiver),
                      }),
                    ),
                  )
              : Reflect.get(target, key, receiver),
        });
      const racing = stores.map(
        (store) =>
          new ApprovalWorkflow({ store: overlapping(store), clock: clock.now, approvalsRequired: 2 }),
      );
      await Promise.all([
        racing[0].approve(id, 'U0APPROVERA', 'any-member'),
        racing[1].approve(id, 'U0APPROVERB', 'any-member'),
      ]);
      expect((await stores[0].getProposal(id))?.state).toBe('approved');
    },
  );
});
