// Text from Azure and from people goes into mrkdwn. `&`, `<` and `>` are Slack's control characters
// (`<@U123>`, `<!channel>`, `<https://…|label>`): escaping them is what keeps a VM name, a rule name or
// a line of evidence from mentioning someone or linking anywhere.

const ELLIPSIS = '…';

export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * At most `max` characters (Slack counts UTF-16 units, as `length` does), ending in an ellipsis when
 * cut. Never splits an emoji's surrogate pair or an escape like `&amp;`, which would show as garbage.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - ELLIPSIS.length);
  if (end > 0 && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
  const amp = text.lastIndexOf('&', end - 1);
  if (amp !== -1 && end - amp < '&amp;'.length) {
    const semicolon = text.indexOf(';', amp);
    if (semicolon === -1 || semicolon >= end) end = amp;
  }
  return text.slice(0, end) + ELLIPSIS;
}

/** Untrusted text as mrkdwn, escaped and then cut to `max`. */
export function mrkdwn(text: string, max: number): string {
  return truncate(escapeMrkdwn(text), max);
}

/** Untrusted text as inline code: one line, and a backtick inside cannot close the span early. */
export function inlineCode(text: string, max = 200): string {
  const body = truncate(
    escapeMrkdwn(text)
      .replace(/\s*\n\s*/g, ' ')
      .replace(/`/g, 'ˋ'),
    max - 2,
  );
  return `\`${body || ' '}\``;
}

/** A command in a code block of at most `max` characters; a ``` inside cannot end the block early. */
export function codeBlock(text: string, max: number): string {
  const fence = '```';
  const body = truncate(escapeMrkdwn(text).replace(/```/g, '``ˋ'), max - 2 * fence.length);
  return `${fence}${body}${fence}`;
}

/**
 * A link the app built (a portal deep link): `<url|label>`. The URL must be https, and `|` and `>` in it
 * are percent-encoded so it cannot end the link early; anything else is shown as plain text.
 */
export function link(url: string, label: string): string {
  if (!/^https:\/\//.test(url)) return mrkdwn(label, 200);
  const safe = url.replace(/\|/g, '%7C').replace(/>/g, '%3E').replace(/</g, '%3C');
  return `<${safe}|${mrkdwn(label, 100).replace(/\|/g, '¦')}>`;
}

const USER_ID = /^[UW][A-Z0-9]{2,}$/;

/** A Slack user id as a mention; anything that is not a user id is shown as plain text. */
export function mention(userId: string): string {
  return USER_ID.test(userId) ? `<@${userId}>` : escapeMrkdwn(userId);
}

/** `a`, `a and b`, `a, b and c` */
export function joinWords(words: readonly string[]): string {
  return words.length <= 1
    ? words.join('')
    : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/**
 * As many of `items` as fit in `budget` characters, then `more(n)` for the n left out; `total` counts
 * items not even offered (a list already capped to its first few).
 */
export function listWithin(
  items: readonly string[],
  separator: string,
  budget: number,
  more: (left: number) => string,
  total = items.length,
): string {
  let text = '';
  for (const [i, item] of items.entries()) {
    const next = text === '' ? item : `${text}${separator}${item}`;
    const left = total - i - 1;
    if (next.length + (left > 0 ? separator.length + more(left).length : 0) > budget) {
      return text === '' ? truncate(more(total - i), budget) : `${text}${separator}${more(total - i)}`;
    }
    text = next;
  }
  const left = total - items.length;
  if (left <= 0) return text;
  return text === '' ? truncate(more(left), budget) : `${text}${separator}${more(left)}`;
}

/** Untrusted lines as a bullet list: at most `maxItems`, each cut to `maxEach`, all within `budget`. */
export function bullets(
  items: readonly string[],
  limits: { maxItems: number; maxEach: number; budget: number },
  more: (left: number) => string = (left) => `• …and ${left} more in the thread`,
): string {
  const lines = items.slice(0, limits.maxItems).map((item) => `• ${mrkdwn(item, limits.maxEach)}`);
  return listWithin(lines, '\n', limits.budget, more, items.length);
}

/** `4.2 s`, `2 min 5 s` */
export function elapsed(fromIso: string, toIso: string): string {
  const seconds = Math.max(0, (Date.parse(toIso) - Date.parse(fromIso)) / 1000);
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)} min ${whole % 60} s`;
}
