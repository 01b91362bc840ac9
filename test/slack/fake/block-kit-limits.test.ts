import { validateMessageBlocks, validateView } from '@rdp-doctor/slack-fake';

const text = (n: number, type = 'mrkdwn') => ({ type, text: 'x'.repeat(n) });
const plain = (n: number) => text(n, 'plain_text');
const button = (action_id: string, extra: Record<string, unknown> = {}) => ({
  type: 'button',
  text: plain(5),
  action_id,
  ...extra,
});
const actions = (...elements: unknown[]) => ({ type: 'actions', elements });
const option = (textLength: number, valueLength: number) => ({
  text: plain(textLength),
  value: 'v'.repeat(valueLength),
});
const select = (options: unknown[]) => ({ type: 'static_select', action_id: 'pick', options });
const confirm = (title: number, body: number, yes: number, no: number) => ({
  title: plain(title),
  text: text(body),
  confirm: plain(yes),
  deny: plain(no),
});
const divider = { type: 'divider' };

describe('validateMessageBlocks', () => {
  const valid: Array<[string, unknown[]]> = [
    ['50 blocks', Array(50).fill(divider)],
    ['section text of 3000 characters', [{ type: 'section', text: text(3000) }]],
    ['10 fields of 2000 characters', [{ type: 'section', fields: Array(10).fill(text(2000)) }]],
    ['header of 150 characters', [{ type: 'header', text: plain(150) }]],
    ['context with 10 elements', [{ type: 'context', elements: Array(10).fill(text(10)) }]],
    ['actions with 25 buttons', [actions(...Array.from({ length: 25 }, (_, i) => button(`b${i}`)))]],
    [
      'button text of 75, value of 2000, url of 3000',
      [actions(button('a', { text: plain(75), value: 'v'.repeat(2000), url: 'u'.repeat(3000) }))],
    ],
    ['action_id of 255 characters', [actions(button('a'.repeat(255)))]],
    ['the same action_id in two blocks', [actions(button('approve')), actions(button('approve'))]],
    ['block_id of 255 characters', [{ ...divider, block_id: 'b'.repeat(255) }]],
    ['100 options of 75/150 characters', [actions(select(Array(100).fill(option(75, 150))))]],
    [
      'image of 3000/2000 characters',
      [{ type: 'image', image_url: 'u'.repeat(3000), alt_text: 'a'.repeat(2000) }],
    ],
    ['confirm dialog at its limits', [actions(button('a', { confirm: confirm(100, 300, 30, 30) }))]],
    ['button as a section accessory', [{ type: 'section', text: text(5), accessory: button('a') }]],
    [
      'input block',
      [{ type: 'input', label: plain(10), element: { type: 'plain_text_input', action_id: 'why' } }],
    ],
  ];
  it.each(valid)('accepts %s', (_name, blocks) => {
    expect(validateMessageBlocks(blocks)).toEqual([]);
  });

  const invalid: Array<[string, unknown[], string]> = [
    ['51 blocks', Array(51).fill(divider), 'no more than 50 items allowed [json-pointer:/blocks]'],
    [
      'section text of 3001 characters',
      [{ type: 'section', text: text(3001) }],
      'must be less than 3001 characters [json-pointer:/blocks/0/text/text]',
    ],
    [
      'empty section text',
      [{ type: 'section', text: text(0) }],
      'must be more than 0 characters [json-pointer:/blocks/0/text/text]',
    ],
    [
      'section without text or fields',
      [{ type: 'section' }],
      'missing required field: text [json-pointer:/blocks/0]',
    ],
    [
      '11 fields',
      [{ type: 'section', fields: Array(11).fill(text(1)) }],
      'no more than 10 items allowed [json-pointer:/blocks/0/fields]',
    ],
    [
      'field of 2001 characters',
      [{ type: 'section', fields: [text(2001)] }],
      'must be less than 2001 characters [json-pointer:/blocks/0/fields/0/text]',
    ],
    [
      'header of 151 characters',
      [{ type: 'header', text: plain(151) }],
      'must be less than 151 characters [json-pointer:/blocks/0/text/text]',
    ],
    [
      'mrkdwn header',
      [{ type: 'header', text: text(5) }],
      'unsupported type: mrkdwn [json-pointer:/blocks/0/text/type]',
    ],
    [
      'context with 11 elements',
      [{ type: 'context', elements: Array(11).fill(text(1)) }],
      'no more than 10 items allowed [json-pointer:/blocks/0/elements]',
    ],
    [
      'actions with 26 elements',
      [actions(...Array.from({ length: 26 }, (_, i) => button(`b${i}`)))],
      'no more than 25 items allowed [json-pointer:/blocks/0/elements]',
    ],
    [
      'button text of 76 characters',
      [actions(button('a', { text: plain(76) }))],
      'must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]',
    ],
    [
      'mrkdwn button text',
      [actions(button('a', { text: text(5) }))],
      'unsupported type: mrkdwn [json-pointer:/blocks/0/elements/0/text/type]',
    ],
    [
      'action_id of 256 characters',
      [actions(button('a'.repeat(256)))],
      'must be less than 256 characters [json-pointer:/blocks/0/elements/0/action_id]',
    ],
    [
      'duplicate action_id in one block',
      [divider, actions(button('approve'), button('approve'))],
      '`action_id` "approve" already exists [json-pointer:/blocks/1/elements/1/action_id]',
    ],
    [
      'block_id of 256 characters',
      [{ ...divider, block_id: 'b'.repeat(256) }],
      'must be less than 256 characters [json-pointer:/blocks/0/block_id]',
    ],
    [
      'duplicate block_id',
      [
        { ...divider, block_id: 'x' },
        { ...divider, block_id: 'x' },
      ],
      '`block_id` "x" already exists [json-pointer:/blocks/1/block_id]',
    ],
    [
      'button value of 2001 characters',
      [actions(button('a', { value: 'v'.repeat(2001) }))],
      'must be less than 2001 characters [json-pointer:/blocks/0/elements/0/value]',
    ],
    [
      'button url of 3001 characters',
      [actions(button('a', { url: 'u'.repeat(3001) }))],
      'must be less than 3001 characters [json-pointer:/blocks/0/elements/0/url]',
    ],
    [
      'button style other than primary/danger',
      [actions(button('a', { style: 'green' }))],
      'must be one of primary, danger [json-pointer:/blocks/0/elements/0/style]',
    ],
    [
      '101 select options',
      [actions(select(Array(101).fill(option(1, 1))))],
      'no more than 100 items allowed [json-pointer:/blocks/0/elements/0/options]',
    ],
    [
      'option text of 76 characters',
      [actions(select([option(76, 1)]))],
      'must be less than 76 characters [json-pointer:/blocks/0/elements/0/options/0/text/text]',
    ],
    [
      'option value of 151 characters',
      [actions(select([option(1, 151)]))],
      'must be less than 151 characters [json-pointer:/blocks/0/elements/0/options/0/value]',
    ],
    [
      'image_url of 3001 characters',
      [{ type: 'image', image_url: 'u'.repeat(3001), alt_text: 'a' }],
      'must be less than 3001 characters [json-pointer:/blocks/0/image_url]',
    ],
    [
      'alt_text of 2001 characters',
      [{ type: 'image', image_url: 'u', alt_text: 'a'.repeat(2001) }],
      'must be less than 2001 characters [json-pointer:/blocks/0/alt_text]',
    ],
    [
      'image without alt_text',
      [{ type: 'image', image_url: 'u' }],
      'missing required field: alt_text [json-pointer:/blocks/0]',
    ],
    [
      'confirm title of 101 characters',
      [actions(button('a', { confirm: confirm(101, 1, 1, 1) }))],
      'must be less than 101 characters [json-pointer:/blocks/0/elements/0/confirm/title/text]',
    ],
    [
      'confirm text of 301 characters',
      [actions(button('a', { confirm: confirm(1, 301, 1, 1) }))],
      'must be less than 301 characters [json-pointer:/blocks/0/elements/0/confirm/text/text]',
    ],
    [
      'confirm button of 31 characters',
      [actions(button('a', { confirm: confirm(1, 1, 31, 1) }))],
      'must be less than 31 characters [json-pointer:/blocks/0/elements/0/confirm/confirm/text]',
    ],
    [
      'deny button of 31 characters',
      [actions(button('a', { confirm: confirm(1, 1, 1, 31) }))],
      'must be less than 31 characters [json-pointer:/blocks/0/elements/0/confirm/deny/text]',
    ],
    [
      'a block type Slack does not have',
      [{ type: 'carousel' }],
      'unsupported type: carousel [json-pointer:/blocks/0/type]',
    ],
    [
      'an input element inside actions',
      [actions({ type: 'plain_text_input', action_id: 'x' })],
      'unsupported type: plain_text_input [json-pointer:/blocks/0/elements/0/type]',
    ],
  ];
  it.each(invalid)('refuses %s', (_name, blocks, error) => {
    expect(validateMessageBlocks(blocks)).toEqual([error]);
  });
});

