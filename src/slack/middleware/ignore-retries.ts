import type { AnyMiddlewareArgs, AllMiddlewareArgs } from '@slack/bolt';

/**
 * Slack retries a request it thinks failed (`X-Slack-Retry-Num`); the first delivery already started
 * the work, so a retry is acknowledged and dropped: a retry never starts a second run.
 */
export async function ignoreSlackRetries(args: AnyMiddlewareArgs & AllMiddlewareArgs): Promise<void> {
  if (args.context.retryNum) {
    if ('ack' in args && typeof args.ack === 'function') await args.ack();
    args.logger.info(
      `dropped Slack retry #${args.context.retryNum} (${args.context.retryReason ?? 'no reason given'})`,
    );
    return;
  }
  await args.next();
}
