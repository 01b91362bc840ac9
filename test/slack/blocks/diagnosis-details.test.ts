import type { MetricsFacts } from '../../../src/diagnosis/facts';
import type { CauseId } from '../../../src/diagnosis/ids';
import type { Report } from '../../../src/diagnosis/report';
import { diagnosisDetails, diagnosisMessage } from '../../../src/slack/blocks/diagnosis';
import { metricLine } from '../../../src/slack/blocks/sparklines';
import { incompleteReport, liveFrom, networkReport, nsgDenies } from './scenarios';
import {
  ALL_CAUSES,
  buttons,
  CAUSE_LAYERS,
  contextTexts,
  expectSlackAccepts,
  fired,
  report,
  sectionTexts,
} from './support';

const points = (values: (number | null)[]) =>
  values.map((average, i) => ({ time: new Date(Date.UTC(2026, 10, 27, 11, i * 5)).toISOString(), average }));

const metrics: MetricsFacts = {
  intervalMinutes: 5,
  series: [
    { name: 'Percentage CPU', unit: 'Percent', points: points([12, 14, 20, 85, 97, 98, 98]) },
    { name: 'Available Memory Bytes', unit: 'Bytes', points: points([8e9, 6e9, null, 2e9, 1.2e8]) },
    { name: 'OS Disk IOPS Consumed Percentage', unit: 'Percent', points: points([null, null]) },
  ],
};

