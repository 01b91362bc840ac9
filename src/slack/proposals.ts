import type { WebClient } from '@slack/web-api';
import { planOf, runApprovedFix } from '../approvals/run-fix';
import type { ApprovalWorkflow } from '../approvals/workflow';
import { causes } from '../diagnosis/causes';
import type { Facts } from '../diagnosis/facts';
import type { Finding } from '../diagnosis/report';
import type { AzureEnvironment } from '../environment';
import { fixById } from '../fixes';
import { FixFailure, FixRefusal, type FixDefinition, type FixPlan, type FixPolicy } from '../fixes/fix';
import type { Logger } from '../logger';
import type { Proposal, Store } from '../store';
import { errorMessage } from './blocks/diagnosis';
import type { FixButtonValue } from './blocks/fix-buttons';
import { fixResultMessage, proposalMessage, secretMessage, type ProposalView } from './blocks/proposal';
import type { SlackMessage } from './blocks/types';
import type { SlackContext } from './context';

// The Slack side of a fix proposal: from the diagnosis it came from to the plan, the proposal message in
// the diagnosis thread (redrawn from the store whenever the proposal moves, whichever replica moved it),
// and the approved execution with its result in the thread.

/** Tells one person something in the channel, privately: a refusal, in words, or a message drawn for it. */
export async function tellPrivately(
  client: WebClient,
  channel: string,
  user: string,
  said: string | SlackMessage,
): Promise<void> {
  await client.chat.postEphemeral({
    channel,
    user,
    ...(typeof said === 'string' ? errorMessage(said) : said),
  });
}

export type FixRequest =
  | { ok: true; fix: FixDefinition; facts: Facts; finding: Finding; vmId: string; vmName: string }
  | { ok: false; message: string };

