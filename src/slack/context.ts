import type { Config } from '../config';
import type { Logger } from '../logger';
import type { SlackMessage } from './blocks/types';
import type { DiagnosisRunner, DiagnosisService } from './diagnosis-runner';

/** Everything a listener may use, handed down explicitly from the composition root. */
export interface SlackContext {
  config: Config;
  logger: Logger;
  service: DiagnosisService;
  runner: DiagnosisRunner;
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
