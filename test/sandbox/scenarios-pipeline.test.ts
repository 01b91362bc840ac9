import { causes } from '../../src/diagnosis/causes';
import { diagnose } from '../../src/pipeline/diagnose';
import { scenarios } from '../../src/sandbox/scenarios';
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
    timeouts: { guest: 2000 },
  });
}

test.each(scenarios.filter((s) => s.cause !== null).map((s) => [s.name, s.cause ?? '']))(
  '%s demonstrates %s and nothing from another layer',
  async (name, cause) => {
    const report = await run(name);
    expect(report.findings.map((f) => f.cause)).toContain(cause);
    const critical = report.findings.filter((f) => f.severity === 'critical');
    for (const finding of critical) expect(finding.layer).toBe(layerOf.get(cause));
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

test('Azure failures surface as error checks, never as causes', async () => {
  const conflict = await run('vm-runcommand-conflict');
  expect(conflict.checks.filter((c) => c.layer === 'service').every((c) => c.status === 'error')).toBe(true);
  const armError = await run('vm-arm-error');
  expect(armError.checks.find((c) => c.id === 'nsg-denies-rdp')?.status).toBe('error');
});

test('a name in two resource groups is ambiguous', async () => {
  await expect(run('vm-dup')).rejects.toMatchObject({ code: 'ambiguous-vm' });
});

test('diagnosing writes nothing', () => {
  expect(h.sandbox.writes()).toEqual([]);
});