/** What a fix button (or its modal) acts on: the fix, and the facts and finding of the run it came from. */
export async function loadFixRequest(
  snapshots: SlackContext['snapshots'],
  value: FixButtonValue,
): Promise<FixRequest> {
  const fix = fixById(value.fix);
  if (!fix)
    return {
      ok: false,
      message: `This version of rdp-doctor has no fix ${value.fix}; run \`/rdp <vm>\` again.`,
    };
  const snapshot = await snapshots.get(value.run);
  if (!snapshot) {
    return {
      ok: false,
      message:
        'That diagnosis is still finishing, or is no longer on record: wait for its verdict and click again, ' +
        'or run `/rdp <vm>` again.',
    };
  }
  const vmName = snapshot.report.vm.name;
  const finding = snapshot.report.findings.find((f) => f.cause === value.cause);
  if (!snapshot.facts || !finding) {
    return {
      ok: false,
      message: `That diagnosis of ${vmName} no longer holds what the fix needs: run \`/rdp ${vmName}\` again.`,
    };
  }
  return { ok: true, fix, facts: snapshot.facts, finding, vmId: snapshot.report.vm.id, vmName };
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

export interface FixProposalsDependencies {
  client: WebClient;
  store: Pick<Store, 'getProposal' | 'setProposalMessage' | 'listApprovers' | 'listAudit' | 'appendAudit'>;
  workflow: ApprovalWorkflow;
  azure: AzureEnvironment;
  logger: Logger;
  /** This process, as the holder of the executions it runs. */
  replicaId: string;
  policy: FixPolicy;
  /** APPROVERS as configured, for saying who may approve. */
  approverSetting: readonly string[];
  /** Told after every move of a proposal, once its message is redrawn (the approvers' App Homes). */
  onChange?: (proposal: Proposal) => Promise<void>;
}

/** A redraw re-reads the store after it drew; this many rounds settle any race between replicas. */
const REDRAW_ROUNDS = 5;

export class FixProposals {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly deps: FixProposalsDependencies) {}

  get(proposalId: string): Promise<Proposal | null> {
    return this.deps.store.getProposal(proposalId);
  }

  /**
   * Proposes the planned fix for `proposer` (from the signed payload) and posts it in the diagnosis thread,
   * broadcast so the channel sees who proposes what on which machine and why.
   */
  async propose(args: {
    request: Extract<FixRequest, { ok: true }>;
    plan: FixPlan;
    proposer: string;
    channel: string;
    threadTs: string;
  }): Promise<{ ok: true; proposal: Proposal } | { ok: false; message: string }> {
    const { request, plan, channel, threadTs } = args;
    const proposed = await this.deps.workflow.propose({
      vmId: request.vmId,
      vmName: request.vmName,
      fixId: request.fix.id,
      cause: request.finding.cause,
      params: plan.params,
      description: plan.description,
      proposer: args.proposer,
      channel,
      threadTs,
    });
    if (!proposed.ok) return { ok: false, message: proposed.message };
    const posted = await this.deps.client.chat.postMessage({
      channel,
      thread_ts: threadTs,
      reply_broadcast: true,
      ...proposalMessage(await this.view(proposed.proposal)),
    });
    const proposal = await this.deps.store.setProposalMessage(proposed.proposal.id, {
      channel,
      messageTs: posted.ts as string,
      threadTs,
    });
    this.deps.logger.info(
      {
        proposalId: proposed.proposal.id,
        fixId: request.fix.id,
        vm: request.vmName,
        proposer: args.proposer,
      },
      'fix proposed',
    );
    await this.deps.onChange?.(proposal ?? proposed.proposal);
    return { ok: true, proposal: proposal ?? proposed.proposal };
  }

  /**
   * Redraws the proposal message from the store. Replicas redraw the same message concurrently; each reads
   * again after it drew and draws once more if the proposal moved meanwhile, so the last drawing shows the
   * latest state; then whoever follows proposals elsewhere is told. Never throws: the message is only a
   * view of the store.
   */
  async refresh(proposalId: string): Promise<void> {
    await this.redrawMessage(proposalId);
    if (!this.deps.onChange) return;
    const proposal = await this.deps.store.getProposal(proposalId).catch(() => null);
    if (proposal) await this.deps.onChange(proposal);
  }

  private async redrawMessage(proposalId: string): Promise<void> {
    try {
      for (let round = 0; round < REDRAW_ROUNDS; round++) {
        const proposal = await this.deps.store.getProposal(proposalId);
        if (!proposal?.channel || !proposal.messageTs) return;
        const view = await this.view(proposal);
        await this.deps.client.chat.update({
          channel: proposal.channel,
          ts: proposal.messageTs,
          ...proposalMessage(view),
        });
        const [after, approvers] = await Promise.all([
          this.deps.store.getProposal(proposalId),
          this.deps.store.listApprovers(proposalId),
        ]);
        if (after?.version === proposal.version && approvers.length === view.approvedBy.length) return;
      }
    } catch (error) {
      this.deps.logger.warn({ err: error, proposalId }, 'redrawing the proposal message failed');
    }
  }

  /** Redraws proposals the housekeeping moved (expired, interrupted). */
  async redraw(proposals: readonly Proposal[]): Promise<void> {
    for (const proposal of proposals) await this.refresh(proposal.id);
  }

  /** An approval refused before the workflow could judge it (APPROVERS unreadable) still goes to the audit log. */
  async recordRefusedApproval(proposalId: string, user: string, detail: string): Promise<void> {
    const proposal = await this.deps.store.getProposal(proposalId);
    await this.deps.store.appendAudit({
      actor: user,
      action: 'approve-refused',
      proposalId,
      vmId: proposal?.vmId ?? null,
      fixId: proposal?.fixId ?? null,
      params: proposal?.params ?? null,
      detail,
    });
  }

  /** Runs the approved proposal in the background, if this replica wins its claim. */
  execute(proposalId: string): void {
    const run: Promise<void> = this.run(proposalId)
      .catch((error: unknown) =>
        this.deps.logger.error({ err: error, proposalId }, 'running an approved fix failed'),
      )
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }

  /** Resolves once every execution this process started has ended (tests, graceful shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  private async run(proposalId: string): Promise<void> {
    const run = await runApprovedFix(proposalId, {
      workflow: this.deps.workflow,
      store: this.deps.store,
      clients: this.deps.azure.clients,
      resolveHost: this.deps.azure.resolveHost,
      policy: this.deps.policy,
      holder: this.deps.replicaId,
      onState: () => this.refresh(proposalId),
    });
    // Someone else's click (or replica) holds the execution: it posts the outcome.
    if (!run.claimed) return;
    const { proposal, outcome, detail, correlationId } = run;
    this.deps.logger.info(
      {
        proposalId,
        fixId: proposal.fixId,
        vm: proposal.vmName,
        outcome,
        state: proposal.state,
        correlationId,
      },
      'fix finished',
    );
    // Proposals are made from a channel's fix button, so each knows its channel and thread.
    const channel = proposal.channel as string;
    const fixTitle = this.fixTitle(proposal);
    await this.deps.client.chat.postMessage({
      channel,
      ...(proposal.threadTs ? { thread_ts: proposal.threadTs } : {}),
      ...fixResultMessage({ proposal, fixTitle, detail, correlationId }),
    });
    if (run.secretForProposer) await this.handOverSecret(proposal, channel, run.secretForProposer);
  }

  /**
   * The generated password goes to the proposer alone, once, as an ephemeral message. Nothing else sees
   * it: on failure only Slack's error code is logged (the client's error object may quote the request).
   */
  private async handOverSecret(proposal: Proposal, channel: string, secret: string): Promise<void> {
    const userName = planOf(proposal).params.userName;
    try {
      await this.deps.client.chat.postEphemeral({
        channel,
        user: proposal.proposer,
        ...(proposal.threadTs ? { thread_ts: proposal.threadTs } : {}),
        ...secretMessage({
          vmName: proposal.vmName,
          userName: typeof userName === 'string' ? userName : null,
          secret,
        }),
      });
    } catch (error) {
      const slackError =
        (error as { data?: { error?: string } }).data?.error ??
        (error as { code?: string }).code ??
        'unknown error';
      this.deps.logger.error(
        { proposalId: proposal.id, slackError },
        'the new password could not be shown to the proposer',
      );
      await this.deps.client.chat.postMessage({
        channel,
        ...(proposal.threadTs ? { thread_ts: proposal.threadTs } : {}),
        ...errorMessage(
          `The new password could not be shown to ${proposal.proposer} (Slack answered ${slackError}), and rdp-doctor keeps ` +
            'no copy: propose the reset again to set another one.',
        ),
      });
    }
  }

  private fixTitle(proposal: Proposal): string {
    return fixById(proposal.fixId)?.title ?? proposal.fixId;
  }

  private async view(proposal: Proposal): Promise<ProposalView> {
    const [approvedBy, audit] = await Promise.all([
      this.deps.store.listApprovers(proposal.id),
      proposal.state === 'denied'
        ? this.deps.store.listAudit({ proposalId: proposal.id })
        : Promise.resolve([]),
    ]);
    const denial = [...audit].reverse().find((entry) => entry.action === 'denied');
    return {
      proposal,
      fixTitle: this.fixTitle(proposal),
      causeTitle: causes.find((cause) => cause.id === proposal.cause)?.title ?? proposal.cause,
      description: planOf(proposal).description,
      approvedBy,
      deniedBy: denial?.actor ?? null,
      approverSetting: this.deps.approverSetting,
    };
  }
}
