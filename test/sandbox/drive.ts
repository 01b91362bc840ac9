import type { Facts } from '../../src/diagnosis/facts';
import type { CauseId, FixId } from '../../src/diagnosis/ids';
import type { Report } from '../../src/diagnosis/report';
import { fixById } from '../../src/fixes';
import { DEFAULT_FIX_POLICY } from '../../src/fixes/fix';
import { diagnose } from '../../src/pipeline/diagnose';
import { recheckCause } from '../../src/pipeline/recheck';
import { scenarios } from '@rdp-doctor/azure-sandbox/scenarios';
import type { Harness } from './harness';

// The product's own flows against a harness, as a person sets them off: a scenario machine's diagnosis,
// and a fix from that diagnosis through its plan and re-check to its execution.

function scenarioNamed(name: string) {
  const scenario = scenarios.find((s) => s.name === name);
  if (!scenario) throw new Error(`no scenario ${name}`);
  return scenario;
}

/**
 * How long the guest probe may take on scenario `name`: short where its Run Command never ends (vm-hung),
 * so the test sees the timeout; long elsewhere, so a loaded machine never turns an answer into one.
 */
export function guestTimeoutFor(name: string): number {
  return name === 'vm-hung' ? 2000 : 60_000;
}

/** Diagnoses the scenario machine `name` with the request its scenario demonstrates. */
export function diagnoseScenario(h: Harness, name: string, onDone?: (facts: Facts) => void): Promise<Report> {
  return diagnose({
    clients: h.clients,
    target: name,
    request: scenarioNamed(name).request,
    resolveHost: h.sandbox.resolveHost,
    timeouts: { guest: guestTimeoutFor(name) },
    onProgress: (event) => {
      if (event.type === 'done') onDone?.(event.facts);
    },
  });
}

/** Diagnoses the machine of `cause`, then plans, re-checks and executes `fixId` with its initial inputs. */
export async function executeFix(h: Harness, fixId: FixId, cause: CauseId): Promise<void> {
  const fix = fixById(fixId);
  if (!fix) throw new Error(`no fix ${fixId}`);
  let facts: Facts | undefined;
  const report = await diagnoseScenario(h, cause, (done) => (facts = done));
  const finding = report.findings.find((f) => f.cause === cause);
  if (!finding || !facts || facts.vm.status !== 'ok') throw new Error(`${cause} did not diagnose`);
  const inputs = fix.inputs({ facts, finding, policy: DEFAULT_FIX_POLICY });
  const plan = fix.plan({
    facts,
    finding,
    input: Object.fromEntries(inputs.map((i) => [i.name, i.initial ?? ''])),
    policy: DEFAULT_FIX_POLICY,
  });
  const precheck = await recheckCause({
    clients: h.clients,
    identity: facts.vm.value,
    cause,
    request: scenarioNamed(cause).request,
    resolveHost: h.sandbox.resolveHost,
  });
  await fix.execute({
    clients: h.clients,
    sub: h.clients.forSubscription(facts.vm.value.subscriptionId),
    vm: facts.vm.value,
    facts: precheck.facts,
    params: plan.params,
    proposer: 'U_ALICE',
    approvers: ['U_BOB'],
    proposalId: `p-${fixId}`,
    policy: DEFAULT_FIX_POLICY,
  });
}
