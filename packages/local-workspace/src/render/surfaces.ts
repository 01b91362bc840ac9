import type { FakeFile, FakeView } from '@rdp-doctor/slack-fake';
import { BlockKitRenderer, escapeHtml } from './block-kit';

// A message's body and a modal as the page shows them, drawn on the server so the page only places HTML.

type Json = Record<string, unknown>;

export interface MessageContent {
  text: string;
  blocks?: readonly unknown[];
  /** Files shared with the message (files.uploadV2), as the fake Slack holds them. */
  files?: readonly FakeFile[];
}

/** Where the page fetches a file's bytes: through this server, so the browser never needs the fake's port. */
export function fileUrl(file: Pick<FakeFile, 'id'>): string {
  return `/local/files/${encodeURIComponent(file.id)}`;
}

function fileHtml(file: FakeFile): string {
  const title = escapeHtml(file.title);
  const alt = escapeHtml(file.alt_text ?? file.title);
  if (file.mimetype.startsWith('image/')) {
    return `<figure class="file"><img src="${fileUrl(file)}" alt="${alt}"><figcaption>${title}</figcaption></figure>`;
  }
  return `<div class="file"><a href="${fileUrl(file)}" download="${escapeHtml(file.name)}">${title}</a></div>`;
}

/** A message as Slack draws it: its blocks when it has any (the text is then only the notification), else its text. */
export function messageBodyHtml(renderer: BlockKitRenderer, message: MessageContent): string {
  const body =
    message.blocks && message.blocks.length > 0
      ? renderer.blocks(message.blocks)
      : message.text
        ? `<div class="bk-text">${renderer.mrkdwn(message.text)}</div>`
        : '';
  const files = (message.files ?? []).map(fileHtml).join('');
  return body + files;
}

function textOf(value: unknown): string {
  return value && typeof value === 'object' ? String((value as Json).text ?? '') : '';
}

/** A modal: title, blocks, and its close and submit buttons (Slack shows submit only when the view has one). */
export function modalHtml(renderer: BlockKitRenderer, view: FakeView): string {
  const v = view.view;
  const blocks = Array.isArray(v.blocks) ? v.blocks : [];
  const submit = v.submit
    ? `<button type="button" class="modal-submit bk-primary">${renderer.plain(textOf(v.submit))}</button>`
    : '';
  const close = `<button type="button" class="modal-close">${renderer.plain(textOf(v.close) || 'Cancel')}</button>`;
  return (
    `<div class="modal-title">${renderer.plain(textOf(v.title))}</div>` +
    `<div class="modal-body">${renderer.blocks(blocks)}</div>` +
    `<div class="modal-footer">${close}${submit}</div>`
  );
}
