import type { AzureClients, SubscriptionClients } from '../azure/clients';
import type { Facts, VmFacts } from '../diagnosis/facts';
import type { CauseId, FixId } from '../diagnosis/ids';
import type { Finding } from '../diagnosis/report';

/** A value a person must give before a fix can be proposed (asked in a modal). */
export interface FixInput {
  name: string;
  label: string;
  hint: string;
  /** Pre-filled from the diagnosis (e.g. the `from` address), when known. */
  initial?: string;
}

/** The settings guards read. */
export interface FixPolicy {
  /** Widest source range an NSG rule may allow (NSG_MAX_PREFIX, default 24). */
  nsgMaxPrefix: number;
}

export const DEFAULT_FIX_POLICY: FixPolicy = { nsgMaxPrefix: 24 };

export interface PlanContext {
  /** The facts of the diagnosis the button came from. */
  facts: Facts;
  finding: Finding;
  /** What the person typed in the modal, by input name; never trusted before `plan` validates it. */
  input: Record<string, string>;
  policy: FixPolicy;
}

/** A proposal ready to store: parameters validated and free of secrets, and what it will do in words. */
export interface FixPlan {
  params: Record<string, string | number>;
  /** One sentence: exactly what will change, on which resource. */
  description: string;
}

/** Why the fix cannot be proposed as asked; said plainly to the person, never a raw ARM error. */
export class FixRefusal extends Error {
  readonly code = 'fix-refused';
}

/**
 * The fix ran but did not make its change (the guest script declined, the target moved), or it ran and its
 * output could not be read (`unreadable`: Run Command may lose a script's output); said plainly.
 */
export class FixFailure extends Error {
  readonly code = 'fix-failed';

  constructor(
    message: string,
    readonly output: 'read' | 'unreadable' = 'read',
  ) {
    super(message);
  }
}

export interface ExecutionContext {
  clients: AzureClients;
  sub: SubscriptionClients;
  vm: VmFacts;
  /** Fresh facts gathered for the precheck, just before execution. */
  facts: Facts;
  params: Record<string, string | number>;
  /** Who proposed the fix (Slack user id), for rule descriptions and JIT justifications. */
  proposer: string;
  approvers: string[];
  proposalId: string;
  signal?: AbortSignal;
  /** The guards' settings, applied again to the stored parameters; DEFAULT_FIX_POLICY when absent. */
  policy?: FixPolicy;
}

export interface FixOutcome {
  /** What was done, one sentence, safe to post in the channel. */
  summary: string;
  /** ARM's correlation id of the write, for the audit. */
  correlationId: string | null;
  /** A secret only the proposer may see (a generated password): shown once, never stored or logged. */
  secretForProposer?: string;
}

/**
 * One fix of the catalog (DESIGN.md): validated parameters (`plan`), the change through the real SDK
 * (`execute`). The precheck (does the cause still hold?) and the verification (is it gone?) re-run the
 * cause's own rule on freshly gathered facts; `stillApplies` adds what the fix itself must re-check
 * (the process name behind a pid, the session still there).
 */
export interface FixDefinition {
  id: FixId;
  /** Button text: names what it does. */
  title: string;
  causes: readonly CauseId[];
  inputs(ctx: Omit<PlanContext, 'input'>): FixInput[];
  plan(ctx: PlanContext): FixPlan;
  stillApplies?(facts: Facts, params: FixPlan['params']): string | null;
  execute(ctx: ExecutionContext): Promise<FixOutcome>;
}
