import { errorMessage, helpMessage } from '../../../src/slack/blocks/diagnosis';
import { expectSlackAccepts, seen } from './support';

describe('helpMessage', () => {
  const message = helpMessage();
  const text = seen(message);

  it('is accepted by Slack', () => expectSlackAccepts(message));

  it('gives the grammar, with its placeholders escaped', () => {
    expect(text).toContain('`/rdp &lt;vm&gt; [symptom] [from &lt;ip&gt;] [host &lt;name&gt;]`');
    expect(text).not.toMatch(/<[a-z]/);
  });

  it('lists the symptoms, the other commands and a few examples', () => {
    for (const symptom of ['timeout', 'refused', 'credentials', 'credssp', 'black-screen', 'disconnects']) {
      expect(text).toContain(`• \`${symptom}\`: `);
    }
    expect(text).toContain('`/rdp help`');
    expect(text).toContain('`/rdp audit &lt;vm&gt;`');
    expect(text).toContain('`/rdp digest add|list|remove|run …`');
    expect(text.match(/^• `\/rdp vm-|^• `\/rdp rg-/gm)).toHaveLength(4);
  });
});

describe('errorMessage', () => {
  it('says what was wrong, escaped, in the message and the notification', () => {
    const message = errorMessage(
      '"<@U1>" is not an IP address: give the address you connect from, e.g. 203.0.113.10.',
    );
    expectSlackAccepts(message);
    expect(seen(message)).toBe(
      '⚠️ "&lt;@U1&gt;" is not an IP address: give the address you connect from, e.g. 203.0.113.10.',
    );
    expect(message.text).toBe(
      '"&lt;@U1&gt;" is not an IP address: give the address you connect from, e.g. 203.0.113.10.',
    );
  });
});
