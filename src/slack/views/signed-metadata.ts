import { createHmac, timingSafeEqual } from 'node:crypto';

// A modal's private_metadata comes back in the submission as the client sends it: whoever forges the
// submission writes it. What the server put there is signed with a key only the app holds, so a changed
// or invented context is refused instead of trusted.

/** The key modal contexts are signed with, derived from the app's own secret (the same on every replica). */
export function metadataKey(appSecret: string): Buffer {
  return createHmac('sha256', appSecret).update('rdp-doctor modal metadata v1').digest();
}

function mac(key: Buffer, payload: string): string {
  return createHmac('sha256', key).update(payload).digest('base64url');
}

export function signMetadata(key: Buffer, value: unknown): string {
  const payload = Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${payload}.${mac(key, payload)}`;
}

/** The signed value, or null when the text was not signed by this app's key or does not parse. */
export function readSignedMetadata(key: Buffer, text: string): unknown {
  const [payload, signature, ...rest] = text.split('.');
  if (!payload || !signature || rest.length) return null;
  const expected = Buffer.from(mac(key, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
  } catch {
    return null;
  }
}
