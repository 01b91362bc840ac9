import { RateLimiter } from '@rdp-doctor/slack-fake/rate-limits';
import { startFakeSlack, type FakeSlack } from '@rdp-doctor/slack-fake';
import { clientFor } from './client';

describe('RateLimiter', () => {
  it('lets a burst through per channel, then asks to wait until a token is back', () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 1, burst: 3 }, () => now);
    const burst = [1, 2, 3].map(() => limiter.check('chat.update', 'C1'));
    expect(burst).toEqual([undefined, undefined, undefined]);
    expect(limiter.check('chat.update', 'C1')).toBe(1);
    expect(limiter.check('chat.update', 'C2')).toBeUndefined();
    expect(limiter.check('chat.postMessage', 'C1')).toBeUndefined();
    now = 1000;
    expect(limiter.check('chat.update', 'C1')).toBeUndefined();
  });

  it('leaves other methods alone, and limits nothing without a rule', () => {
    const limiter = new RateLimiter({ perSecond: 1, burst: 1 }, () => 0);
    expect([1, 2].map(() => limiter.check('views.open', 'C1'))).toEqual([undefined, undefined]);
    const open = new RateLimiter(undefined, () => 0);
    expect([1, 2].map(() => open.check('chat.postMessage', 'C1'))).toEqual([undefined, undefined]);
  });

  it('forces a number of 429s for a method', () => {
    const limiter = new RateLimiter(undefined, () => 0);
    limiter.force('usergroups.users.list', 30, 2);
    const answers = [1, 2, 3].map(() => limiter.check('usergroups.users.list', undefined));
    expect(answers).toEqual([30, 30, undefined]);
  });
});

describe('fake Slack rate limiting', () => {
  let fake: FakeSlack;
  afterEach(() => {
    jest.restoreAllMocks();
    return fake.stop();
  });

  it('answers 429 ratelimited with Retry-After once a channel posts faster than Slack allows', async () => {
    // Frozen clock: on a slow machine a second could pass mid-test and refill the bucket.
    jest.spyOn(Date, 'now').mockReturnValue(1_700_000_000_000);
    fake = await startFakeSlack({ rateLimits: { perSecond: 1, burst: 2 } });
    const client = clientFor(fake, fake.botToken, { rejectRateLimitedCalls: true });
    const { ts } = await client.chat.postMessage({ channel: 'C0INCIDENTS', text: 'step 1' });
    await client.chat.update({ channel: 'C0INCIDENTS', ts: ts!, text: 'step 2' });
    await client.chat.update({ channel: 'C0INCIDENTS', ts: ts!, text: 'step 3' });

    await expect(
      client.chat.update({ channel: 'C0INCIDENTS', ts: ts!, text: 'step 4' }),
    ).rejects.toMatchObject({
      code: 'slack_webapi_rate_limited_error',
      retryAfter: 1,
    });
    const raw = await fetch(`${fake.url}chat.update`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${fake.botToken}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ channel: 'C0INCIDENTS', ts: ts!, text: 'step 5' }).toString(),
    });
    expect(raw.status).toBe(429);
    expect(raw.headers.get('retry-after')).toBe('1');
    expect(await raw.json()).toEqual({ ok: false, error: 'ratelimited' });
    expect(fake.messages[0].text).toBe('step 3');
  });

  it('forces ratelimited on request, with the given Retry-After', async () => {
    fake = await startFakeSlack();
    const client = clientFor(fake, fake.botToken, { rejectRateLimitedCalls: true });
    fake.forceRateLimit('chat.postMessage', 7);
    await expect(client.chat.postMessage({ channel: 'C0INCIDENTS', text: 'x' })).rejects.toMatchObject({
      retryAfter: 7,
    });
    await expect(client.chat.postMessage({ channel: 'C0INCIDENTS', text: 'x' })).resolves.toMatchObject({
      ok: true,
    });
  });
});
