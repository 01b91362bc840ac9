import { isDeepStrictEqual } from 'node:util';
import { causes } from '../diagnosis/causes';
import type { Facts } from '../diagnosis/facts';
import type { CauseId, FixId } from '../diagnosis/ids';
import type { Finding, Report } from '../diagnosis/report';
import { fixById } from '../fixes';
import { FixFailure, FixRefusal, type FixDefinition, type FixPlan, type FixPolicy } from '../fixes/fix';
import type { MessageRef, Proposal, Store } from '../store/store';
import { planOf } from './run-fix';
import type { ApprovalWorkflow, Proposed, Refusal } from './workflow';

// A fix proposal from the diagnosis it came from: load what the fix acts on, plan it for what the person
// gave, propose it to the two-person workflow, and describe it as it stands. No Slack here: any surface
// (the Slack app, the CLI) proposes through it and draws the description its own way.

/** Finished diagnoses, by run id: what a fix acts on. */
export interface SnapshotSource {
  get(runId: string): Promise<{
    report: Report;
    facts: Facts | null;
    requestedBy: string[];
    /** Where the diagnosis was posted: its proposals go to its thread, and only its channel may propose them. */
    channel: string | null;
    messageTs: string | null;
  } | null>;
  /** Every proposal for the VM: what its fix buttons already led to. */
  proposalsFor(vmId: string): Promise<Proposal[]>;
}

/** Which fix, for which finding of which run (what a fix button carries). */
export interface FixRequestRef {
  run: string;
  cause: CauseId;
  fix: FixId;
}

export type FixRequest =
  | {
      ok: true;
      fix: FixDefinition;
      facts: Facts;
      finding: Finding;
      vmId: string;
      vmName: string;
      /** The diagnosis message the fix came from, as stored: never as a click or a form says it. */
      diagnosis: { channel: string | null; messageTs: string | null };
    }
  | { ok: false; message: string };

/**
 * What a fix acts on: the fix, and the facts and finding of the run it came from. A button is only a
 * reference: the fix is accepted only when the stored finding of that run offers it, and only from the
 * channel the diagnosis was posted in (`from`, when the surface has a channel).
 */
export async function loadFixRequest(
  snapshots: SnapshotSource,
  ref: FixRequestRef,
  from?: { channel: string },
): Promise<FixRequest> {
  const fix = fixById(ref.fix);
  if (!fix)
    return {
      ok: false,
      message: `This version of rdp-doctor has no fix ${ref.fix}; run \`/rdp <vm>\` again.`,
    };
  const snapshot = await snapshots.get(ref.run);
  if (!snapshot) {
    return {
      ok: false,
      message:
        'That diagnosis is still finishing, or is no longer on record: wait for its verdict and click again, ' +
        'or run `/rdp <vm>` again.',
    };
  }
  const vmName = snapshot.report.vm.name;
  const finding = snapshot.report.findings.find((f) => f.cause === ref.cause);
  if (!snapshot.facts || !finding) {
    return {
      ok: false,
      message: `That diagnosis of ${vmName} no longer holds what the fix needs: run \`/rdp ${vmName}\` again.`,
    };
  }
  if (!finding.fixes.includes(fix.id)) {
    return {
      ok: false,
      message: `The diagnosis of ${vmName} does not offer ${fix.id} for ${finding.cause}: use the buttons under its report.`,
    };
  }
  if (from && from.channel !== snapshot.channel) {
    return {
      ok: false,
      message: `That diagnosis of ${vmName} was posted in another channel: propose its fixes there, or run \`/rdp ${vmName}\` here.`,
    };
  }
  const earlier = await alreadyDone(snapshots, snapshot, ref);
  if (earlier) return { ok: false, message: earlier };
  return {
    ok: true,
    fix,
    facts: snapshot.facts,
    finding,
    vmId: snapshot.report.vm.id,
    vmName,
    diagnosis: { channel: snapshot.channel, messageTs: snapshot.messageTs },
  };
}

/**
 * What an earlier click on the same button already led to: a fix verified for the cause. A proposal still on
 * its way is found when the new one is planned (its inputs decide whether it is the same proposal).
 */
