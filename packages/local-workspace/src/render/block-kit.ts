import { escapeForSlackWithMarkdown, expandEmoji } from 'slack-to-html';

// Block Kit as HTML, the way the Slack client draws it: every block and element the app sends, and a
// visible placeholder for anything else, so a block the page cannot draw never silently disappears.
// Every string that came from the app is escaped; mrkdwn goes through slack-to-html, which escapes too.

type Json = Record<string, unknown>;

export const UNSUPPORTED = 'unsupported';

/** Names for mentions: user id → name, channel id → name. */
export interface Names {
  users: Record<string, string>;
  channels: Record<string, string>;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

function record(value: unknown): Json {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

function list(value: unknown): Json[] {
  return Array.isArray(value) ? value.map(record) : [];
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Only web links: a `javascript:` URL from anywhere must not become a link or an image source. */
function safeUrl(url: unknown): string | null {
  return typeof url === 'string' && /^https?:\/\//i.test(url) ? url : null;
}

/** Slack gives a block without `block_id` one of its own; this is ours, the same for the page and the relay. */
export function blockIdOf(block: Json, index: number): string {
  return str(block.block_id) || `local-block-${index}`;
}

function unsupported(kind: 'block' | 'element', type: unknown): string {
  const name = escapeHtml(str(type) || '(no type)');
  return `<div class="bk-unsupported">${UNSUPPORTED} ${kind}: ${name}</div>`;
}

export class BlockKitRenderer {
  constructor(private readonly names: Names) {}

  /** mrkdwn as Slack draws it: bold, italics, strike, code, code blocks, quotes, links, mentions, emoji. */
  mrkdwn(text: string): string {
    return escapeForSlackWithMarkdown(text, { users: this.names.users, channels: this.names.channels });
  }

  /** plain_text: shown as written, with emoji shortcodes drawn. */
  plain(text: string): string {
    return expandEmoji(escapeHtml(text));
  }

  /** A text object, mrkdwn or plain_text. */
  text(object: unknown): string {
    const text = record(object);
    return text.type === 'mrkdwn' ? this.mrkdwn(str(text.text)) : this.plain(str(text.text));
  }

  blocks(blocks: readonly unknown[]): string {
    return blocks.map((block, index) => this.block(record(block), index)).join('');
  }

  private block(block: Json, index: number): string {
    const id = blockIdOf(block, index);
    switch (block.type) {
      case 'header':
        return `<div class="bk-header">${this.text(block.text)}</div>`;
      case 'section':
        return this.section(block, id);
      case 'context':
        return `<div class="bk-context">${list(block.elements)
          .map((element) => this.contextElement(element))
          .join('')}</div>`;
      case 'divider':
        return '<hr class="bk-divider">';
      case 'image':
        return this.image(block);
      case 'actions':
        return `<div class="bk-actions">${list(block.elements)
          .map((element) => this.interactive(element, id))
          .join('')}</div>`;
      case 'input':
        return this.input(block, id);
      case 'rich_text':
        return `<div class="bk-rich-text">${list(block.elements)
          .map((element) => this.richTextPart(element))
          .join('')}</div>`;
      default:
        return unsupported('block', block.type);
    }
  }

  private section(block: Json, blockId: string): string {
    const text = block.text ? `<div class="bk-text">${this.text(block.text)}</div>` : '';
    const fields = list(block.fields);
    const grid =
      fields.length > 0
        ? `<div class="bk-fields">${fields.map((f) => `<div class="bk-text">${this.text(f)}</div>`).join('')}</div>`
        : '';
    const accessory = block.accessory
      ? `<div class="bk-accessory">${this.accessory(record(block.accessory), blockId)}</div>`
      : '';
    return `<div class="bk-section"><div class="bk-section-body">${text}${grid}</div>${accessory}</div>`;
  }

  private accessory(element: Json, blockId: string): string {
    return element.type === 'image'
      ? this.imageElement(element, 'bk-accessory-image')
      : this.interactive(element, blockId);
  }

  private contextElement(element: Json): string {
    if (element.type === 'image') return this.imageElement(element, 'bk-context-image');
    if (element.type === 'mrkdwn' || element.type === 'plain_text')
      return `<span class="bk-text">${this.text(element)}</span>`;
    return unsupported('element', element.type);
  }

  private imageElement(element: Json, className: string): string {
    const url = safeUrl(element.image_url);
    const alt = escapeHtml(str(element.alt_text));
    return url
      ? `<img class="${className}" src="${escapeHtml(url)}" alt="${alt}" title="${alt}">`
      : `<span class="${className}">${alt}</span>`;
  }

  private image(block: Json): string {
    const title = block.title ? `<div class="bk-image-title">${this.text(block.title)}</div>` : '';
    return `<figure class="bk-image">${title}${this.imageElement(block, 'bk-image-img')}</figure>`;
  }

  /** Buttons and selects in messages: clicking one sends `block_actions` through the relay. */
  private interactive(element: Json, blockId: string): string {
    const ids = `data-block-id="${escapeHtml(blockId)}" data-action-id="${escapeHtml(str(element.action_id))}"`;
    switch (element.type) {
      case 'button':
        return this.button(element, ids);
      case 'static_select':
        return `<select class="bk-select bk-action" ${ids}>${this.options(element)}</select>`;
      default:
        return unsupported('element', element.type);
    }
  }

  private button(element: Json, ids: string): string {
    const style = element.style === 'primary' || element.style === 'danger' ? ` bk-${element.style}` : '';
    const confirm = element.confirm
      ? ` data-confirm="${escapeHtml(JSON.stringify(this.confirm(record(element.confirm))))}"`
      : '';
    const url = safeUrl(element.url);
    const link = url ? ` data-url="${escapeHtml(url)}"` : '';
    return `<button type="button" class="bk-button bk-action${style}" ${ids}${confirm}${link}>${this.text(element.text)}</button>`;
  }

  /** A confirm dialog, drawn ready for the page to show before the click goes anywhere. */
  private confirm(confirm: Json): {
    title: string;
    html: string;
    confirm: string;
    deny: string;
    style: string;
  } {
    return {
      title: this.text(confirm.title),
      html: this.text(confirm.text),
      confirm: confirm.confirm ? this.text(confirm.confirm) : 'Yes',
      deny: confirm.deny ? this.text(confirm.deny) : 'Cancel',
      style: confirm.style === 'danger' ? 'danger' : 'primary',
    };
  }

  private options(element: Json): string {
    const initial = str(record(element.initial_option).value);
    const option = (o: Json) => {
      const value = str(o.value);
      return `<option value="${escapeHtml(value)}"${value === initial && initial ? ' selected' : ''}>${escapeHtml(str(record(o.text).text))}</option>`;
    };
    const placeholder = `<option value="" disabled${initial ? '' : ' selected'}>${escapeHtml(str(record(element.placeholder).text) || 'Select an item')}</option>`;
    const groups = list(element.option_groups).map(
      (group) =>
        `<optgroup label="${escapeHtml(str(record(group.label).text))}">${list(group.options).map(option).join('')}</optgroup>`,
    );
    return placeholder + list(element.options).map(option).join('') + groups.join('');
  }

  /** An input block of a modal: its value goes into `view.state.values` when the modal is submitted. */
  private input(block: Json, blockId: string): string {
    const element = record(block.element);
    const ids = `data-block-id="${escapeHtml(blockId)}" data-action-id="${escapeHtml(str(element.action_id))}"`;
    const field = this.field(element, ids);
    const optional = block.optional === true ? ' <span class="bk-optional">(optional)</span>' : '';
    const hint = block.hint ? `<div class="bk-hint">${this.text(block.hint)}</div>` : '';
    return (
      `<div class="bk-input" data-input-block="${escapeHtml(blockId)}">` +
      `<label class="bk-label">${this.text(block.label)}${optional}</label>${field}${hint}` +
      '<div class="bk-error" hidden></div></div>'
    );
  }

  private field(element: Json, ids: string): string {
    const placeholder = element.placeholder
      ? ` placeholder="${escapeHtml(str(record(element.placeholder).text))}"`
      : '';
    const max = typeof element.max_length === 'number' ? ` maxlength="${element.max_length}"` : '';
    const value = escapeHtml(str(element.initial_value));
    switch (element.type) {
      case 'plain_text_input':
        return element.multiline === true
          ? `<textarea class="bk-field" ${ids}${placeholder}${max} rows="3">${value}</textarea>`
          : `<input type="text" class="bk-field" ${ids}${placeholder}${max} value="${value}">`;
      case 'static_select':
        return `<select class="bk-field bk-select" ${ids}>${this.options(element)}</select>`;
      default:
        return unsupported('element', element.type);
    }
  }

  private richTextPart(part: Json): string {
    const inline = () =>
      list(part.elements)
        .map((element) => this.richTextInline(element))
        .join('');
    switch (part.type) {
      case 'rich_text_section':
        return `<div class="bk-rt-section">${inline()}</div>`;
      case 'rich_text_preformatted':
        return `<pre class="bk-rt-pre">${inline()}</pre>`;
      case 'rich_text_quote':
        return `<blockquote class="bk-rt-quote">${inline()}</blockquote>`;
      case 'rich_text_list': {
        const tag = part.style === 'ordered' ? 'ol' : 'ul';
        const indent = Math.min(Math.max(Number(part.indent) || 0, 0), 6);
        const items = list(part.elements).map((item) => `<li>${this.richTextPart(item)}</li>`);
        return `<${tag} class="bk-rt-list bk-indent-${indent}">${items.join('')}</${tag}>`;
      }
      default:
        return unsupported('element', part.type);
    }
  }

  private richTextInline(element: Json): string {
    switch (element.type) {
      case 'text':
        return this.styled(escapeHtml(str(element.text)), record(element.style));
      case 'link': {
        const url = safeUrl(element.url);
        const label = escapeHtml(str(element.text) || str(element.url));
        const html = url
          ? `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${label}</a>`
          : label;
        return this.styled(html, record(element.style));
      }
      case 'user':
        return `<span class="user-mention">@${escapeHtml(this.names.users[str(element.user_id)] ?? str(element.user_id))}</span>`;
      case 'channel':
        return `#${escapeHtml(this.names.channels[str(element.channel_id)] ?? str(element.channel_id))}`;
      case 'usergroup':
        return `@${escapeHtml(str(element.usergroup_id))}`;
      case 'broadcast':
        return `<span class="user-mention">@${escapeHtml(str(element.range))}</span>`;
      case 'emoji':
        return expandEmoji(`:${escapeHtml(str(element.name))}:`);
      default:
        return unsupported('element', element.type);
    }
  }

  private styled(html: string, style: Json): string {
    let out = html;
    if (style.code === true) out = `<code>${out}</code>`;
    if (style.bold === true) out = `<b>${out}</b>`;
    if (style.italic === true) out = `<i>${out}</i>`;
    if (style.strike === true) out = `<s>${out}</s>`;
    return out;
  }
}
