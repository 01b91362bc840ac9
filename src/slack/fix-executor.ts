import type { WebClient } from '@slack/web-api';
import { fixTitleOf } from '../approvals/proposal-service';
import { planOf, recheckInterrupted, runApprovedFix } from '../approvals/run-fix';
import type { ApprovalWorkflow } from '../approvals/workflow';
import type { AzureEnvironment } from '../environment';
import type { FixPolicy } from '../fixes/fix';
import type { Logger } from '../logger';
import type { Proposal, Store } from '../store';
import { errorMessage } from './blocks/diagnosis';
import { fixResultMessage, interruptedMessage, secretMessage } from './blocks/proposal';
import type { ProposalMessages } from './proposal-messages';
import { redrawResolvedDiagnosis, type ResolvedDiagnosisDependencies } from './resolved-diagnosis';

// Approved fixes, run in the background of the click that approved them: the result goes to the
// diagnosis thread, a generated password to the proposer alone. An execution whose process died (or lost
// the database) gets what is known instead: its cause checked again, posted in the same thread.

export interface FixExecutorDependencies {
  client: WebClient;
  store: Pick<Store, 'listApprovers'>;
  workflow: ApprovalWorkflow;
  azure: AzureEnvironment;
  logger: Logger;
  /** This process, as the holder of the executions it runs. */
  replicaId: string;
  policy: FixPolicy;
  /** Redrawn as the execution moves the proposal. */
  messages: ProposalMessages;
  /** The diagnosis a verified fix came from is redrawn with the cause resolved. */
  resolved: Omit<ResolvedDiagnosisDependencies, 'client' | 'logger'>;
}

export class FixExecutor {
  private readonly running = new Set<Promise<void>>();
  /** Re-checks this process is doing now: a sweep that claims one again does not start it twice. */
  private readonly rechecking = new Set<string>();

  constructor(private readonly deps: FixExecutorDependencies) {}

  /** Runs the approved proposal in the background, if this replica wins its claim. */
  execute(proposalId: string): void {
    const run: Promise<void> = this.run(proposalId)
      .catch((error: unknown) =>
        this.deps.logger.error({ err: error, proposalId }, 'running an approved fix failed'),
      )
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }

  /**
   * Re-checks the cause of every interrupted execution this replica owns (see ApprovalWorkflow.claimRechecks)
   * and posts what is known in its thread. Resolves once they are reported; `idle` waits for them too.
   */
  async reportInterruptions(): Promise<void> {
    const claimed = await this.deps.workflow.claimRechecks(this.deps.replicaId);
    const reports = claimed
      .filter((proposal) => !this.rechecking.has(proposal.id))
      .map((proposal) => {
        this.rechecking.add(proposal.id);
        const report: Promise<void> = this.reportInterruption(proposal)
          .catch((error: unknown) =>
            this.deps.logger.error(
              { err: error, proposalId: proposal.id },
              'reporting an interrupted fix failed; another sweep will try again',
            ),
          )
          .finally(() => {
            this.rechecking.delete(proposal.id);
            this.running.delete(report);
          });
        this.running.add(report);
        return report;
      });
    await Promise.all(reports);
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
      timeouts: this.deps.azure.timeouts,
      policy: this.deps.policy,
      holder: this.deps.replicaId,
      onState: () => this.deps.messages.refresh(proposalId),
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
    await this.deps.client.chat.postMessage({
      channel,
      ...(proposal.threadTs ? { thread_ts: proposal.threadTs } : {}),
      ...fixResultMessage({ proposal, fixTitle: fixTitleOf(proposal), detail, correlationId }),
    });
    if (run.secretForProposer) await this.handOverSecret(proposal, channel, run.secretForProposer);
    await redrawResolvedDiagnosis(
      { ...this.deps.resolved, client: this.deps.client, logger: this.deps.logger },
      proposal,
    );
  }

  /**
   * The fix may or may not have run: its cause's check, on fresh facts, says whether the cause is there now.
   * Posted before it is recorded, so a process dying in between repeats the message rather than losing it.
   */
  private async reportInterruption(proposal: Proposal): Promise<void> {
    const recheck = await recheckInterrupted(proposal, {
      clients: this.deps.azure.clients,
      resolveHost: this.deps.azure.resolveHost,
      timeouts: this.deps.azure.timeouts,
    });
    if (proposal.channel) {
      await this.deps.client.chat.postMessage({
        channel: proposal.channel,
        ...(proposal.threadTs ? { thread_ts: proposal.threadTs } : {}),
        ...interruptedMessage({ proposal, fixTitle: fixTitleOf(proposal), recheck }),
      });
    }
    await this.deps.workflow.recordRecheck(
      proposal,
      this.deps.replicaId,
      `${recheck.verdict}: ${recheck.summary}`,
    );
    this.deps.logger.info(
      { proposalId: proposal.id, fixId: proposal.fixId, vm: proposal.vmName, cause: recheck.verdict },
      'interrupted fix re-checked',
    );
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
}
