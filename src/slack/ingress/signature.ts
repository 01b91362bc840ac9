import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

// Slack signs every request: `v0=` HMAC-SHA256 of `v0:<timestamp>:<body>` with the app's signing secret.
// Checked here, before anything is stored, so a stranger's request costs a hash and nothing else. Bolt
// refuses only old timestamps; a request stamped ahead of time would stay valid past the replay window,
// so both directions are refused.

export const TIMESTAMP_TOLERANCE_S = 5 * 60;

const SIGNATURE = /^v0=[0-9a-f]{64}$/;
const TIMESTAMP = /^\d{1,12}$/;

export type SignatureCheck = { ok: true; signature: string } | { ok: false; reason: string };

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
}

export function checkSlackSignature(args: {
  signingSecret: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  nowMs: number;
}): SignatureCheck {
  // An empty key would make every stranger's HMAC valid.
  if (args.signingSecret === '') return { ok: false, reason: 'no signing secret is configured' };
  const signature = header(args.headers, 'x-slack-signature');
  const timestamp = header(args.headers, 'x-slack-request-timestamp');
  if (signature === undefined) return { ok: false, reason: 'missing X-Slack-Signature' };
  if (!SIGNATURE.test(signature)) return { ok: false, reason: 'X-Slack-Signature is not v0=<64 hex digits>' };
  if (timestamp === undefined || !TIMESTAMP.test(timestamp)) {
    return { ok: false, reason: 'X-Slack-Request-Timestamp is missing or not a number of seconds' };
  }
  const skew = Number(timestamp) - Math.floor(args.nowMs / 1000);
  if (Math.abs(skew) > TIMESTAMP_TOLERANCE_S) {
    return {
      ok: false,
      reason: `X-Slack-Request-Timestamp is ${Math.abs(skew)} s in the ${skew > 0 ? 'future' : 'past'} (at most ${TIMESTAMP_TOLERANCE_S} s either way)`,
    };
  }
  const expected = createHmac('sha256', args.signingSecret)
    .update(`v0:${timestamp}:`)
    .update(args.body)
    .digest();
  const given = Buffer.from(signature.slice(3), 'hex');
  if (!timingSafeEqual(given, expected)) return { ok: false, reason: 'signature mismatch' };
  return { ok: true, signature };
}
