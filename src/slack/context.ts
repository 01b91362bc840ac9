import type { ApprovalWorkflow } from '../approvals/workflow';
import type { Config } from '../config';
import type { Facts, VmIdentity } from '../diagnosis/facts';
import type { Report } from '../diagnosis/report';
import type { FixPolicy } from '../fixes/fix';
import type { Logger } from '../logger';
import type { SlackMessage } from './blocks/types';
import type { DiagnosisRunner, DiagnosisService } from './diagnosis-runner';
import type { AppHome } from './home';
import type { FixProposals } from './proposals';

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
  snapshots: {
    get(runId: string): Promise<{ report: Report; facts: Facts | null; requestedBy: string[] } | null>;
  };
  /** The two-person rule over the store: every approve and deny goes through it. */
  workflow: ApprovalWorkflow;
  /** The guards' settings (NSG_MAX_PREFIX) every fix plan and execution applies. */
  fixPolicy: FixPolicy;
  /** Proposal messages and approved executions. */
  proposals: FixProposals;
  audit: { show(args: { target: string; respond: (message: SlackMessage) => Promise<void> }): Promise<void> };
  digests: {
    command(args: {
      action: 'add' | 'list' | 'remove' | 'run';
      args: string[];
      channel: string;
      user: string;
      respond: (message: SlackMessage) => Promise<void>;
    }): Promise<void>;
  };
}
