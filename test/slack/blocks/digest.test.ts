import type { DigestReport } from '../../../src/digest/report';
import type { RiskFinding, RiskId } from '../../../src/digest/risk';
import { DigestService } from '../../../src/digest/service';
import { digestMessages } from '../../../src/slack/blocks/digest';
import { LIMITS } from '../../../src/slack/blocks/build';
import { startFleetHarness } from '../../digest/harness';
import { emptyPeriod } from '../../digest/period';
import { expectSlackAccepts, seen } from './support';

const SUB = '00000000-0000-0000-0000-000000000001';

function finding(risk: RiskId, name: string, evidence = [`evidence for ${name}`]): RiskFinding {
  return {
    risk,
    machine: {
      id: `/subscriptions/${SUB}/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/${name}`,
      name,
      resourceGroup: 'rg-web',
      subscriptionId: SUB,
    },
    evidence,
    fix: risk === 'dynamic-public-ip' ? 'make-public-ip-static' : null,
    advice: risk === 'dynamic-public-ip' ? null : 'Do the thing the guide says.',
  };
}

function report(over: Partial<DigestReport> = {}): DigestReport {
  const findings = over.findings ?? [
    finding('rdp-open-to-internet', 'vm-web-01'),
    finding('dynamic-public-ip', 'vm-web-02'),
  ];
  return {
    digestId: '7d0c4d8e-1111-4000-8000-000000000001',
    scope: 'the configured subscriptions',
    generatedAt: '2026-03-04T09:00:00.000Z',
    periodStart: '2026-03-03T09:00:00.000Z',
    previousAt: null,
    machines: 40,
    atRisk: new Set(findings.map((f) => f.machine.id)).size,
    findings,
    changes: null,
    diagnoses: [],
    proposals: [],
    inventory: {
      calls: 3,
      throttledMs: 0,
      metrics: { read: 0, flagged: 0, cap: 5, failures: [] },
      warnings: [],
    },
    ...over,
  };
}

