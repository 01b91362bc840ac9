import type { WebClient } from '@slack/web-api';
import type { FixRequest, ProposalService } from '../approvals/proposal-service';
import type { Proposed, Refusal } from '../approvals/workflow';
import type { ApproverSetting } from '../config';
import type { FixPlan } from '../fixes/fix';
import type { Logger } from '../logger';
import type { Proposal, Store } from '../store';
import { proposalMessage, type ProposalView } from './blocks/proposal';

// The proposal's message in the diagnosis thread: posted when it is proposed, and redrawn from the store
// whenever the proposal moves, whichever replica moved it; then whoever follows proposals elsewhere (the
// approvers' App Homes) is told.

/** A redraw re-reads the store after it drew; this many rounds settle any race between replicas. */
const REDRAW_ROUNDS = 5;

export class ProposalMessages {
  constructor(
    private readonly deps: {
      client: WebClient;
      store: Pick<Store, 'getProposal' | 'setProposalMessage' | 'listApprovers'>;
      proposals: ProposalService;
      logger: Logger;
      /** APPROVERS as configured, for saying who may approve. */
      approverSetting: ApproverSetting;
      /** Told after every move of a proposal, once its message is redrawn. Never throws. */
      onChange?: (proposal: Proposal) => Promise<void>;
    },
  ) {}

  /**
   * Proposes the planned fix for `proposer` (from the signed payload) and posts it in the diagnosis thread
   * (as the store has it), broadcast so the channel sees who proposes what on which machine and why.
   */
  async propose(args: {
    request: Extract<FixRequest, { ok: true }>;
    plan: FixPlan;
    proposer: string;
  }): Promise<Proposed | Refusal> {
    const { request } = args;
    const { channel, messageTs: threadTs } = request.diagnosis;
    // Fix buttons are drawn only under diagnoses posted in a channel, which the store records.
    if (!channel || !threadTs) throw new Error(`the diagnosis of ${request.vmName} has no message on record`);
    const proposed = await this.deps.proposals.propose({
      request,
      plan: args.plan,
      proposer: args.proposer,
      message: { channel, threadTs },
    });
    if (!proposed.ok) return proposed;
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
   * Records the message a signed Approve or Deny click came from as the proposal's own, when the store has
   * none: a replica that died between posting the proposal and recording its message left it so, and
   * without it no replica could redraw the message or say how the fix ended. Only a message in the
   * proposal's own thread counts. Never throws: the click goes on either way.
   */
  async adoptClickedMessage(
    proposalId: string,
    clicked: { channel?: string; messageTs?: string; threadTs?: string },
  ): Promise<void> {
    if (!clicked.channel || !clicked.messageTs) return;
    try {
      const proposal = await this.deps.store.getProposal(proposalId);
      if (!proposal || proposal.messageTs || !proposal.threadTs) return;
      if (proposal.channel !== clicked.channel || proposal.threadTs !== clicked.threadTs) return;
      await this.deps.store.setProposalMessage(proposalId, {
        channel: clicked.channel,
        messageTs: clicked.messageTs,
        threadTs: proposal.threadTs,
      });
      this.deps.logger.info({ proposalId }, 'proposal message recorded from a click on it');
    } catch (error) {
      this.deps.logger.warn({ err: error, proposalId }, 'recording the clicked proposal message failed');
    }
  }

  /**
   * Redraws the proposal message from the store. Replicas redraw the same message concurrently; each reads
   * again after it drew and draws once more if the proposal moved meanwhile, so the last drawing shows the
   * latest state; then `onChange` hears of it. Never throws: the message is only a view of the store.
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

  private async view(proposal: Proposal): Promise<ProposalView> {
    return {
      ...(await this.deps.proposals.describe(proposal)),
      approverSetting: this.deps.approverSetting,
    };
  }
}
