import { BlockKitRenderer, UNSUPPORTED } from '@rdp-doctor/local-workspace/render/block-kit';
import { messageBodyHtml, modalHtml } from '@rdp-doctor/local-workspace/render/surfaces';
import type { FakeFile, FakeView } from '@rdp-doctor/slack-fake';

// The page's Block Kit renderer on its own: what each block and mrkdwn construct becomes, that text from
// the app never becomes markup, and that what it cannot draw stays visible.

const renderer = new BlockKitRenderer({
  users: { U0ALICE: 'Alice' },
  channels: { C0INCIDENTS: 'incidents' },
});
const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('mrkdwn', () => {
  it.each([
    ['bold', '*DenyRdpAll*', '<span class="slack_bold">DenyRdpAll</span>'],
    ['italics', '_What to do:_', '<span class="slack_italics">What to do:</span>'],
    ['strike', '~old~', '<span class="slack_strikethrough">old</span>'],
    ['inline code', '`nsg-denies-rdp`', '<span class="slack_code"><code>nsg-denies-rdp</code></span>'],
    ['a code block', '```az vm show -g rg```', '<div class="slack_code"><code>az vm show -g rg</code></div>'],
    ['a link', '<https://learn.microsoft.com/azure|the docs>', 'href="https://learn.microsoft.com/azure"'],
    ['a mention by name', 'asked by <@U0ALICE>', '<span class="user-mention">@Alice</span>'],
    ['a channel by name', 'in <#C0INCIDENTS>', '#incidents'],
    ['an emoji shortcode', ':white_check_mark: Done', '&#x2705;'],
    ['escaped control characters as text', '/rdp &lt;vm&gt; &amp; more', '/rdp &lt;vm&gt; &amp; more'],
  ])('draws %s', (_name, text, html) => {
    expect(renderer.blocks([section(text)])).toContain(html);
  });

  it('never lets text become markup or a script link', () => {
    const html = renderer.blocks([
      section('<script>alert(1)</script> <javascript:alert(1)|click>'),
      { type: 'header', text: { type: 'plain_text', text: '<img src=x onerror=alert(1)>' } },
      { type: 'image', image_url: 'javascript:alert(1)', alt_text: '"><b>x' },
    ]);
    expect(html).not.toMatch(/<script|<img src=x|href="javascript|<b>x/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});

describe('blocks', () => {
  it('draws header, section with fields and a button accessory, context, divider and image', () => {
    const html = renderer.blocks([
      { type: 'header', text: { type: 'plain_text', text: ':stethoscope: vm-web-01', emoji: true } },
      {
        type: 'section',
        block_id: 'pick-0',
        fields: [
          { type: 'mrkdwn', text: '*Layer*' },
          { type: 'plain_text', text: 'network' },
        ],
        accessory: {
          type: 'button',
          action_id: 'pick-vm',
          value: 'x',
          text: { type: 'plain_text', text: 'Diagnose' },
        },
      },
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: 'Run `1`' },
          { type: 'image', image_url: 'https://x.test/a.png', alt_text: 'icon' },
        ],
      },
      { type: 'divider' },
      {
        type: 'image',
        image_url: 'https://x.test/b.png',
        alt_text: 'boot screen',
        title: { type: 'plain_text', text: 'Screen' },
      },
    ]);
    expect(html).toContain(
      '<div class="bk-header"><span title=":stethoscope:">&#x1FA7A;</span> vm-web-01</div>',
    );
    expect(html).toContain('<div class="bk-fields">');
    expect(html).toContain('data-block-id="pick-0" data-action-id="pick-vm"');
    expect(html).toContain('<hr class="bk-divider">');
    expect(html).toContain('src="https://x.test/b.png" alt="boot screen"');
    expect(html).not.toContain(UNSUPPORTED);
  });

  it('draws buttons with their style and confirm dialog, and a static select with its options', () => {
    const html = renderer.blocks([
      {
        type: 'actions',
        block_id: 'proposal-actions',
        elements: [
          {
            type: 'button',
            action_id: 'approve-fix',
            style: 'primary',
            value: 'p1',
            text: { type: 'plain_text', text: 'Approve and run' },
          },
          {
            type: 'button',
            action_id: 'deny-fix',
            style: 'danger',
            value: 'p1',
            text: { type: 'plain_text', text: 'Deny' },
            confirm: {
              title: { type: 'plain_text', text: 'Deny this fix?' },
              text: { type: 'plain_text', text: 'It will not run <b>' },
              confirm: { type: 'plain_text', text: 'Deny' },
              deny: { type: 'plain_text', text: 'Keep it' },
              style: 'danger',
            },
          },
        ],
      },
      {
        type: 'section',
        block_id: 'symptom:run-1',
        text: { type: 'mrkdwn', text: '*What did the client show?*' },
        accessory: {
          type: 'static_select',
          action_id: 'symptom:select',
          placeholder: { type: 'plain_text', text: 'Pick one' },
          options: [{ text: { type: 'plain_text', text: 'timeout: hangs' }, value: 'timeout' }],
        },
      },
    ]);
    expect(html).toContain(
      'class="bk-button bk-action bk-primary" data-block-id="proposal-actions" data-action-id="approve-fix"',
    );
    expect(html).toContain('bk-danger');
    const confirm = /data-confirm="([^"]*)"/
      .exec(html)![1]
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&');
    expect(JSON.parse(confirm)).toEqual({
      title: 'Deny this fix?',
      html: 'It will not run &lt;b&gt;',
      confirm: 'Deny',
      deny: 'Keep it',
      style: 'danger',
    });
    expect(html).toContain(
      '<select class="bk-select bk-action" data-block-id="symptom:run-1" data-action-id="symptom:select">',
    );
    expect(html).toContain('<option value="timeout">timeout: hangs</option>');
  });

  it('draws rich text: sections, lists, code, quotes, links, mentions and emoji', () => {
    const html = renderer.blocks([
      {
        type: 'rich_text',
        elements: [
          {
            type: 'rich_text_section',
            elements: [
              { type: 'text', text: 'Ask ', style: { bold: true } },
              { type: 'user', user_id: 'U0ALICE' },
              { type: 'emoji', name: 'wave' },
              { type: 'link', url: 'https://x.test', text: 'docs' },
            ],
          },
          {
            type: 'rich_text_list',
            style: 'ordered',
            elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: 'one' }] }],
          },
          { type: 'rich_text_preformatted', elements: [{ type: 'text', text: 'az vm list' }] },
          { type: 'rich_text_quote', elements: [{ type: 'text', text: 'quoted' }] },
        ],
      },
    ]);
    expect(html).toContain('<b>Ask </b><span class="user-mention">@Alice</span>');
    expect(html).toContain('&#x1F44B;');
    expect(html).toContain('<ol class="bk-rt-list bk-indent-0"><li>');
    expect(html).toContain('<pre class="bk-rt-pre">az vm list</pre>');
    expect(html).toContain('<blockquote class="bk-rt-quote">quoted</blockquote>');
    expect(html).not.toContain(UNSUPPORTED);
  });

  it('shows a block or element it cannot draw as a visible placeholder that names its type', () => {
    const html = renderer.blocks([
      { type: 'video', title: { type: 'plain_text', text: 'x' } },
      { type: 'actions', elements: [{ type: 'datepicker', action_id: 'when' }] },
      { type: '<b>odd</b>' },
    ]);
    expect(html).toContain('unsupported block: video');
    expect(html).toContain('unsupported element: datepicker');
    expect(html).toContain('unsupported block: &lt;b&gt;odd&lt;/b&gt;');
  });
});

