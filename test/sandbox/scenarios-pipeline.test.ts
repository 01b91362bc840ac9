import { causes } from '../../src/diagnosis/causes';
import { diagnose } from '../../src/pipeline/diagnose';
import { scenarios } from '@rdp-doctor/azure-sandbox';
import { guestTimeoutFor } from './drive';
import { startHarness, type Harness } from './harness';

// Each scenario through the whole pipeline (real gatherers, real SDK clients, real rules): its cause fires,
// nothing from another layer fires at critical severity, Azure's failures stay `error` checks, and a
// diagnosis writes nothing.

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(() => h.sandbox.stop());

const layerOf = new Map(causes.map((rule) => [rule.id as string, rule.layer]));

function run(name: string) {
  const scenario = scenarios.find((s) => s.name === name);
  if (!scenario) throw new Error(`no scenario ${name}`);
  return diagnose({
    clients: h.clients,
    target: name,
    request: scenario.request,
    resolveHost: h.sandbox.resolveHost,
    // vm-hung's Run Command never ends; the pipeline's own timeout is for real Azure.
    timeouts: { guest: guestTimeoutFor(name) },
  });
}

test.each(scenarios.filter((s) => s.cause !== null).map((s) => [s.name, s.cause ?? '']))(
  '%s demonstrates %s and nothing from another layer',
  async (name, cause) => {
    const report = await run(name);
    const finding = report.findings.find((f) => f.cause === cause);
    expect(finding).toBeDefined();
    const critical = report.findings.filter((f) => f.severity === 'critical');
    for (const other of critical) expect(other.layer).toBe(layerOf.get(cause));
    if (finding!.severity === 'critical') {
      // The cause decides: the verdict names its layer and lists it.
      expect(report.verdict.layer).toBe(layerOf.get(cause));
      expect(report.verdict.causes).toContain(cause);
    } else {
      // A risk, not the outage: shown, never the verdict.
      expect(report.verdict.layer).toBe('none');
      expect(report.checks.find((c) => c.id === cause)?.status).toBe('warn');
    }
  },
);

test.each([
  'vm-healthy',
  'vm-other-sub',
  'vm-runcommand-conflict',
  'vm-throttled',
  'vm-arm-error',
  'vm-hung',
])('%s claims no cause', async (name) => {
  const report = await run(name);
  expect(report.verdict).toMatchObject({ layer: 'none', causes: [] });
  if (name === 'vm-healthy') expect(report.findings).toEqual([]);
});

test.each([
  ['vm-runcommand-conflict', 'termservice-not-running', /409/],
  ['vm-hung', 'termservice-not-running', /no answer within/],
  ['vm-throttled', 'nsg-denies-rdp', /429/],
  ['vm-arm-error', 'nsg-denies-rdp', /500/],
])(
  '%s: the failing gatherer shows as an error check with its reason, and the rest of the report completes',
  async (name, check, reason) => {
    const report = await run(name);
    expect(report.checks.find((c) => c.id === check)).toMatchObject({
      status: 'error',
      summary: expect.stringMatching(reason),
    });
    expect(report.findings.filter((f) => f.severity === 'critical')).toEqual([]);
    expect(report.checks.filter((c) => c.status === 'pass').length).toBeGreaterThan(5);
    expect(report.verdict.summary).toMatch(/could not run/);
  },
);

test('a name in two resource groups is ambiguous', async () => {
  await expect(run('vm-dup')).rejects.toMatchObject({ code: 'ambiguous-vm' });
});

test('diagnosing writes nothing', () => {
  expect(h.sandbox.writes()).toEqual([]);
});

test('one diagnosis looks up the regional Network Watcher once, for both IP flow verify and next hop', async () => {
  const since = Date.now();
  const report = await run('vm-healthy');
  const lookups = h.sandbox.requests.filter(
    (r) =>
      r.startedAt >= since &&
      r.method === 'GET' &&
      /\/providers\/Microsoft\.Network\/networkWatchers$/i.test(r.path),
  );
  expect(lookups).toHaveLength(1);
  expect(report.checks.find((c) => c.id === 'nsg-denies-rdp')?.status).toBe('pass');
});
