import {
  bullets,
  codeBlock,
  elapsed,
  escapeMrkdwn,
  inlineCode,
  listWithin,
  mention,
  mrkdwn,
  truncate,
} from '../../../src/slack/blocks/mrkdwn';

describe('escapeMrkdwn', () => {
  it('escapes the three control characters, so nothing mentions or links', () => {
    expect(escapeMrkdwn('<!channel> <@U123> <https://x.example|y> a & b')).toBe(
      '&lt;!channel&gt; &lt;@U123&gt; &lt;https://x.example|y&gt; a &amp; b',
    );
  });
});

describe('truncate', () => {
  it('leaves short text alone and ends cut text with an ellipsis within the limit', () => {
    expect(truncate('short', 5)).toBe('short');
    expect(truncate('abcdefghij', 5)).toBe('abcd…');
  });

  it('never leaves half an escape or half an emoji', () => {
    expect(truncate('ab &amp; cd', 6)).toBe('ab …');
    expect(truncate('ab 🔥 cd', 5)).toBe('ab …');
    expect(mrkdwn('a <b> c', 6)).toBe('a …');
    expect(mrkdwn('a <b> c', 7)).toBe('a &lt;…');
  });
});

describe('code', () => {
  it('keeps inline code on one line, closed, escaped', () => {
    expect(inlineCode('a`b\nc <x>')).toBe('`aˋb c &lt;x&gt;`');
  });

  it('keeps a code block closed however long the command', () => {
    const block = codeBlock(`az vm show ${'--x '.repeat(500)} \`\`\` <y>`, 100);
    expect(block).toHaveLength(100);
    expect(block.startsWith('```az vm show')).toBe(true);
    expect(block.endsWith('…```')).toBe(true);
    expect(codeBlock('a ``` b', 50)).toBe('```a ``ˋ b```');
  });
});

describe('mention', () => {
  it('mentions user ids and shows anything else as text', () => {
    expect(mention('U024BE7LH')).toBe('<@U024BE7LH>');
    expect(mention('W0123ABCD')).toBe('<@W0123ABCD>');
    expect(mention('<!here>')).toBe('&lt;!here&gt;');
  });
});

describe('listWithin and bullets', () => {
  const more = (n: number) => `+${n}`;

  it('keeps what fits and counts what does not', () => {
    expect(listWithin(['aaa', 'bbb', 'ccc'], ', ', 100, more)).toBe('aaa, bbb, ccc');
    expect(listWithin(['aaa', 'bbb', 'ccc'], ', ', 12, more)).toBe('aaa, bbb, +1');
    expect(listWithin(['aaa', 'bbb'], ', ', 100, more, 5)).toBe('aaa, bbb, +3');
  });

  it('caps the bullets and their length', () => {
    expect(bullets(['one', 'two', 'three <x>'], { maxItems: 2, maxEach: 10, budget: 500 })).toBe(
      '• one\n• two\n• …and 1 more in the thread',
    );
    expect(bullets(['x'.repeat(50)], { maxItems: 5, maxEach: 10, budget: 500 })).toBe(`• ${'x'.repeat(9)}…`);
  });
});

describe('elapsed', () => {
  it('reads as seconds, then minutes', () => {
    expect(elapsed('2026-11-27T12:00:00.000Z', '2026-11-27T12:00:41.240Z')).toBe('41.2 s');
    expect(elapsed('2026-11-27T12:00:00.000Z', '2026-11-27T12:02:59.600Z')).toBe('3 min 0 s');
  });
});
