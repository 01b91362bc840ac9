// Slack's posting limit: about one message per second per channel, short bursts tolerated
// (https://docs.slack.dev/apis/web-api/rate-limits). Emulated as a token bucket per method and channel
// for chat.postMessage and chat.update, the two calls the app repeats while a diagnosis runs.

export interface RateLimitRule {
  /** Tokens added per second (Slack: 1). */
  perSecond: number;
  /** Bucket size: how many calls a burst may make at once. */
  burst: number;
}

export const SLACK_POSTING_LIMIT: RateLimitRule = { perSecond: 1, burst: 3 };

const LIMITED_METHODS = new Set(['chat.postMessage', 'chat.update']);

interface Bucket {
  tokens: number;
  at: number;
}

interface Forced {
  retryAfter: number;
  remaining: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly forced = new Map<string, Forced>();

  constructor(
    private readonly rule: RateLimitRule | undefined,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Makes the next `times` calls of `method` answer 429 with `Retry-After: retryAfter`, limits on or off. */
  force(method: string, retryAfter: number, times: number): void {
    this.forced.set(method, { retryAfter, remaining: times });
  }

  /** Seconds the caller must wait, or undefined when the call may go through (and then it spends a token). */
  check(method: string, channel: string | undefined): number | undefined {
    const forced = this.forced.get(method);
    if (forced) {
      forced.remaining -= 1;
      if (forced.remaining <= 0) this.forced.delete(method);
      return forced.retryAfter;
    }
    if (!this.rule || !LIMITED_METHODS.has(method) || channel === undefined) return undefined;
    const key = `${method} ${channel}`;
    const now = this.now();
    const previous = this.buckets.get(key) ?? { tokens: this.rule.burst, at: now };
    const tokens = Math.min(
      this.rule.burst,
      previous.tokens + ((now - previous.at) / 1000) * this.rule.perSecond,
    );
    if (tokens < 1) {
      this.buckets.set(key, { tokens, at: now });
      return Math.max(1, Math.ceil((1 - tokens) / this.rule.perSecond));
    }
    this.buckets.set(key, { tokens: tokens - 1, at: now });
    return undefined;
  }
}
