import type { AzureClients } from '../azure/clients';
import type { DnsResolver } from '../azure/gatherer';
import type { DiagnosisRequest, VmIdentity } from '../diagnosis/facts';
import { fixById } from '../fixes';
import { FixFailure, type FixDefinition, type FixOutcome, type FixPlan, type FixPolicy } from '../fixes/fix';
import { locateVm, type DiagnoseOptions } from '../pipeline/diagnose';
import { describeFailure } from '../pipeline/failure';
import { recheckCause, type Recheck } from '../pipeline/recheck';
import type { Proposal, Store } from '../store/store';
import type { ExecutionOutcome } from './states';
import type { ApprovalWorkflow, Finished, Refusal } from './workflow';

// What happens once a proposal is approved, whoever clicked and wherever: claim it (one winner), re-check
// that its cause still holds on fresh facts, run the fix, re-run the confirming check, record the outcome.
// Not Slack-specific. The proposer's secret (a generated password) is handed back and never kept here.

/** The plan back out of a stored proposal: only the parameter values a fix reads, and its sentence. */
export function planOf(proposal: Pick<Proposal, 'params' | 'description'>): FixPlan {
  const params: FixPlan['params'] = {};
  for (const [key, value] of Object.entries(proposal.params)) {
    if (typeof value === 'string' || typeof value === 'number') params[key] = value;
  }
  return { params, description: proposal.description };
}

export interface RunFixOptions {
  workflow: ApprovalWorkflow;
  store: Pick<Store, 'listApprovers'>;
  clients: AzureClients;
  resolveHost?: DnsResolver;
  /** Per-gatherer timeouts of the re-checks, where they should not be the gatherers' own. */
  timeouts?: DiagnoseOptions['timeouts'];
  /** NSG_MAX_PREFIX and friends, applied again to the stored parameters. */
  policy: FixPolicy;
  /** This process, as the execution lease's holder. */
  holder: string;
  clock?: () => Date;
  /** Told each time the proposal moves: executing, then how it ended. Must not throw: it only shows the state. */
  onState?: (proposal: Proposal) => Promise<void>;
}

export type FixRun =
  | { claimed: false; refusal: Refusal }
  | {
      claimed: true;
      /** The proposal as it ended (interrupted, when a recovery closed it while this process ran it). */
      proposal: Proposal;
      outcome: ExecutionOutcome;
      /** What was done and what the verification found, or why nothing was done: safe for the channel. */
      detail: string;
      correlationId: string | null;
      /** Only for the proposer's eyes, once: never store, log or post it anywhere else. */
      secretForProposer?: string;
    };

interface Ending {
  outcome: ExecutionOutcome;
  detail: string;
  correlationId: string | null;
  secretForProposer?: string;
}

function failed(detail: string): Ending {
  return { outcome: 'failed', detail, correlationId: null };
}

/**
 * The connection the fix is about. A fix that opens a path for an address (the NSG allow, the JIT request)
 * carries it as `source`: the precheck and the verification ask about that address, whatever the diagnosis
 * was run from.
 */
function requestFor(plan: FixPlan): DiagnosisRequest {
  const source = plan.params.source;
  return { symptom: 'unknown', source: typeof source === 'string' ? source : null, host: null };
}

function evidenceOf(check: Recheck['check']): string {
  return check.evidence ? ` Evidence: ${check.evidence.replace(/\.$/, '')}.` : '';
}

function confirmByHand(check: Recheck['check']): string {
  return check.confirm ? ` Confirm by hand: \`${check.confirm}\`.` : '';
}