describe('diagnosisDetails: the thread', () => {
  const messages = diagnosisDetails(networkReport, { metrics });
  const texts = messages.flatMap((m) => sectionTexts(m.blocks));

  it('is accepted by Slack', () => messages.forEach(expectSlackAccepts));

  it('groups every check by layer, in path order', () => {
    const layers = texts.filter((t) =>
      /^\S+ \*(Machine up and visible|Network path|RDP service|Authentication|Guest OS state)\*/.test(t),
    );
    expect(layers.map((t) => t.replace(/^\S+ \*([^*]+)\*.*$/su, '$1'))).toEqual([
      'Machine up and visible',
      'Network path',
      'RDP service',
      'Authentication',
      'Guest OS state',
    ]);
    expect(texts.join('\n')).not.toMatch(/`[a-z]+(-[a-z]+)+`/);
  });

  it('sums up the passing checks as one line per layer, named by what they looked at', () => {
    expect(texts).toContain('✅ power state, boot log, VM agent, OS type: clean');
    expect(texts).toContain('✅ public IP, DNS name, routes, return path, internet exposure: clean');
    expect(texts.filter((t) => t.includes('TermService'))).toEqual([
      '➖ TermService, listener, Windows Firewall, RDP connections setting, RDP port, RDS licensing, listener certificate: ' +
        'nothing wrong seen, but a session stops at the network path first',
    ]);
  });

  it('shows a confirm command once: the one on the channel message is not repeated', () => {
    expect(texts.join('\n')).not.toContain(nsgDenies.check.confirm);
    const commands = texts.join('\n').match(/```[^`]+```/g) ?? [];
    expect(commands).toEqual([...new Set(commands)]);
  });

  it('gives each failing and warning check in full, titled in words: summary, evidence, advice', () => {
    expect(texts).toContain(
      [
        `❌ *A network security group denies the RDP port*: ${nsgDenies.check.summary}`,
        ...nsgDenies.finding.evidence.map((e) => `• ${e}`),
        `_What to do:_ ${nsgDenies.finding.advice}`,
      ].join('\n'),
    );
    expect(texts.some((t) => t.startsWith('🟡 *The public IP is dynamic*: The public IP'))).toBe(true);
  });

  it('has no buttons: fixes are offered once, on the diagnosis message', () => {
    expect(messages.flatMap(buttons)).toEqual([]);
  });

  it('draws the platform metrics as sparklines with first→last, min and max', () => {
    const metricText = texts.find((t) => t.startsWith('*Platform metrics*'));
    expect(metricText?.split('\n')).toEqual([
      '*Platform metrics*: 5-minute averages, oldest to newest',
      '`Percentage CPU` ▁▁▁▆▇██ 12→98 % (min 12, max 98)',
      '`Available Memory Bytes` █▆ ▂▁ 7.5→0.1 GiB (min 0.1, max 7.5)',
      '`OS Disk IOPS Consumed Percentage` no data points',
    ]);
  });

  it('says why each check could not run', () => {
    const incomplete = diagnosisDetails(incompleteReport).flatMap((m) => sectionTexts(m.blocks));
    expect(incomplete).toContainEqual(
      expect.stringMatching(
        /^⚠️ \*Could not check CPU:\* Azure Monitor answered 429 TooManyRequests\n_Confirm:_/,
      ),
    );
    const timeouts = incomplete.filter((t) => t.includes('Run Command did not answer'));
    expect(timeouts.filter((t) => t.startsWith('⚠️ *Could not check TermService, listener,'))).toHaveLength(
      1,
    );
  });
});

describe('metricLine', () => {
  it('keeps fractional series apart', () => {
    expect(metricLine({ name: 'Ratio', unit: 'Count', points: points([0.1, 0.5, 0.9]) })).toBe(
      '`Ratio` ▁▄█ 0.1→0.9 (min 0.1, max 0.9)',
    );
  });

  it('says "flat at" instead of drawing a series that says nothing', () => {
    expect(metricLine({ name: 'Flat', unit: 'Percent', points: points([40, 40]) })).toBe(
      '`Flat` flat at 40 %',
    );
    expect(metricLine({ name: 'CPU', unit: 'Percent', points: points([12, 12.3, 11.9, 12]) })).toBe(
      '`CPU` flat at 12 %',
    );
    expect(metricLine({ name: 'CPU', unit: 'Percent', points: points([12, 30]) })).toMatch(
      /^`CPU` ▁█ 12→30 %/,
    );
  });

  it('scales throughput per second', () => {
    expect(
      metricLine({
        name: 'Disk Read Bytes/sec',
        unit: 'BytesPerSecond',
        points: points([2 * 1024 ** 2, 50 * 1024 ** 2]),
      }),
    ).toBe('`Disk Read Bytes/sec` ▁█ 2→50 MiB/s (min 2, max 50)');
  });
});

describe('the largest scenario: all 38 causes firing with 2 KB of evidence each', () => {
  const WARNINGS: CauseId[] = [
    'boot-diagnostics-disabled',
    'public-ip-dynamic',
    'rdp-exposed-to-internet',
    'brute-force-pressure',
  ];
  const long = (id: CauseId, what: string) => `${id} ${what} <@U999EVIL> & `.repeat(200).slice(0, 2048);
  const outcomes = ALL_CAUSES.map((id) =>
    fired(id, {
      summary: `${id}: ${'a long, specific one-sentence summary naming the real resources and values involved '.repeat(6)}`,
      evidence: [long(id, 'first evidence'), long(id, 'second evidence'), `${id} third, short`],
      fixes: ['restart-vm', 'start-vm', 'vmaccess-reset', 'stop-process'],
      advice: 'Advice that goes on and on. '.repeat(40),
      severity: WARNINGS.includes(id) ? 'warning' : 'critical',
    }),
  );
  const critical = ALL_CAUSES.filter((id) => !WARNINGS.includes(id));
  const largest: Report = report(
    {
      layer: 'platform',
      causes: critical.filter((id) => CAUSE_LAYERS[id] === 'platform'),
      summary: 'x '.repeat(2000),
    },
    outcomes.map((o) => ({
      ...o,
      check: { ...o.check, confirm: `az vm run-command invoke ${'--scripts "Get-Something" '.repeat(60)}` },
    })),
  );
  const messages = diagnosisDetails(largest, {
    metrics: {
      intervalMinutes: 1,
      series: Array.from({ length: 30 }, (_, i) => ({
        name: `Series ${i} ${'with a long name '.repeat(5)}`,
        unit: 'Percent',
        points: points(Array.from({ length: 500 }, (_, j) => (j * i) % 100)),
      })),
    },
  });

  it('splits the thread into messages Slack accepts', () => {
    expect(messages.length).toBeGreaterThan(1);
    messages.forEach(expectSlackAccepts);
    messages.forEach((m, i) =>
      expect(m.text).toBe(`vm-web-01: every check, layer by layer (${i + 1}/${messages.length})`),
    );
  });

  it('still shows every check, cutting long evidence with an ellipsis', () => {
    const texts = messages.flatMap((m) => sectionTexts(m.blocks));
    for (const id of ALL_CAUSES) {
      const text = texts.find((t) => t.includes(`*: ${id}:`) && t.includes(`• ${id} first`));
      expect(text).toContain(`• ${id} first evidence`);
      expect(text).toMatch(/…/);
    }
  });

  it('says which layer a message continues', () => {
    const continued = messages.slice(1).map((m) => contextTexts(m.blocks)[0]);
    expect(continued.filter(Boolean).every((t) => /^\*[^*]+\*, continued$/.test(t))).toBe(true);
    expect(continued.filter(Boolean).length).toBeGreaterThan(0);
  });

  it('keeps the channel message within the limits too, live and final', () => {
    const final = diagnosisMessage(
      liveFrom(largest, [], { report: largest, requestedBy: Array(40).fill('U024BE7LH') }),
    );
    expectSlackAccepts(final);
    expect(buttons(final).map((b) => b.action_id)).toEqual([
      'fix:restart-vm',
      'fix:start-vm',
      'fix:vmaccess-reset',
      'fix:stop-process',
    ]);
    expectSlackAccepts(
      diagnosisMessage(liveFrom(largest, ['platform', 'network', 'service'], { settled: largest.verdict })),
    );
  });
});
