import type { ProposalService, SnapshotSource } from '../approvals/proposal-service';
import type { ApprovalWorkflow } from '../approvals/workflow';
import type { Config } from '../config';
import type { VmIdentity } from '../diagnosis/facts';
import type { FixPolicy } from '../fixes/fix';
import type { Logger } from '../logger';
import type { ApproverDirectory } from './approvers';
import type { RiskListValue } from './blocks/digest-buttons';
import type { SlackMessage } from './blocks/types';
import type { DiagnosisRunner, DiagnosisService } from './diagnosis-runner';
import type { FixExecutor } from './fix-executor';
import type { AppHome } from './home';
import type { ProposalMessages } from './proposal-messages';
import type { WatchCommands } from './watches';

/** Everything a listener may use, handed down explicitly from the composition root. */
export interface SlackContext {
  config: Config;
  logger: Logger;
  service: DiagnosisService;
  runner: DiagnosisRunner;
  /** Every VM the identity can read: what a bare name in a message is checked against. */
  visibleVms(): Promise<VmIdentity[]>;
  /** Each person's App Home tab. */
  home: AppHome;
  /** Finished runs, by run id: what fix buttons and the symptom picker act on. */
  snapshots: SnapshotSource;
  /** Who may approve at the moment of a click (APPROVERS, user groups read fresh from Slack). */
  approvers: Pick<ApproverDirectory, 'resolve'>;
  /** The two-person rule over the store: every approve and deny goes through it. */
  workflow: ApprovalWorkflow;
  /** The guards' settings (NSG_MAX_PREFIX) every fix plan and execution applies. */
  fixPolicy: FixPolicy;
  /** Load, plan and propose fixes; describe proposals. */
  proposals: ProposalService;
  /** The proposal messages in the diagnosis threads. */
  proposalMessages: ProposalMessages;
  /** Signs the context a modal carries (private_metadata), so a forged submission cannot choose it. */
  metadataKey: Buffer;
  /** Approved fixes, run in the background. */
  executor: FixExecutor;
  audit: { show(args: { target: string; respond: (message: SlackMessage) => Promise<void> }): Promise<void> };
  watches: WatchCommands;
  digests: {
    command(args: {
      action: 'add' | 'list' | 'remove' | 'run';
      args: string[];
      channel: string;
      user: string;
      respond: (message: SlackMessage) => Promise<void>;
    }): Promise<void>;
    /** What a digest's list button shows: a risk's machines in this channel's latest digest. */
    riskList(value: RiskListValue, channel: string): Promise<SlackMessage>;
  };
}