describe('digest message', () => {
  it('leads with the headline, then the risks riskiest first, each with its fix or advice', () => {
    const { main, thread } = digestMessages(report());
    expectSlackAccepts(main);
    const text = seen(main);
    expect(text).toContain('*40 machines*, *2 at risk*. This is the first digest here');
    expect(text.indexOf('RDP open to the whole internet')).toBeLessThan(text.indexOf('dynamic public IP'));
    expect(text).toContain('• *vm-web-01* (rg-web): evidence for vm-web-01');
    expect(text).toContain('_Fix:_ diagnose with `/rdp <vm>` for the `make-public-ip-static` button.');
    expect(text).toContain('_What to do:_ Do the thing the guide says.');
    expect(text).toContain('No running machine needed its metrics read.');
    expect(thread).toEqual([]);
  });

  it('says what changed since the last digest, and what the period held', () => {
    const { main } = digestMessages(
      report({
        previousAt: '2026-03-03T09:00:00.000Z',
        changes: {
          added: [{ risk: 'rdp-open-to-internet', machineId: 'a', machineName: 'vm-web-01' }],
          resolved: [{ risk: 'dynamic-public-ip', machineId: 'b', machineName: 'vm-old' }],
        },
        diagnoses: [
          {
            runId: 'r1',
            vmId: 'a',
            vmName: 'vm-web-01',
            at: '2026-03-03T14:02:00.000Z',
            layer: 'network',
            causes: ['nsg-denies-rdp'],
            summary: 's',
          },
        ],
        proposals: [
          {
            id: 'p1',
            vmId: 'a',
            vmName: 'vm-web-01',
            fixId: 'nsg-allow-rdp-from-source',
            cause: 'nsg-denies-rdp',
            state: 'succeeded',
            proposer: 'U0ALICE',
            at: '2026-03-03T14:05:00.000Z',
          },
        ],
        inventory: {
          calls: 9,
          throttledMs: 12_000,
          metrics: { read: 5, flagged: 9, cap: 5, failures: ['vm-x: Azure Monitor metrics answered 500'] },
          warnings: [
            'the agent was read for 200 of 260 running machines (one instance view each); the others show an unknown agent',
          ],
        },
      }),
    );
    expectSlackAccepts(main);
    const text = seen(main);
    expect(text).toContain('*2 changed* since the last digest (2026-03-03 09:00 UTC): 1 new, 1 resolved.');
    expect(text).toContain(':new: 1 new: *vm-web-01* rdp open to the whole internet');
    expect(text).toContain(':white_check_mark: 1 resolved: *vm-old* reached by a dynamic public ip');
    expect(text).toContain('1 diagnosis, 1 fix proposal');
    expect(text).toContain('2026-03-03 14:02 UTC *vm-web-01*: network layer, `nsg-denies-rdp`');
    expect(text).toContain(
      'fix `nsg-allow-rdp-from-source` on *vm-web-01* for `nsg-denies-rdp`: succeeded, proposed by <@U0ALICE>',
    );
    expect(text).toContain('Metrics read for 5 of 9 flagged machines (at most 5 a digest).');
    expect(text).toContain('Metrics failed for vm-x: Azure Monitor metrics answered 500');
    expect(text).toContain('Azure throttled the inventory; the digest waited 12 s.');
    expect(text).toContain('Not seen in full: the agent was read for 200 of 260 running machines');
  });

  it('says so when nothing is at risk', () => {
    const { main } = digestMessages(report({ findings: [], atRisk: 0 }));
    expect(seen(main)).toContain('No machine carries a risk the guide warns about.');
  });

  it('escapes names from Azure so they cannot mention or link', () => {
    const { main } = digestMessages(
      report({ findings: [finding('boot-diagnostics-off', '<!channel>', ['<https://evil.example|click>'])] }),
    );
    const text = seen(main);
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('&lt;https://evil.example|click&gt;');
  });

  it('puts long lists in thread pages that Slack accepts, up to a readable limit', () => {
    const findings = Array.from({ length: 20_000 }, (_u, i) =>
      finding('boot-diagnostics-off', `vm-${String(i).padStart(5, '0')}`, ['x'.repeat(150)]),
    );
    const { main, thread } = digestMessages(report({ machines: 20_000, findings }));
    expectSlackAccepts(main);
    expect(seen(main)).toMatch(/• …and 19,99[56] more in the thread/);
    expect(thread.length).toBe(20);
    for (const page of thread) {
      expectSlackAccepts(page);
      expect(page.blocks.length).toBeLessThanOrEqual(LIMITS.messageBlocks);
    }
    expect(seen(thread[19])).toMatch(
      /\d[\d,]* more lines not listed: narrow the digest with `rg:` or `tag:`/,
    );
  });
});

test('the digest of a 2,000-VM sandbox fleet fits Slack in every message and lists every machine at risk', async () => {
  const h = await startFleetHarness({ scenarios: [], fleet: { size: 2000 } });
  try {
    const service = new DigestService({
      reader: h.reader,
      store: emptyPeriod(),
      configuredSubscriptions: [h.sandbox.subscriptionId],
    });
    const { report: built } = await service.build({
      id: '7d0c4d8e-2222-4000-8000-000000000001',
      channel: 'C0DIGEST01',
      schedule: '0 9 * * *',
      timezone: 'UTC',
      scope: {},
      createdBy: 'U0ALICE',
      createdAt: '2026-03-01T09:00:00.000Z',
      lastReport: null,
    });
    const { main, thread } = digestMessages(built);
    for (const message of [main, ...thread]) {
      expectSlackAccepts(message);
      expect(message.blocks.length).toBeLessThanOrEqual(LIMITS.messageBlocks);
    }
    expect(main.text).toMatch(/^RDP health digest: 2000 machines, \d+ at risk$/);
    expect(thread.length).toBeGreaterThan(0);
    const all = [main, ...thread].map(seen).join('\n');
    const missing = built.findings
      .filter((f) => !all.includes(`*${f.machine.name}*`))
      .map((f) => f.machine.name);
    expect(missing).toEqual([]);
  } finally {
    await h.sandbox.stop();
  }
});