describe('validateView', () => {
  const modal = (extra: Record<string, unknown> = {}) => ({
    type: 'modal',
    title: plain(24),
    submit: plain(24),
    close: plain(24),
    blocks: [{ type: 'input', label: plain(5), element: { type: 'plain_text_input', action_id: 'why' } }],
    ...extra,
  });

  it('accepts a modal at its limits', () => {
    expect(
      validateView(
        modal({
          callback_id: 'c'.repeat(255),
          private_metadata: 'm'.repeat(3000),
          blocks: Array(100).fill(divider),
        }),
      ),
    ).toEqual([]);
  });

  const invalid: Array<[string, unknown, string]> = [
    [
      '101 blocks',
      modal({ blocks: Array(101).fill(divider) }),
      'no more than 100 items allowed [json-pointer:/view/blocks]',
    ],
    [
      'title of 25 characters',
      modal({ title: plain(25) }),
      'must be less than 25 characters [json-pointer:/view/title/text]',
    ],
    [
      'submit of 25 characters',
      modal({ submit: plain(25) }),
      'must be less than 25 characters [json-pointer:/view/submit/text]',
    ],
    [
      'close of 25 characters',
      modal({ close: plain(25) }),
      'must be less than 25 characters [json-pointer:/view/close/text]',
    ],
    [
      'callback_id of 256 characters',
      modal({ callback_id: 'c'.repeat(256) }),
      'must be less than 256 characters [json-pointer:/view/callback_id]',
    ],
    [
      'private_metadata of 3001 characters',
      modal({ private_metadata: 'm'.repeat(3001) }),
      'must be less than 3001 characters [json-pointer:/view/private_metadata]',
    ],
    [
      'input without submit',
      modal({ submit: undefined }),
      'missing required field: submit [json-pointer:/view]',
    ],
    ['no title', modal({ title: undefined }), 'missing required field: title [json-pointer:/view]'],
    [
      'a view type Slack does not have',
      modal({ type: 'dialog' }),
      'unsupported type: dialog [json-pointer:/view/type]',
    ],
  ];
  it.each(invalid)('refuses %s', (_name, view, error) => {
    expect(validateView(view)).toEqual([error]);
  });
});
