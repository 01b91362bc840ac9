import type { DigestReport } from '../../../src/digest/report';
import { RISK_IDS, type RiskFinding, type RiskId } from '../../../src/digest/risk';
import { DigestService } from '../../../src/digest/service';
import { digestMessages } from '../../../src/slack/blocks/digest';
import { LIMITS } from '../../../src/slack/blocks/build';
import { startFleetHarness } from '../../digest/harness';
import { emptyPeriod } from '../../digest/period';
import { LIST_PAGE, riskListMessage } from '../../../src/slack/blocks/digest-risk-list';
import { readRiskListValue } from '../../../src/slack/blocks/digest-buttons';
import { buttons, contextTexts, expectSlackAccepts, sectionTexts, seen } from './support';

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
  it('leads with the headline, then the risks riskiest first, each machine with its action as a button', () => {
    const { main, thread } = digestMessages(report());
    expectSlackAccepts(main);
    const text = seen(main);
    expect(text).toContain('*40 machines*, *2 at risk*. This is the first digest here');
    expect(text.indexOf('RDP open to the whole internet')).toBeLessThan(text.indexOf('dynamic public IP'));
    expect(text).toContain('• *vm-web-01* (rg-web): evidence for vm-web-01');
    expect(text).toContain('_What to do:_ Do the thing the guide says.');
    expect(text).not.toMatch(/\/rdp /);
    expect(buttons(main).map((b) => [b.action_id, b.text.text, b.value])).toEqual([
      ['digest-diagnose:0', 'Diagnose vm-web-01', finding('rdp-open-to-internet', 'vm-web-01').machine.id],
      [
        'digest-fix:make-public-ip-static:0',
        'Make public IP static: vm-web-02',
        finding('dynamic-public-ip', 'vm-web-02').machine.id,
      ],
    ]);
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
            checksNotRun: 0,
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
    const text = [...sectionTexts(main.blocks), ...contextTexts(main.blocks)].join('\n');
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('&lt;https://evil.example|click&gt;');
    // A button's label is plain text, which Slack never reads as a mention or a link.
    expect(buttons(main).map((b) => b.text.type)).toEqual(['plain_text']);
  });

  it('fits Slack when every risk has three machines of the longest names Azure allows: the lowest-ranked risks become list lines', () => {
    const longest = (risk: RiskId, i: number): RiskFinding => {
      const name = `${risk.slice(0, 20)}-${i}-${'n'.repeat(40)}`;
      const group = 'g'.repeat(90);
      return {
        risk,
        machine: {
          id: `/subscriptions/${SUB}/resourceGroups/${group}/providers/Microsoft.Compute/virtualMachines/${name}`,
          name,
          resourceGroup: group,
          subscriptionId: SUB,
        },
        evidence: ['e'.repeat(400)],
        fix: null,
        advice: 'a'.repeat(600),
      };
    };
    const findings = RISK_IDS.flatMap((risk) => [0, 1, 2].map((i) => longest(risk, i)));
    const change = { risk: 'boot-diagnostics-off' as const, machineId: 'x', machineName: 'm'.repeat(80) };
    const { main } = digestMessages(
      report({
        findings,
        previousAt: '2026-03-03T09:00:00.000Z',
        changes: { added: Array(200).fill(change), resolved: Array(200).fill(change) },
        diagnoses: Array.from({ length: 200 }, (_u, i) => ({
          runId: `r${i}`,
          vmId: 'x',
          vmName: 'm'.repeat(80),
          at: '2026-03-03T14:02:00.000Z',
          layer: 'network' as const,
          causes: ['nsg-denies-rdp' as const],
          summary: 's',
          checksNotRun: 0,
        })),
      }),
    );
    expectSlackAccepts(main);
    const ids = buttons(main).map((b) => b.action_id ?? '');
    const named = ids.filter((id) => id.startsWith('digest-diagnose:')).length / 3;
    const listed = ids.filter((id) => id.startsWith('digest-list:'));
    expect(named + listed.length).toBe(RISK_IDS.length);
    expect(named).toBeGreaterThan(0);
    expect(listed.at(-1)).toBe(`digest-list:${RISK_IDS.at(-1)}`);
  });

  it('a run that found no failing layer reads clean only when every check ran, else incomplete', () => {
    const run = (vmName: string, checksNotRun: number) => ({
      runId: vmName,
      vmId: vmName,
      vmName,
      at: '2026-03-03T14:02:00.000Z',
      layer: 'none' as const,
      causes: [],
      summary: 's',
      checksNotRun,
    });
    const { main } = digestMessages(report({ diagnoses: [run('vm-ok', 0), run('vm-hung', 2)] }));
    const text = JSON.stringify(main.blocks);
    expect(text).toContain('*vm-ok*: every layer checked clean');
    expect(text).toContain('*vm-hung*: incomplete, 2 checks could not run');
  });

  it('a risk many machines share is one line with the count and a button that lists them', () => {
    const findings = ['vm-web-01', 'vm-web-02', 'vm-web-03', 'vm-web-04'].map((name) =>
      finding('dynamic-public-ip', name),
    );
    const built = report({ findings, atRisk: 4 });
    const { main } = digestMessages(built);
    expectSlackAccepts(main);
    const text = seen(main);
    expect(text).toContain(
      ':warning: *Reached by a dynamic public IP that changes on deallocation* · *4 machines*',
    );
    expect(text).toContain(
      "_Fix:_ each machine's button in the list diagnoses it and proposes *Make public IP static* for approval.",
    );
    expect(text).not.toContain('vm-web-01');
    const [list] = buttons(main);
    expect(list.action_id).toBe('digest-list:dynamic-public-ip');
    expect(list.text.text).toBe('List the 4 machines');
    expect(readRiskListValue(list.value)).toEqual({
      digest: built.digestId,
      at: built.generatedAt,
      risk: 'dynamic-public-ip',
      fix: 'make-public-ip-static',
      page: 0,
    });
  });

  it('puts long lists of changes in thread pages that Slack accepts, up to a readable limit; a risk on 20,000 machines stays one line', () => {
    const findings = Array.from({ length: 20_000 }, (_u, i) =>
      finding('boot-diagnostics-off', `vm-${String(i).padStart(5, '0')}`, ['x'.repeat(150)]),
    );
    const added = findings.map((f) => ({
      risk: f.risk,
      machineId: f.machine.id,
      machineName: `${f.machine.name}-${'y'.repeat(60)}`,
    }));
    const { main, thread } = digestMessages(
      report({
        machines: 20_000,
        findings,
        previousAt: '2026-03-03T09:00:00.000Z',
        changes: { added, resolved: [] },
      }),
    );
    expectSlackAccepts(main);
    expect(seen(main)).toContain('· *20,000 machines*');
    expect(seen(main)).toContain('List the 20,000 machines');
    expect(seen(main)).toMatch(/…and 19,9\d\d more in the thread/);
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

describe('the list of a risk', () => {
  const machines = Array.from({ length: 45 }, (_u, i) => {
    const f = finding('dynamic-public-ip', `vm-${String(i).padStart(2, '0')}`);
    return { risk: f.risk, machineId: f.machine.id, machineName: f.machine.name };
  });
  const value = {
    digest: '7d0c4d8e-1111-4000-8000-000000000001',
    at: '2026-03-04T09:00:00.000Z',
    risk: 'dynamic-public-ip' as const,
    fix: 'make-public-ip-static' as const,
    page: 0,
  };

  it('names each machine with its action, a page at a time, with buttons to turn the page', () => {
    const first = riskListMessage(value, machines);
    expectSlackAccepts(first);
    expect(seen(first)).toContain(
      '*Reached by a dynamic public IP that changes on deallocation*: 45 machines',
    );
    expect(seen(first)).toContain('*vm-00* · rg-web');
    expect(seen(first)).toContain('Machines 1–40 of 45');
    const labels = buttons(first).map((b) => [b.action_id, b.text.text]);
    expect(labels).toContainEqual(['digest-fix:make-public-ip-static:0', 'Make public IP static: vm-00']);
    expect(labels.at(-1)).toEqual(['digest-list:next', 'Next page']);
    expect(readRiskListValue(buttons(first).at(-1)!.value)).toEqual({ ...value, page: 1 });

    const second = riskListMessage({ ...value, page: 1 }, machines);
    expectSlackAccepts(second);
    expect(seen(second)).toContain('Machines 41–45 of 45');
    expect(seen(second)).toContain('*vm-44* · rg-web');
    expect(buttons(second).at(-1)!.action_id).toBe('digest-list:previous');
  });

  it('diagnoses when no fix removes the risk', () => {
    const page = riskListMessage({ ...value, fix: null }, machines.slice(0, 2));
    expect(buttons(page).map((b) => [b.action_id, b.text.text])).toEqual([
      ['digest-diagnose:0', 'Diagnose vm-00'],
      ['digest-diagnose:1', 'Diagnose vm-01'],
    ]);
  });

  it('refuses a button value that was not drawn here', () => {
    expect(readRiskListValue('{"digest":"x","at":"y","risk":"no-such-risk","fix":null,"page":0}')).toBeNull();
    expect(
      readRiskListValue('{"digest":"x","at":"y","risk":"dynamic-public-ip","fix":null,"page":-1}'),
    ).toBeNull();
    expect(readRiskListValue('not json')).toBeNull();
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
    // Every machine at risk is named in the message, or on a page of its risk's list.
    const named = new Set<string>();
    for (const button of buttons(main)) {
      const value = readRiskListValue(button.value);
      if (!value) continue;
      const machines = built.findings
        .filter((f) => f.risk === value.risk)
        .map((f) => ({ risk: f.risk, machineId: f.machine.id, machineName: f.machine.name }));
      for (let page = 0; page * LIST_PAGE < machines.length; page += 1) {
        const shown = riskListMessage({ ...value, page }, machines);
        expectSlackAccepts(shown);
        for (const text of sectionTexts(shown.blocks)) named.add(text);
      }
    }
    const all = [seen(main), ...named].join('\n');
    const missing = built.findings
      .filter((f) => !all.includes(`*${f.machine.name}*`))
      .map((f) => f.machine.name);
    expect(missing).toEqual([]);
  } finally {
    await h.sandbox.stop();
  }
});
