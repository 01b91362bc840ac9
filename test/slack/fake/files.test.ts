import { startFakeSlack, type FakeFile, type FakeSlack } from '@rdp-doctor/slack-fake';
import { clientFor, slackError } from './client';

// A 1×1 PNG, the size of a boot-diagnostics screenshot's smallest cousin.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

let fake: FakeSlack;

beforeEach(async () => {
  fake = await startFakeSlack();
});
afterEach(() => fake.stop());

describe('fake Slack files.uploadV2 path', () => {
  it('uploads a PNG end to end and serves it back from url_private and permalink', async () => {
    const uploaded: FakeFile[] = [];
    fake.on('file_uploaded', (f) => uploaded.push(f));
    const client = clientFor(fake);

    const result = await client.files.uploadV2({
      channel_id: 'C0INCIDENTS',
      thread_ts: '1700000000.000100',
      file: PNG,
      filename: 'boot-screenshot.png',
      title: 'Boot screenshot of myVm',
      alt_text: 'Windows is applying updates',
      initial_comment: 'Boot diagnostics for myVm',
    });

    // uploadV2 answers one files.completeUploadExternal result per channel/thread it shared to.
    const [completion] = (result as unknown as { files: Array<{ files: Array<Record<string, unknown>> }> })
      .files;
    const file = completion.files[0];
    expect(file).toMatchObject({
      id: expect.stringMatching(/^F/),
      name: 'boot-screenshot.png',
      title: 'Boot screenshot of myVm',
      mimetype: 'image/png',
      size: PNG.length,
      channels: ['C0INCIDENTS'],
    });
    for (const url of [file.url_private, file.permalink] as string[]) {
      expect(url.startsWith(fake.url.replace('/api/', ''))).toBe(true);
      const response = await fetch(url);
      expect(response.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await response.arrayBuffer())).toEqual(PNG);
    }
    expect(fake.calls.map((c) => c.method)).toEqual([
      'files.getUploadURLExternal',
      'files.completeUploadExternal',
    ]);
    expect(fake.messages).toEqual([
      expect.objectContaining({
        channel: 'C0INCIDENTS',
        thread_ts: '1700000000.000100',
        text: 'Boot diagnostics for myVm',
        files: [file.id],
      }),
    ]);
    expect(uploaded).toEqual([
      expect.objectContaining({ id: file.id, completed: true, alt_text: 'Windows is applying updates' }),
    ]);
  });

  it('refuses to complete an upload whose bytes never arrived', async () => {
    const client = clientFor(fake);
    const { file_id } = await client.files.getUploadURLExternal({ filename: 'x.png', length: 10 });
    const data = await slackError(
      client.files.completeUploadExternal({ files: [{ id: file_id! }], channel_id: 'C0INCIDENTS' }),
    );
    expect(data.error).toBe('file_not_found');
  });

  it('refuses an upload URL for an empty file', async () => {
    const data = await slackError(
      clientFor(fake).files.getUploadURLExternal({ filename: 'x.png', length: 0 }),
    );
    expect(data.error).toBe('missing_argument');
  });

  it('takes raw bytes at the upload URL, as a plain POST sends them', async () => {
    const client = clientFor(fake);
    const { upload_url, file_id } = await client.files.getUploadURLExternal({
      filename: 'x.png',
      length: PNG.length,
    });
    const response = await fetch(upload_url!, { method: 'POST', body: PNG });
    expect(await response.text()).toBe(`OK - ${PNG.length}`);
    await client.files.completeUploadExternal({ files: [{ id: file_id! }] });
    expect(fake.files[0]).toMatchObject({ completed: true, bytes: PNG });
  });
});
