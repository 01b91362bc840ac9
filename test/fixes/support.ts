import type { RunCommandResult } from '@azure/arm-compute';
import type { AzureClients, SubscriptionClients } from '../../src/azure/clients';
import type { CauseRule } from '../../src/diagnosis/cause';
import type { Facts } from '../../src/diagnosis/facts';
import type { Finding } from '../../src/diagnosis/report';
import {
  DEFAULT_FIX_POLICY,
  type ExecutionContext,
  type FixDefinition,
  type FixPlan,
  type PlanContext,
} from '../../src/fixes/fix';
import { VM_ID } from '../fixtures/facts';

// A fake of exactly the Azure SDK surface the fixes call: each method records its arguments (without the
// options object), answers ARM's correlation id through `onResponse` as the real clients do, and returns
// what the test set up. Nothing else of the SDK exists here, so a fix that reached for more would fail.

export const SUBSCRIPTION_ID = VM_ID.split('/')[2];
export const PROPOSER = 'U0PROPOSER';
export const APPROVER = 'U0APPROVER';
export const PROPOSAL_ID = '7f3c9a2e-1b4d-4e8f-9a6c-2d5e8f1a3b7c';

export interface RecordedCall {
  method: string;
  args: unknown[];
}

interface CallOptions {
  onResponse?: (response: { headers: { get(name: string): string | undefined } }) => void;
}

/** A RestError as the SDK throws it: what callAzure turns into a sentence. */
export function restError(statusCode: number, code: string, message: string): Error {
  return Object.assign(new Error(message), { name: 'RestError', statusCode, code });
}

/** A Run Command result whose standard output is `stdout`. */
export function runCommandResult(stdout: string, stderr = ''): RunCommandResult {
  return {
    value: [
      { code: 'ComponentStatus/StdOut/succeeded', level: 'Info', message: stdout },
      { code: 'ComponentStatus/StdErr/succeeded', level: 'Info', message: stderr },
    ],
  };
}

export class FakeAzure {
  readonly calls: RecordedCall[] = [];
  /** What a method answers, by the dotted name the calls record; undefined answers nothing. */
  readonly answers = new Map<string, unknown>();
  /** Methods that throw instead of answering; a function builds the error from the call's arguments. */
  readonly failures = new Map<string, Error | ((args: unknown[]) => Error)>();

  private async call(method: string, args: unknown[], options: CallOptions | undefined): Promise<unknown> {
    this.calls.push({ method, args });
    const failure = this.failures.get(method);
    if (failure) throw typeof failure === 'function' ? failure(args) : failure;
    const correlationId = `corr-${this.calls.length}`;
    options?.onResponse?.({
      headers: { get: (name) => (name === 'x-ms-correlation-request-id' ? correlationId : undefined) },
    });
    return this.answers.get(method);
  }

  readonly sub = {
    subscriptionId: SUBSCRIPTION_ID,
    compute: {
      virtualMachines: {
        beginStartAndWait: (rg: string, vm: string, options?: CallOptions) =>
          this.call('virtualMachines.beginStartAndWait', [rg, vm], options),
        beginRestartAndWait: (rg: string, vm: string, options?: CallOptions) =>
          this.call('virtualMachines.beginRestartAndWait', [rg, vm], options),
        beginRunCommandAndWait: (rg: string, vm: string, input: unknown, options?: CallOptions) =>
          this.call('virtualMachines.beginRunCommandAndWait', [rg, vm, input], options),
      },
      virtualMachineExtensions: {
        beginCreateOrUpdateAndWait: (
          rg: string,
          vm: string,
          name: string,
          body: unknown,
          options?: CallOptions,
        ) => this.call('virtualMachineExtensions.beginCreateOrUpdateAndWait', [rg, vm, name, body], options),
        // A VM with no extensions unless the test says otherwise.
        list: async (rg: string, vm: string, options?: CallOptions) =>
          (await this.call('virtualMachineExtensions.list', [rg, vm], options)) ?? { value: [] },
      },
    },
    network: {
      securityRules: {
        beginCreateOrUpdateAndWait: (
          rg: string,
          nsg: string,
          name: string,
          body: unknown,
          options?: CallOptions,
        ) => this.call('securityRules.beginCreateOrUpdateAndWait', [rg, nsg, name, body], options),
      },
      publicIPAddresses: {
        get: (rg: string, name: string, options?: CallOptions) =>
          this.call('publicIPAddresses.get', [rg, name], options),
        beginCreateOrUpdateAndWait: (rg: string, name: string, body: unknown, options?: CallOptions) =>
          this.call('publicIPAddresses.beginCreateOrUpdateAndWait', [rg, name, body], options),
      },
    },
    security: {
      jitNetworkAccessPolicies: {
        initiate: (rg: string, location: string, name: string, body: unknown, options?: CallOptions) =>
          this.call('jitNetworkAccessPolicies.initiate', [rg, location, name, body], options),
      },
    },
  };

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }
}

/** What the fix's `execute` receives, with the fake as the subscription's clients. */
export function executionContext(fake: FakeAzure, facts: Facts, params: FixPlan['params']): ExecutionContext {
  if (facts.vm.status !== 'ok') throw new Error('executionContext: the facts need a VM');
  return {
    // The fixes reach Azure only through `sub`; an empty object here makes any other reach fail loudly.
    clients: {} as AzureClients,
    sub: fake.sub as unknown as SubscriptionClients,
    vm: facts.vm.value,
    facts,
    params,
    proposer: PROPOSER,
    approvers: [APPROVER],
    proposalId: PROPOSAL_ID,
    policy: DEFAULT_FIX_POLICY,
  };
}

/** The finding a cause rule reports on these facts, as the report carries it; throws when it stays quiet. */
export function findingOf(rule: CauseRule, facts: Facts): Finding {
  const detection = rule.detect(facts);
  if (!detection) throw new Error(`findingOf: ${rule.id} does not fire on these facts`);
  return {
    cause: rule.id,
    layer: rule.layer,
    severity: detection.severity ?? rule.severity,
    summary: detection.summary,
    evidence: detection.evidence,
    fixes: detection.fixes ?? [],
    advice: detection.advice ?? '',
    links: [],
  };
}

/** Plans `fix` for the finding `rule` reports on `facts`, after checking the finding offers the fix. */
export function planFor(
  fix: FixDefinition,
  rule: CauseRule,
  facts: Facts,
  input: Record<string, string> = {},
  policy = DEFAULT_FIX_POLICY,
): FixPlan {
  const finding = findingOf(rule, facts);
  expect(finding.fixes).toContain(fix.id);
  const ctx: PlanContext = { facts, finding, input, policy };
  return fix.plan(ctx);
}

/** The inputs the modal asks for, by name: label, hint and the pre-filled value. */
export function inputsFor(fix: FixDefinition, rule: CauseRule, facts: Facts) {
  return fix.inputs({ facts, finding: findingOf(rule, facts), policy: DEFAULT_FIX_POLICY });
}
