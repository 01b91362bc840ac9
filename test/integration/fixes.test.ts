import type { Facts } from '../../src/diagnosis/facts';
import type { CauseId, FixId } from '../../src/diagnosis/ids';
import { fixes, fixById } from '../../src/fixes';
import { DEFAULT_FIX_POLICY, type FixDefinition, type FixOutcome, type FixPlan } from '../../src/fixes/fix';
import { VMACCESS_EXTENSION } from '../../src/fixes/vmaccess-reset';
import { diagnose } from '../../src/pipeline/diagnose';
import { recheckCause } from '../../src/pipeline/recheck';
import { scenarios } from '@rdp-doctor/azure-sandbox';
import { RG, startHarness, type Harness } from '../sandbox/harness';

// Every fix of the catalog, end to end against the sandbox with the real SDK clients: diagnose the machine
// that demonstrates a cause the fix answers, plan the fix from the finding with the values the modal would
// pre-fill, re-check that the cause holds, execute, and verify that the cause's confirming check now
// passes and a full re-diagnosis no longer names it. Each case gets a sandbox of its own machine only.

const CASES: [FixId, CauseId][] = [
  ['nsg-allow-rdp-from-source', 'nsg-denies-rdp'],
  ['jit-request-access', 'jit-access-not-requested'],
  ['start-vm', 'vm-not-running'],
  ['restart-vm', 'memory-exhausted'],
  ['restart-vm', 'cpu-saturated'],
  ['start-termservice', 'termservice-not-running'],
  ['enable-rdp-firewall-rules', 'guest-firewall-blocks-rdp'],
  ['enable-rdp-connections', 'rdp-connections-disabled'],
  ['reset-rdp-port', 'rdp-port-nonstandard'],
  ['reset-listener-certificate', 'listener-certificate-invalid'],
  ['vmaccess-reset', 'password-rejected'],
  ['vmaccess-reset', 'password-expired'],
  ['vmaccess-reset', 'rdp-not-listening'],
  ['unlock-account', 'account-locked-out'],
  ['unlock-account', 'account-disabled'],
  ['stop-process', 'memory-exhausted'],
  ['stop-process', 'cpu-saturated'],
  ['logoff-session', 'session-collision'],
  ['make-public-ip-static', 'public-ip-dynamic'],
];

interface Run {
  h: Harness;
  plan: FixPlan;
  outcome: FixOutcome;
}

function scenarioOf(cause: CauseId) {
  const scenario = scenarios.find((s) => s.name === cause);
  if (!scenario) throw new Error(`no sandbox scenario demonstrates ${cause}`);
  return scenario;
}

function findingCauses(report: { findings: { cause: string }[] }): string[] {
  return report.findings.map((f) => f.cause);
}

async function diagnoseScenario(h: Harness, cause: CauseId) {
  const scenario = scenarioOf(cause);
  let facts: Facts | undefined;
  const report = await diagnose({
    clients: h.clients,
    target: scenario.name,
    request: scenario.request,
    resolveHost: h.sandbox.resolveHost,
    onProgress: (event) => {
      if (event.type === 'done') facts = event.facts;
    },
  });
  if (!facts) throw new Error('the pipeline emitted no done event');
  // The activity log reads the subnet's NSG through subnets.get before it lists events.
  expect(facts.activityLog.status).toBe('ok');
  return { report, facts };
}

/** Diagnose, plan, precheck, execute, verify: the whole life of one approved fix. */
async function applyFix(fix: FixDefinition, cause: CauseId): Promise<Run> {
  const scenario = scenarioOf(cause);
  const h = await startHarness({ scenarios: [scenario] });
  try {
    const { report, facts } = await diagnoseScenario(h, cause);
    const finding = report.findings.find((f) => f.cause === cause);
    expect(finding?.fixes).toContain(fix.id);
    if (!finding || facts.vm.status !== 'ok')
      throw new Error(`${scenario.name} did not diagnose as ${cause}`);
    const vm = facts.vm.value;

    // What the modal pre-fills from the diagnosis is what the person submits.
    const inputs = fix.inputs({ facts, finding, policy: DEFAULT_FIX_POLICY });
    for (const input of inputs) expect(input.initial).toBeDefined();
    const input = Object.fromEntries(inputs.map((i) => [i.name, i.initial ?? '']));
    const plan = fix.plan({ facts, finding, input, policy: DEFAULT_FIX_POLICY });

    const recheck = () =>
      recheckCause({
        clients: h.clients,
        identity: vm,
        cause,
        request: scenario.request,
        resolveHost: h.sandbox.resolveHost,
      });
    const precheck = await recheck();
    expect(precheck.verdict).toBe('holds');
    expect(fix.stillApplies?.(precheck.facts, plan.params) ?? null).toBeNull();

    const outcome = await fix.execute({
      clients: h.clients,
      sub: h.clients.forSubscription(vm.subscriptionId),
      vm,
      facts: precheck.facts,
      params: plan.params,
      proposer: 'U_ALICE',
      approvers: ['U_BOB'],
      proposalId: 'p-1',
      policy: DEFAULT_FIX_POLICY,
    });

    const verification = await recheck();
    expect({ verdict: verification.verdict, check: verification.check.summary }).toMatchObject({
      verdict: 'gone',
    });
    const after = await diagnoseScenario(h, cause);
    expect(findingCauses(after.report)).not.toContain(cause);
    expect(after.report.verdict.causes).not.toContain(cause);
    return { h, plan, outcome };
  } catch (error) {
    await h.sandbox.stop();
    throw error;
  }
}

