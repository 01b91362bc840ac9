// The real @slack/web-api client pointed at the fake, quiet, and without retries so errors surface at once.
import { LogLevel, WebClient, type Logger, type WebClientOptions } from '@slack/web-api';
import type { FakeSlack } from '@rdp-doctor/slack-fake';

const silent: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

/** `token: null` sends no token at all. */
export function clientFor(
  fake: FakeSlack,
  token: string | null = fake.botToken,
  options: WebClientOptions = {},
) {
  return new WebClient(token ?? undefined, {
    slackApiUrl: fake.url,
    retryConfig: { retries: 0 },
    logger: silent,
    ...options,
  });
}

/** The `data` of the WebAPIPlatformError a call rejects with: Slack's `{ ok: false, error, … }` body. */
export async function slackError(call: Promise<unknown>): Promise<Record<string, unknown>> {
  const error = await call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e as { code?: string; data?: Record<string, unknown> },
  );
  expect(error.code).toBe('slack_webapi_platform_error');
  return error.data ?? {};
}
