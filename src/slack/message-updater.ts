import type { WebClient } from '@slack/web-api';
import type { Logger } from '../logger';
import type { SlackMessage } from './blocks/types';

/**
 * Keeps one channel message in step with a changing state without tripping Slack's rate limits: one
 * `chat.update` in flight at a time, at most one per interval, and only the latest state is sent (states
 * pushed while an update is in flight replace each other). The WebClient itself waits out `Retry-After`
 * on a `ratelimited` answer before retrying.
 */
export class MessageUpdater {
  private latest: SlackMessage | null = null;
  private running: Promise<void> | null = null;
  private lastSentAt = 0;

  constructor(
    private readonly client: WebClient,
    private readonly channel: string,
    private readonly ts: string,
    private readonly logger: Logger,
    private readonly minIntervalMs = 1000,
  ) {}

  push(message: SlackMessage): void {
    this.latest = message;
    this.running ??= this.drain().finally(() => {
      this.running = null;
    });
  }

  /** Resolves once the latest pushed state has reached Slack (or failed to). */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    while (this.latest) {
      const wait = this.lastSentAt + this.minIntervalMs - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const message = this.latest;
      this.latest = null;
      try {
        await this.client.chat.update({
          channel: this.channel,
          ts: this.ts,
          text: message.text,
          blocks: message.blocks,
        });
      } catch (error) {
        this.logger.warn({ err: error, channel: this.channel, ts: this.ts }, 'chat.update failed');
      }
      this.lastSentAt = Date.now();
    }
  }
}