test('the cases cover every fix of the catalog, each with a cause it answers', () => {
  expect(new Set(CASES.map(([fix]) => fix))).toEqual(new Set(fixes.map((fix) => fix.id)));
  for (const [fixId, cause] of CASES) expect(fixById(fixId)?.causes).toContain(cause);
});

test.each(CASES)('%s makes %s go away', async (fixId, cause) => {
  const fix = fixById(fixId);
  if (!fix) throw new Error(`no fix ${fixId}`);
  const { h, outcome } = await applyFix(fix, cause);
  try {
    expect(outcome.summary).not.toBe('');
    expect(h.sandbox.writes().every((w) => w.status < 400)).toBe(true);
    expect(h.sandbox.writes().length).toBeGreaterThan(0);
  } finally {
    await h.sandbox.stop();
  }
});

/** Everything the sandbox's world holds, as text (its resources sit in Maps). */
function worldText(h: Harness): string {
  return JSON.stringify(h.sandbox.state, (_key, value: unknown) =>
    value instanceof Map ? [...value.entries()] : value instanceof Set ? [...value] : value,
  );
}

test('the VMAccess password travels only in the extension PUT, as a protected setting', async () => {
  const fix = fixById('vmaccess-reset');
  if (!fix) throw new Error('no vmaccess-reset');
  const { h, plan, outcome } = await applyFix(fix, 'password-rejected');
  try {
    const password = outcome.secretForProposer ?? '';
    expect(password.length).toBeGreaterThanOrEqual(12);
    const carrying = h.sandbox.requests.filter((r) => JSON.stringify(r.body ?? null).includes(password));
    expect(carrying.map((r) => `${r.method} ${r.path}`)).toEqual([
      `PUT /subscriptions/${h.sandbox.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.Compute/virtualMachines/password-rejected/extensions/${VMACCESS_EXTENSION}`,
    ]);
    const properties = (carrying[0].body as { properties: Record<string, unknown> }).properties;
    expect(properties.protectedSettings).toEqual({ Password: password });
    expect(JSON.stringify({ ...properties, protectedSettings: undefined })).not.toContain(password);
    expect(worldText(h)).not.toContain(password);
    expect(JSON.stringify(plan)).not.toContain(password);
    expect(outcome.summary).not.toContain(password);
  } finally {
    await h.sandbox.stop();
  }
});

test('the NSG fix writes a scoped allow ahead of the deny, never from *', async () => {
  const fix = fixById('nsg-allow-rdp-from-source');
  if (!fix) throw new Error('no nsg-allow-rdp-from-source');
  const { h, plan } = await applyFix(fix, 'nsg-denies-rdp');
  try {
    const nsg = h.sandbox.state.nsgs.find(
      h.sandbox.subscriptionId,
      RG,
      'Microsoft.Network/networkSecurityGroups',
      'nsg-denies-rdp-nsg',
    );
    const deny = nsg?.rules.find((r) => r.name === 'DenyRdpAll');
    const allow = nsg?.rules.find((r) => r.name === plan.params.ruleName);
    expect(deny).toBeDefined();
    expect(allow).toMatchObject({
      access: 'Allow',
      direction: 'Inbound',
      protocol: 'Tcp',
      destinationPortRange: '3389',
    });
    const sources = [allow?.sourceAddressPrefix, ...(allow?.sourceAddressPrefixes ?? [])].filter(Boolean);
    expect(sources).toEqual(['203.0.113.10']);
    for (const source of sources) expect(['*', 'Internet', 'Any', '0.0.0.0/0']).not.toContain(source);
    expect(allow?.priority).toBeLessThan(deny?.priority ?? 0);
    expect(allow?.description).toContain('U_ALICE');
  } finally {
    await h.sandbox.stop();
  }
});
