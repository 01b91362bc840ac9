import { randomUUID } from 'node:crypto';
import { openStore } from '../../src/store/open';
import { REDACTED } from '../../src/store/redact';
import type { Store } from '../../src/store/store';
import { DRIVERS, FakeClock, createTarget, newProposal, type StoreTarget } from './support';
import type { Report } from '../../src/diagnosis/report';

function reportFor(vmName: string, verdictSummary: string): Report {
  return {
    schemaVersion: 1,
    vm: {
      id: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/${vmName}`,
      name: vmName,
      resourceGroup: 'rg',
      subscriptionId: 's',
      location: 'westeurope',
      osType: 'Windows',
      powerState: 'running',
    },
    symptom: 'timeout',
    source: '203.0.113.10',
    startedAt: '2025-03-04T10:00:00.000Z',
    finishedAt: '2025-03-04T10:00:40.000Z',
    verdict: { layer: 'none', causes: [], summary: verdictSummary },
    layers: [],
    checks: [],
    findings: [],
  };
}

describe.each(DRIVERS)('Store on %s', (driver) => {
  let target: StoreTarget;
  let store: Store;
  const clock = new FakeClock();

  beforeAll(async () => {
    target = await createTarget(driver);
    store = await openStore({ ...target.config, clock: clock.now });
  });

  afterAll(async () => {
    await store.close();
    await target.destroy();
  });

  test('a proposal round-trips with its params as JSON and starts proposed at version 1', async () => {
    const created = await store.createProposal(
      newProposal({ channel: 'C1', messageTs: '1700000000.000100' }),
    );
    expect(created).toMatchObject({
      state: 'proposed',
      version: 1,
      approvalsRequired: 1,
      params: { sourcePrefix: '203.0.113.10/32', priority: 100 },
      channel: 'C1',
      messageTs: '1700000000.000100',
      threadTs: null,
      createdAt: clock.time.toISOString(),
      expiresAt: '2025-03-04T10:15:00.000Z',
    });
    expect(await store.getProposal(created.id)).toEqual(created);
    expect(await store.getProposal(randomUUID())).toBeNull();
  });

  test('listProposals returns one machine’s proposals newest first', async () => {
    const vmId = `vm-${randomUUID()}`;
    const older = await store.createProposal(newProposal({ vmId }));
    clock.advance(1000);
    const newer = await store.createProposal(newProposal({ vmId }));
    await store.createProposal(newProposal({ vmId: `vm-${randomUUID()}` }));
    expect((await store.listProposals(vmId)).map((p) => p.id)).toEqual([newer.id, older.id]);
  });

  test('setProposalMessage records where the Slack message is and bumps the version', async () => {
    const created = await store.createProposal(newProposal());
    const updated = await store.setProposalMessage(created.id, {
      channel: 'C9',
      messageTs: '1.2',
      threadTs: '1.1',
    });
    expect(updated).toMatchObject({ channel: 'C9', messageTs: '1.2', threadTs: '1.1', version: 2 });
  });

  test('transition moves only from the listed states and returns null otherwise', async () => {
    const created = await store.createProposal(newProposal());
    expect(await store.transition(created.id, ['approved'], 'executing')).toBeNull();
    const denied = await store.transition(created.id, ['proposed'], 'denied', {
      reason: 'not during the change freeze',
    });
    expect(denied).toMatchObject({ state: 'denied', reason: 'not during the change freeze', version: 2 });
    expect(await store.transition(created.id, ['proposed'], 'approved')).toBeNull();
    expect(await store.transition(randomUUID(), ['proposed'], 'approved')).toBeNull();
  });

  test('transition is atomic: 20 concurrent approved→executing calls yield exactly one winner', async () => {
    const created = await store.createProposal(newProposal());
    await store.transition(created.id, ['proposed'], 'approved');
    const results = await Promise.all(
      Array.from({ length: 20 }, () => store.transition(created.id, ['approved'], 'executing')),
    );
    expect(results.filter((row) => row !== null)).toHaveLength(1);
    expect(await store.getProposal(created.id)).toMatchObject({ state: 'executing', version: 3 });
  });

  test('addApproval counts the same approver once and returns the distinct approvers in order', async () => {
    const created = await store.createProposal(newProposal({ approvalsRequired: 2 }));
    expect(await store.addApproval(created.id, 'U0ALICE')).toEqual(['U0ALICE']);
    clock.advance(10);
    expect(await store.addApproval(created.id, 'U0ALICE')).toEqual(['U0ALICE']);
    expect(await store.addApproval(created.id, 'U0BOB')).toEqual(['U0ALICE', 'U0BOB']);
  });

  test('addApproval does not record an approval once the proposal has left proposed', async () => {
    const created = await store.createProposal(newProposal());
    await store.transition(created.id, ['proposed'], 'denied');
    expect(await store.addApproval(created.id, 'U0ALICE')).toEqual([]);
  });

  test('expireDue expires only proposed proposals whose time is up', async () => {
    const vmId = `vm-${randomUUID()}`;
    const due = await store.createProposal(
      newProposal({ vmId, expiresAt: new Date(clock.time.getTime() - 1) }),
    );
    const approved = await store.createProposal(
      newProposal({ vmId, expiresAt: new Date(clock.time.getTime() - 1) }),
    );
    await store.transition(approved.id, ['proposed'], 'approved');
    const later = await store.createProposal(
      newProposal({ vmId, expiresAt: new Date(clock.time.getTime() + 60_000) }),
    );
    const expired = await store.expireDue(clock.time);
    expect(expired.map((p) => p.id)).toContain(due.id);
    expect(expired.map((p) => p.id)).not.toContain(approved.id);
    expect(expired.map((p) => p.id)).not.toContain(later.id);
    expect((await store.getProposal(due.id))?.state).toBe('expired');
    expect((await store.getProposal(later.id))?.state).toBe('proposed');
  });

  test('listProposalsInState finds proposals by state', async () => {
    const created = await store.createProposal(newProposal());
    await store.transition(created.id, ['proposed'], 'approved');
    await store.transition(created.id, ['approved'], 'executing');
    const executing = await store.listProposalsInState(['executing']);
    expect(executing.map((p) => p.id)).toContain(created.id);
    expect(executing.every((p) => p.state === 'executing')).toBe(true);
  });

  test('appendAudit redacts secret-named keys at any depth, case-insensitively, and lists oldest first', async () => {
    const proposalId = randomUUID();
    const first = await store.appendAudit({
      actor: 'U0ALICE',
      action: 'executing',
      proposalId,
      vmId: 'vm-audit',
      fixId: 'vmaccess-reset',
      params: {
        userName: 'rdpadmin',
        Password: 'Tr0ub4dor&3',
        nested: { clientSecret: 's3cr3t', apiToken: 'xoxb-1', sshKey: 'AAAA', port: 3389 },
        list: [{ accessKEY: 'k' }],
      },
      correlationId: '4a1c3f9e-0000-4000-8000-000000000001',
      detail: 'VMAccess reset',
    });
    const second = await store.appendAudit({ actor: 'rdp-doctor', action: 'succeeded', proposalId });
    const entries = await store.listAudit({ proposalId });
    expect(entries.map((e) => e.id)).toEqual([first.id, second.id]);
    expect(entries[0]).toMatchObject({
      actor: 'U0ALICE',
      action: 'executing',
      vmId: 'vm-audit',
      fixId: 'vmaccess-reset',
      correlationId: '4a1c3f9e-0000-4000-8000-000000000001',
      params: {
        userName: 'rdpadmin',
        Password: REDACTED,
        nested: { clientSecret: REDACTED, apiToken: REDACTED, sshKey: REDACTED, port: 3389 },
        list: [{ accessKEY: REDACTED }],
      },
    });
    expect(JSON.stringify(entries)).not.toMatch(/Tr0ub4dor|s3cr3t|xoxb-1/);
    expect((await store.listAudit({ vmId: 'vm-audit' })).map((e) => e.id)).toEqual([first.id]);
  });

  test('the audit log is append-only: the database itself refuses UPDATE and DELETE', async () => {
    const entry = await store.appendAudit({ actor: 'U0ALICE', action: 'proposed', detail: 'original' });
    const db = await target.openDb();
    // Matched by message: under jest, better-sqlite3's error class may come from another test file's realm.
    const refused = { message: expect.stringContaining('audit_log is append-only') };
    try {
      await expect(
        db.query("UPDATE audit_log SET detail = 'rewritten' WHERE id = $1", [entry.id]),
      ).rejects.toMatchObject(refused);
      await expect(db.query('DELETE FROM audit_log WHERE id = $1', [entry.id])).rejects.toMatchObject(
        refused,
      );
    } finally {
      await db.close();
    }
    const after = await store.listAudit();
    expect(after.find((e) => e.id === entry.id)).toEqual(entry);
  });

  test('digest subscriptions: create, get, list by channel, update the last report, delete', async () => {
    const channel = `C-${randomUUID()}`;
    const created = await store.createSubscription({
      channel,
      schedule: '0 8 * * 1-5',
      timezone: 'Europe/Paris',
      scope: { subscriptionIds: ['00000000-0000-0000-0000-000000000001'], resourceGroups: ['rg-web'] },
      createdBy: 'U0ALICE',
    });
    expect(created).toMatchObject({ channel, lastReport: null, createdBy: 'U0ALICE' });
    expect(await store.getSubscription(created.id)).toEqual(created);
    expect((await store.listSubscriptions(channel)).map((s) => s.id)).toEqual([created.id]);
    expect((await store.listSubscriptions()).map((s) => s.id)).toContain(created.id);
    const updated = await store.updateSubscription(created.id, {
      schedule: '0 9 * * 1',
      lastReport: { risks: [{ vm: 'web-01', risk: 'rdp-exposed-to-internet' }] },
    });
    expect(updated).toMatchObject({
      schedule: '0 9 * * 1',
      timezone: 'Europe/Paris',
      lastReport: { risks: [{ vm: 'web-01', risk: 'rdp-exposed-to-internet' }] },
    });
    expect(await store.deleteSubscription(created.id)).toBe(true);
    expect(await store.deleteSubscription(created.id)).toBe(false);
    expect(await store.getSubscription(created.id)).toBeNull();
  });

  test('claimDigestRun: of 10 concurrent claims for one fire time exactly one wins; the next time is free', async () => {
    const subscriptionId = randomUUID();
    const fireAt = new Date('2025-03-04T08:00:00.000Z');
    const claims = await Promise.all(
      Array.from({ length: 10 }, (_unused, index) =>
        store.claimDigestRun(subscriptionId, fireAt, `replica-${index}`),
      ),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(
      await store.claimDigestRun(subscriptionId, new Date('2025-03-05T08:00:00.000Z'), 'replica-0'),
    ).toBe(true);
  });

  test('latestSnapshot returns the newest diagnosis of a machine; getSnapshot finds a run by its id', async () => {
    const vmId = `vm-${randomUUID()}`;
    const first = await store.saveSnapshot({
      runId: randomUUID(),
      vmId,
      channel: 'C1',
      messageTs: '1.1',
      requestedBy: ['U1'],
      report: reportFor('web-01', 'first'),
      facts: null,
    });
    clock.advance(1000);
    const newest = await store.saveSnapshot({
      runId: randomUUID(),
      vmId,
      channel: 'C1',
      messageTs: '1.2',
      requestedBy: ['U1', 'U2'],
      report: reportFor('web-01', 'second'),
      facts: null,
    });
    expect(await store.latestSnapshot(vmId)).toEqual(newest);
    expect(await store.getSnapshot(first.runId)).toEqual(first);
    expect((await store.getSnapshot(newest.runId))?.requestedBy).toEqual(['U1', 'U2']);
    expect((await store.latestSnapshot(vmId))?.report.verdict.summary).toBe('second');
    expect(await store.latestSnapshot(`vm-${randomUUID()}`)).toBeNull();
  });

  test('an unfinished run is found by its id but never listed, and its finished snapshot replaces it', async () => {
    const vmId = `vm-${randomUUID()}`;
    const runId = randomUUID();
    const since = clock.now();
    const unfinished = await store.saveSnapshot({
      runId,
      vmId,
      channel: 'C1',
      messageTs: '2.1',
      requestedBy: ['U1'],
      report: reportFor('web-02', 'network fails, guest still running'),
      facts: null,
      complete: false,
    });
    expect(unfinished.complete).toBe(false);
    expect((await store.getSnapshot(runId))?.report.verdict.summary).toBe(
      'network fails, guest still running',
    );
    expect(await store.latestSnapshot(vmId)).toBeNull();
    expect((await store.listSnapshotsSince(since, 100)).map((s) => s.runId)).not.toContain(runId);

    clock.advance(1000);
    const finished = await store.saveSnapshot({
      runId,
      vmId,
      channel: 'C1',
      messageTs: '2.1',
      requestedBy: ['U1', 'U2'],
      report: reportFor('web-02', 'finished'),
      facts: null,
    });
    expect(finished).toMatchObject({ complete: true, id: unfinished.id });
    expect(await store.latestSnapshot(vmId)).toEqual(finished);
    expect((await store.listSnapshotsSince(since, 100)).map((s) => s.runId)).toContain(runId);
  });

  test('leases: one holder at a time, renewable by its holder, free again once expired or released', async () => {
    const name = `diagnose:${randomUUID()}`;
    expect(await store.acquireLease(name, 'replica-a', 30_000)).toBe(true);
    expect(await store.acquireLease(name, 'replica-b', 30_000)).toBe(false);
    expect(await store.acquireLease(name, 'replica-a', 30_000)).toBe(true);
    expect(await store.getLease(name)).toEqual({
      name,
      holder: 'replica-a',
      expiresAt: new Date(clock.time.getTime() + 30_000).toISOString(),
    });
    clock.advance(30_000);
    expect(await store.acquireLease(name, 'replica-b', 30_000)).toBe(true);
    await store.releaseLease(name, 'replica-a');
    expect((await store.getLease(name))?.holder).toBe('replica-b');
    await store.releaseLease(name, 'replica-b');
    expect(await store.getLease(name)).toBeNull();
    const racers = await Promise.all(
      Array.from({ length: 10 }, (_unused, index) => store.acquireLease(name, `replica-${index}`, 30_000)),
    );
    expect(racers.filter(Boolean)).toHaveLength(1);
  });

  test('only the expired leases of a prefix are forgotten', async () => {
    const prefix = `slack-request:${randomUUID()}|`;
    await store.acquireLease(`${prefix}a`, 'replica-a', 1000);
    await store.acquireLease(`${prefix}b`, 'replica-b', 60_000);
    await store.acquireLease(`other|${prefix}c`, 'replica-c', 1000);
    clock.advance(2000);
    expect(await store.deleteExpiredLeases(prefix)).toBe(1);
    expect(await store.getLease(`${prefix}a`)).toBeNull();
    expect(await store.getLease(`${prefix}b`)).not.toBeNull();
    expect(await store.getLease(`other|${prefix}c`)).not.toBeNull();
  });

  test('the leases of a prefix are listed, held or expired, soonest expiry first; others are not', async () => {
    const prefix = `interruption-recheck:${randomUUID()}|`;
    await store.acquireLease(`${prefix}late`, 'replica-a', 60_000);
    await store.acquireLease(`${prefix}lapsed`, 'replica-b', 1000);
    await store.acquireLease(`other|${prefix}c`, 'replica-c', 1000);
    clock.advance(2000);
    expect((await store.listLeases(prefix)).map((lease) => [lease.name, lease.holder])).toEqual([
      [`${prefix}lapsed`, 'replica-b'],
      [`${prefix}late`, 'replica-a'],
    ]);
  });

  test('diagnosis runs: running until finished; an overdue one is abandoned once, whoever asks', async () => {
    const run = (runId: string) => ({
      runId,
      channel: 'C0RUNS',
      messageTs: '1741082400.000100',
      target: 'rg-web/web-01',
      holder: 'replica-a',
    });
    const started = clock.now();
    await store.startDiagnosisRun(run('run-finishes'), 60_000);
    await store.startDiagnosisRun(run('run-dies'), 60_000);
    expect(await store.finishDiagnosisRun('run-finishes')).toBe(true);
    expect(await store.finishDiagnosisRun('run-finishes')).toBe(false);
    expect(await store.abandonOverdueRuns(clock.now())).toEqual([]);
    clock.advance(60_000);
    const sweeps = await Promise.all([
      store.abandonOverdueRuns(clock.now()),
      store.abandonOverdueRuns(clock.now()),
    ]);
    expect(sweeps.flat()).toEqual([
      {
        ...run('run-dies'),
        state: 'abandoned',
        startedAt: started.toISOString(),
        expiresAt: new Date(started.getTime() + 60_000).toISOString(),
      },
    ]);
    // A run that ended late, after it was taken for dead, stays abandoned: its message was closed.
    expect(await store.finishDiagnosisRun('run-dies')).toBe(false);
  });
});
