import type { WebClient } from '@slack/web-api';
import { proposalsAwaiting } from '../approvals/awaiting';
import { isAllowed } from '../approvals/workflow';
import { causes } from '../diagnosis/causes';
import { fixById } from '../fixes';
import type { Logger } from '../logger';
import type { Proposal, Store } from '../store';
import type { ApproverDirectory } from './approvers';
import { homeView } from './blocks/home';

// The App Home tab of each person: published when they open it, and again whenever a proposal they
// could approve moves, so a tab left open never offers a button for a proposal that is gone.

const RECENT_DIAGNOSES = 10;
/** Who opened their Home within this long gets it redrawn when a proposal moves. */
const VIEWER_TTL_MS = 24 * 3_600_000;
/** Store marker of a person who opened their Home: shared by replicas, expires on its own. */
const VIEWER_PREFIX = 'home-viewer:';

export interface AppHomeDependencies {
  client: WebClient;
  store: Pick<
    Store,
    | 'listProposalsInState'
    | 'listApprovers'
    | 'listRecentDiagnoses'
    | 'listSubscriptions'
    | 'acquireLease'
    | 'listLeases'
  >;
  logger: Logger;
  /** Who may approve, as the approve button asks it. */
  approvers: Pick<ApproverDirectory, 'resolve'>;
  now?: () => Date;
}

export class AppHome {
  constructor(private readonly deps: AppHomeDependencies) {}

  /** `user` opened the Home tab: draw it, and remember them for later redraws. */
  async opened(user: string): Promise<void> {
    await this.deps.store
      .acquireLease(`${VIEWER_PREFIX}${user}`, user, VIEWER_TTL_MS)
      .catch((error: unknown) =>
        this.deps.logger.warn({ err: error, user }, 'remembering a Home viewer failed'),
      );
    await this.publish(user);
  }

  /** Draws `user`'s Home from the store; `notice` answers their last click there. Never throws. */
  async publish(user: string, notice?: string): Promise<void> {
    try {
      const now = this.deps.now?.() ?? new Date();
      const approvers = await this.deps.approvers.resolve();
      const judged = approvers.ok && approvers.policy !== 'unset' ? approvers.policy : null;
      const [awaiting, diagnoses, subscriptions] = await Promise.all([
        judged ? proposalsAwaiting(this.deps.store, user, judged, now) : null,
        this.deps.store.listRecentDiagnoses(user, RECENT_DIAGNOSES),
        this.deps.store.listSubscriptions(),
      ]);
      await this.deps.client.views.publish({
        user_id: user,
        view: homeView({
          awaiting: awaiting?.map((proposal) => this.describe(proposal)) ?? null,
          approversProblem: !approvers.ok
            ? 'Slack did not say who is in the approver group, so no proposal can be approved right now. ' +
              'Ask an admin to check APPROVERS and the usergroups:read scope.'
            : approvers.policy === 'unset'
              ? 'Nobody may approve fixes until an admin sets APPROVERS (Slack user or user group ids, or * for ' +
                'any member other than the proposer).'
              : undefined,
          diagnoses,
          subscriptions,
          notice,
        }),
      });
    } catch (error) {
      this.deps.logger.warn({ err: error, user }, 'publishing the App Home failed');
    }
  }

  /**
   * A proposal moved: redraw the Home of everyone who opened theirs lately and could approve it (whose
   * "waiting for you" list it joins or leaves). Never throws.
   */
  async proposalChanged(proposal: Proposal): Promise<void> {
    try {
      const now = (this.deps.now?.() ?? new Date()).getTime();
      const viewers = (await this.deps.store.listLeases(VIEWER_PREFIX))
        .filter((lease) => Date.parse(lease.expiresAt) > now && lease.holder !== proposal.proposer)
        .map((lease) => lease.holder);
      if (viewers.length === 0) return;
      const approvers = await this.deps.approvers.resolve();
      const concerned = approvers.ok ? viewers.filter((user) => isAllowed(approvers.policy, user)) : viewers;
      for (const user of concerned) await this.publish(user);
    } catch (error) {
      this.deps.logger.warn({ err: error, proposalId: proposal.id }, 'redrawing App Homes failed');
    }
  }

  private describe(proposal: Proposal) {
    return {
      proposal,
      fixTitle: fixById(proposal.fixId)?.title ?? proposal.fixId,
      causeTitle: causes.find((cause) => cause.id === proposal.cause)?.title ?? proposal.cause,
    };
  }
}