async function alreadyDone(
  snapshots: SnapshotSource,
  snapshot: { report: Report; channel: string | null; messageTs: string | null },
  ref: FixRequestRef,
): Promise<string | null> {
  if (!snapshot.messageTs) return null;
  // Said without mentions: a private answer is plain text; the thread names the people.
  const resolved = (await snapshots.proposalsFor(snapshot.report.vm.id)).find(
    (p) =>
      p.channel === snapshot.channel &&
      p.threadTs === snapshot.messageTs &&
      p.cause === ref.cause &&
      p.state === 'succeeded',
  );
  if (!resolved) return null;
  const at = `${resolved.updatedAt.slice(11, 16)} UTC`;
  return (
    `${fixTitleOf(resolved)} already resolved this at ${at}, approved in the thread below the report. ` +
    'Use Re-run diagnosis under the report to see what holds now.'
  );
}

export type Planned = { ok: true; plan: FixPlan } | { ok: false; message: string };

/** The fix's plan for what the person gave; a refusal is said in plain words, never as a raw error. */
export function planFix(
  request: Extract<FixRequest, { ok: true }>,
  input: Record<string, string>,
  policy: FixPolicy,
): Planned {
  try {
    return {
      ok: true,
      plan: request.fix.plan({ facts: request.facts, finding: request.finding, input, policy }),
    };
  } catch (error) {
    if (error instanceof FixRefusal || error instanceof FixFailure)
      return { ok: false, message: error.message };
    throw error;
  }
}

/** A proposal as it stands, with the names a person reads. */
export interface ProposalDescription {
  proposal: Proposal;
  /** The fix's title, e.g. `Allow RDP from your address`. */
  fixTitle: string;
  /** The cause's title from the catalog. */
  causeTitle: string;
  /** The plan's sentence: exactly what will change, on which resource. */
  description: string;
  /** Distinct approvers so far, first first. */
  approvedBy: string[];
  /** Who denied or withdrew it, once denied. */
  deniedBy: string | null;
}

export function fixTitleOf(proposal: Pick<Proposal, 'fixId'>): string {
  return fixById(proposal.fixId)?.title ?? proposal.fixId;
}

export class ProposalService {
  constructor(
    private readonly deps: {
      store: Pick<Store, 'getProposal' | 'listApprovers' | 'listProposals' | 'appendAudit'>;
      workflow: ApprovalWorkflow;
    },
  ) {}

  get(proposalId: string): Promise<Proposal | null> {
    return this.deps.store.getProposal(proposalId);
  }

  /** Proposes the planned fix for `proposer` (from a signed payload or the signed-in user, never typed text). */
  async propose(args: {
    request: Extract<FixRequest, { ok: true }>;
    plan: FixPlan;
    proposer: string;
    message?: Partial<MessageRef>;
  }): Promise<Proposed | Refusal> {
    const { request, plan } = args;
    const open = await this.openProposalOf(request, plan);
    if (open) {
      await this.deps.store.appendAudit({
        actor: args.proposer,
        action: 'propose-refused',
        proposalId: open.id,
        vmId: request.vmId,
        fixId: request.fix.id,
        params: plan.params,
        detail: 'already-proposed',
      });
      return { ok: false, code: 'already-proposed', proposal: open };
    }
    return this.deps.workflow.propose({
      vmId: request.vmId,
      vmName: request.vmName,
      fixId: request.fix.id,
      cause: request.finding.cause,
      params: plan.params,
      description: plan.description,
      proposer: args.proposer,
      ...args.message,
    });
  }

  /**
   * The same change on the same machine, still waiting or running: a second proposal would only be
   * re-checked away, and split the approvers' attention between two messages.
   */
  private async openProposalOf(
    request: Extract<FixRequest, { ok: true }>,
    plan: FixPlan,
  ): Promise<Proposal | undefined> {
    const now = new Date();
    return (await this.deps.store.listProposals(request.vmId)).find(
      (p) =>
        p.fixId === request.fix.id &&
        isDeepStrictEqual(p.params, plan.params) &&
        (p.state === 'approved' ||
          p.state === 'executing' ||
          (p.state === 'proposed' && new Date(p.expiresAt) > now)),
    );
  }

  async describe(proposal: Proposal): Promise<ProposalDescription> {
    return {
      proposal,
      fixTitle: fixTitleOf(proposal),
      causeTitle: causes.find((cause) => cause.id === proposal.cause)?.title ?? proposal.cause,
      description: planOf(proposal).description,
      approvedBy: await this.deps.store.listApprovers(proposal.id),
      deniedBy: proposal.state === 'denied' ? proposal.decidedBy : null,
    };
  }
}
