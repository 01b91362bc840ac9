import { App, LogLevel } from '@slack/bolt';
import { startFakeSlack, type FakeSlack } from '@rdp-doctor/slack-fake';

let fake: FakeSlack;

beforeEach(async () => {
  fake = await startFakeSlack();
});
afterEach(() => fake.stop());

describe('Bolt pointed at the fake Slack', () => {
  it('verifies its token with auth.test and posts through app.client', async () => {
    const app = new App({
      token: fake.botToken,
      signingSecret: 'fake-signing-secret',
      clientOptions: { slackApiUrl: fake.url },
      logLevel: LogLevel.ERROR,
    });

    await app.client.chat.postMessage({ channel: 'C0INCIDENTS', text: 'rdp-doctor is up' });

    // Bolt sends auth.test from its constructor without a promise to await; wait until it arrives.
    for (let i = 0; i < 100 && !fake.calls.some((c) => c.method === 'auth.test'); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(fake.calls.map((c) => c.method).sort()).toEqual(['auth.test', 'chat.postMessage']);
    expect(fake.messages[0]).toMatchObject({ channel: 'C0INCIDENTS', text: 'rdp-doctor is up' });
  });
});
