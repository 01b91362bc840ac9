import { Writable } from 'node:stream';
import { CENSOR, scrubLogLine } from '../../src/log-redaction';
import { createLogger, neverLog } from '../../src/logger';

// Secrets are cut from finished log lines: by key at any depth and inside text that embeds JSON or form
// fields, and by value wherever a known secret appears, whichever logger wrote the line.

function line(entry: object): string {
  return `${JSON.stringify(entry)}\n`;
}

describe('scrubLogLine', () => {
  it.each([
    ['a secret-named key at any depth', { a: { b: { c: { adminPassword: 'hunter2hunter2' } } } }],
    ['a token in an array', { calls: [{ accessToken: 'eyJhbGciOi.x.y' }] }],
    ['JSON embedded in the message', { msg: 'body: {"protectedSettings":{"Password":"hunter2hunter2"}}' }],
    ['a form field in the message', { msg: 'sent user=bob&password=hunter2hunter2&x=1' }],
  ])('cuts %s', (_what, entry) => {
    const scrubbed = scrubLogLine(line(entry), []);
    expect(scrubbed).not.toMatch(/hunter2hunter2|eyJhbGciOi/);
    expect(scrubbed).toContain(CENSOR);
    expect(scrubbed.endsWith('\n')).toBe(true);
  });

  it('cuts a known secret value wherever it appears, also URL-encoded, and leaves other text alone', () => {
    const secret = 'Xp=#dC^uURd=u4ryyKW!ds7j';
    const scrubbed = scrubLogLine(
      line({
        msg: `new password ${secret}`,
        err: { stack: `at ${encodeURIComponent(secret)}` },
        vm: 'web-01',
      }),
      [secret],
    );
    expect(scrubbed).not.toContain(secret);
    expect(scrubbed).not.toContain(encodeURIComponent(secret));
    expect(JSON.parse(scrubbed)).toMatchObject({ vm: 'web-01', msg: `new password ${CENSOR}` });
  });
});

test('a logger cuts a secret registered after it was made, at every level', () => {
  const lines: string[] = [];
  const out = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
  const logger = createLogger('trace', out);
  const secret = 'registered-later-0123456789';
  neverLog(secret);
  logger.child({ component: 'bolt' }).trace(`http request body: {"text":"${secret}"}`);
  logger.debug({ detail: { nested: secret } }, 'debug');
  logger.error(new Error(`failed with ${secret}`));
  expect(lines).toHaveLength(3);
  expect(lines.join('')).not.toContain(secret);
});