async function precheckAndExecute(
  proposal: Proposal,
  fix: FixDefinition,
  options: RunFixOptions,
): Promise<Ending> {
  const clock = options.clock ?? (() => new Date());
  const plan = planOf(proposal);
  const request = requestFor(plan);
  let identity: VmIdentity;
  try {
    identity = await locateVm(options.clients, proposal.vmId);
  } catch (error) {
    return failed(
      `Nothing was changed: ${proposal.vmName} could not be found again before the fix ran (${describeFailure(error).message}).`,
    );
  }
  const recheck = (since?: Date) =>
    recheckCause({
      clients: options.clients,
      identity,
      cause: proposal.cause,
      request,
      resolveHost: options.resolveHost,
      timeouts: options.timeouts,
      since,
    });

  const cannotCheck = (why: string) =>
    // Fail closed: a fix runs only on a cause it can see holding.
    failed(
      `Nothing was changed: the check for ${proposal.cause} could not run before the fix (${why}). ` +
        `Run \`/rdp ${proposal.vmName}\` again once Azure answers, and propose the fix again if the cause still holds.`,
    );
  let precheck: Recheck;
  try {
    precheck = await recheck();
  } catch (error) {
    return cannotCheck(describeFailure(error).message);
  }
  if (precheck.verdict === 'gone') {
    return {
      outcome: 'no-longer-needed',
      detail: `Nothing was changed: the check for ${proposal.cause} passes now (${precheck.check.summary}).`,
      correlationId: null,
    };
  }
  if (precheck.verdict === 'unknown' || precheck.facts.vm.status !== 'ok') {
    return cannotCheck(precheck.check.summary);
  }
  const moved = fix.stillApplies?.(precheck.facts, plan.params) ?? null;
  if (moved) {
    return failed(
      `Nothing was changed: ${moved} Run \`/rdp ${proposal.vmName}\` again to propose the fix for what is there now.`,
    );
  }

  const started = clock();
  let outcome: FixOutcome;
  try {
    outcome = await fix.execute({
      clients: options.clients,
      sub: options.clients.forSubscription(identity.subscriptionId),
      vm: precheck.facts.vm.value,
      facts: precheck.facts,
      params: plan.params,
      proposer: proposal.proposer,
      approvers: await options.store.listApprovers(proposal.id),
      proposalId: proposal.id,
      policy: options.policy,
    });
  } catch (error) {
    // Only Azure refusing the call (an ARM error, a Run Command turned away) is a failure on its own. A
    // script that printed nothing readable, or said it failed, may still have changed the machine: the
    // re-check below decides.
    if (!(error instanceof FixFailure)) return failed(`The fix failed: ${describeFailure(error).message}`);
    outcome = {
      summary:
        error.output === 'unreadable'
          ? `The fix ran, but its output was unreadable (${error.message}), so the re-check decides.`
          : `The fix did not say it worked (${error.message}), so the re-check decides.`,
      correlationId: null,
    };
  }

  const ran = { correlationId: outcome.correlationId, secretForProposer: outcome.secretForProposer };
  let verification: Recheck;
  try {
    verification = await recheck(started);
  } catch (error) {
    return {
      ...ran,
      outcome: 'failed',
      detail: `${outcome.summary} The verification could not run (${describeFailure(error).message}): check ${proposal.vmName} by hand.`,
    };
  }
  const { check } = verification;
  if (verification.verdict === 'gone') {
    return { ...ran, outcome: 'succeeded', detail: `${outcome.summary} Verified: ${check.summary}` };
  }
  if (verification.verdict === 'holds') {
    return {
      ...ran,
      outcome: 'failed',
      detail:
        `${outcome.summary} But the cause is still there: ${check.summary}` +
        `${evidenceOf(check)}${confirmByHand(check)}`,
    };
  }
  return {
    ...ran,
    outcome: 'failed',
    detail: `${outcome.summary} The verification could not run (${check.summary}).${confirmByHand(check)}`,
  };
}

/** What the cause's check says after an interruption, for people deciding what to do next. */
export interface InterruptionRecheck {
  verdict: Recheck['verdict'];
  /** The check's summary, or why it could not run. */
  summary: string;
}

/**
 * Re-runs the confirming check of an interrupted proposal's cause on fresh facts. It decides nothing and
 * changes nothing: the fix may or may not have run, and the check says whether the cause is there now.
 */
export async function recheckInterrupted(
  proposal: Proposal,
  options: Pick<RunFixOptions, 'clients' | 'resolveHost' | 'timeouts'>,
): Promise<InterruptionRecheck> {
  try {
    const identity = await locateVm(options.clients, proposal.vmId);
    const { verdict, check } = await recheckCause({
      clients: options.clients,
      identity,
      cause: proposal.cause,
      request: requestFor(planOf(proposal)),
      resolveHost: options.resolveHost,
      timeouts: options.timeouts,
    });
    return { verdict, summary: check.summary };
  } catch (error) {
    return { verdict: 'unknown', summary: describeFailure(error).message };
  }
}

/**
 * Runs an approved proposal if this caller wins its claim; every other caller gets the refusal and must
 * do nothing. Whatever happens after the claim ends in `finish`, so the proposal never stays executing
 * while this process lives.
 */
export async function runApprovedFix(proposalId: string, options: RunFixOptions): Promise<FixRun> {
  const claim = await options.workflow.claimExecution(proposalId, options.holder);
  if (!claim.ok) return { claimed: false, refusal: claim };
  await options.onState?.(claim.proposal);

  const fix = fixById(claim.proposal.fixId);
  // Renewed until the outcome is recorded: only a dead process, or one cut off from the store for a whole
  // lease, lets another replica call the execution interrupted.
  const stopHeartbeat = options.workflow.keepExecutionAlive(proposalId, options.holder);
  let ending: Ending;
  let finished: Finished | Refusal;
  try {
    try {
      ending = fix
        ? await precheckAndExecute(claim.proposal, fix, options)
        : failed(`Nothing was changed: this version of rdp-doctor has no fix ${claim.proposal.fixId}.`);
    } catch (error) {
      ending = failed(`The fix stopped before it finished: ${describeFailure(error).message}`);
    }
    finished = await options.workflow.finish(proposalId, options.holder, ending.outcome, {
      detail: ending.detail,
      correlationId: ending.correlationId ?? undefined,
    });
  } finally {
    stopHeartbeat();
  }
  const proposal = finished.proposal ?? claim.proposal;
  await options.onState?.(proposal);
  return {
    claimed: true,
    proposal,
    outcome: ending.outcome,
    detail: ending.detail,
    correlationId: ending.correlationId,
    ...(ending.secretForProposer ? { secretForProposer: ending.secretForProposer } : {}),
  };
}