describe('surfaces', () => {
  it('draws the text when a message has no blocks, and an uploaded image from this server', () => {
    const file = {
      id: 'F0000000001',
      name: 'boot.png',
      title: 'Boot screenshot',
      mimetype: 'image/png',
      alt_text: 'The console',
    } as FakeFile;
    const html = messageBodyHtml(renderer, { text: '*Screenshot* of <@U0ALICE>', files: [file] });
    expect(html).toContain('<span class="slack_bold">Screenshot</span>');
    expect(html).toContain('<img src="/local/files/F0000000001" alt="The console">');
  });

  it('draws a modal with its inputs pre-filled, a required field and an optional one', () => {
    const view = {
      id: 'V1',
      view: {
        type: 'modal',
        callback_id: 'fix-params',
        title: { type: 'plain_text', text: 'Propose a fix' },
        submit: { type: 'plain_text', text: 'Propose' },
        close: { type: 'plain_text', text: 'Cancel' },
        blocks: [
          {
            type: 'input',
            block_id: 'input:source',
            label: { type: 'plain_text', text: 'Your address' },
            hint: { type: 'plain_text', text: 'No wider than /24' },
            element: {
              type: 'plain_text_input',
              action_id: 'value',
              initial_value: '203.0.113.10"><x',
              max_length: 200,
            },
          },
          {
            type: 'input',
            block_id: 'reason',
            optional: true,
            label: { type: 'plain_text', text: 'Why?' },
            element: { type: 'plain_text_input', action_id: 'value', multiline: true },
          },
        ],
      },
    } as unknown as FakeView;
    const html = modalHtml(renderer, view);
    expect(html).toContain('<div class="modal-title">Propose a fix</div>');
    expect(html).toContain(
      'data-block-id="input:source" data-action-id="value" maxlength="200" value="203.0.113.10&quot;&gt;&lt;x"',
    );
    expect(html).toContain('<textarea class="bk-field" data-block-id="reason"');
    expect(html).toContain('(optional)');
    expect(html).toContain('<button type="button" class="modal-submit bk-primary">Propose</button>');
  });
});
