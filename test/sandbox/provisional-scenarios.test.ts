import { gatherers } from '../../src/azure/gatherers';
import type { Report } from '../../src/diagnosis/report';
import { diagnose, type ProgressEvent } from '../../src/pipeline/diagnose';
import { scenarios } from '@rdp-doctor/azure-sandbox';
import { startHarness, type Harness } from './harness';

// The provisional network verdict only adds to a diagnosis: every scenario's final report (verdict,
// layers, checks, findings) is the same with the NSG rules as written read and evaluated first as
// without them, and wherever a provisional verdict was shown the report says what became of it.

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(() => h.sandbox.stop());

const withoutProvisional = gatherers.filter((gatherer) => gatherer.key !== 'nsgRules');

async function run(name: string, provisional: boolean) {
  const scenario = scenarios.find((s) => s.name === name)!;
  const events: ProgressEvent[] = [];
  const report = await diagnose({
    clients: h.clients,
    target: name,
    request: scenario.request,
    resolveHost: h.sandbox.resolveHost,
    timeouts: { guest: 2000 },
    gatherers: provisional ? gatherers : withoutProvisional,
    onProgress: (event) => events.push(event),
  });
  return { report, events };
}

/** What a diagnosis concluded, without its timings and without the provisional note. */
function conclusion(report: Report) {
  return {
    verdict: report.verdict,
    layers: report.layers,
    checks: report.checks.map(({ id, status, summary, evidence, confirm }) => ({
      id,
      status,
      summary,
      evidence,
      confirm,
    })),
    findings: report.findings,
  };
}

// vm-dup is ambiguous: there is no machine to diagnose.
const diagnosable = scenarios.filter((s) => s.name !== 'vm-dup').map((s) => s.name);

test.each(diagnosable)(
  '%s: the final report is the same with the provisional step as without',
  async (name) => {
    const [plain, early] = [await run(name, false), await run(name, true)];
    expect(conclusion(early.report)).toEqual(conclusion(plain.report));
    expect(plain.report.provisional).toBeUndefined();
    expect(plain.events.some((e) => e.type === 'layer' && e.provisional)).toBe(false);

    const shown = early.events.find((e) => e.type === 'layer' && e.provisional);
    if (shown?.type === 'layer' && shown.provisional) {
      // What was shown is what the report reconciles, with Azure's answer or why there was none.
      expect(early.report.provisional).toMatchObject({ ...shown.verdict, outcome: expect.any(String) });
      expect(early.report.provisional?.note).toMatch(/^(confirmed by|corrected: |not confirmed: )/);
      // Recorded for the sandbox's scenarios: the rules as written never disagree with Azure's answer.
      expect(early.report.provisional?.outcome).not.toBe('corrected');
    } else {
      expect(early.report.provisional).toBeUndefined();
    }
  },
);

test('the NSG scenario shows its deny provisionally, and IP flow verify confirms it', async () => {
  const { report } = await run('nsg-denies-rdp', true);
  expect(report.provisional).toMatchObject({
    access: 'Deny',
    outcome: 'confirmed',
    note: 'confirmed by IP flow verify',
  });
});

test('a machine stopped at the platform layer shows no provisional network verdict', async () => {
  const { events, report } = await run('vm-not-running', true);
  expect(events.some((e) => e.type === 'layer' && e.provisional)).toBe(false);
  expect(report.provisional).toBeUndefined();
});
