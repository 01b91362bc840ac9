// What the fake Slack remembers, in the shapes Slack's Web API uses, so tests and the local browser
// workspace can read back exactly what the app sent.

export type Json = Record<string, unknown>;

export interface RecordedCall {
  /** Web API method (`chat.postMessage`), or `response_url` for a post to a response URL. */
  method: string;
  body: Json;
  /** Bearer token or `token` argument; undefined when the caller sent none. */
  token?: string;
  at: Date;
}

export interface MessageVersion {
  text: string;
  blocks?: unknown[];
  at: Date;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text: string;
  blocks?: unknown[];
  /** The only user who sees it, for an ephemeral message. */
  user?: string;
  ephemeral: boolean;
  deleted: boolean;
  files?: string[];
  /** Every earlier version, oldest first; the current one is `text`/`blocks`. */
  history: MessageVersion[];
}

export interface FakeFile {
  id: string;
  name: string;
  title: string;
  /** Size announced to files.getUploadURLExternal. */
  length: number;
  alt_text?: string;
  bytes?: Buffer;
  mimetype: string;
  completed: boolean;
  channel?: string;
  thread_ts?: string;
  initial_comment?: string;
  url_private: string;
  permalink: string;
}

export interface FakeView {
  id: string;
  type: string;
  view: Json;
  hash: string;
  root_view_id: string;
  previous_view_id: string | null;
  /** Every earlier version of this view, oldest first. */
  history: Json[];
  closed: boolean;
  /** The user whose Home tab this is (views.publish); absent for modals. */
  user?: string;
}

export interface SlackUser {
  id: string;
  name: string;
  real_name: string;
  is_bot: boolean;
  is_admin: boolean;
  tz: string;
}

export interface SlackChannel {
  id: string;
  name: string;
  is_private: boolean;
  is_im: boolean;
}

/** Where a response URL posts: the conversation and user of the interaction, and the message it came from. */
export interface ResponseTarget {
  channel: string;
  user: string;
  /** The message holding the clicked button; needed for replace_original / delete_original. */
  message_ts?: string;
}

export interface FakeSlackEvents {
  message_posted: [FakeMessage];
  message_updated: [FakeMessage];
  message_deleted: [FakeMessage];
  ephemeral_posted: [FakeMessage];
  view_opened: [FakeView];
  view_updated: [FakeView];
  view_pushed: [FakeView];
  view_published: [FakeView];
  file_uploaded: [FakeFile];
}

export type FakeSlackEvent = keyof FakeSlackEvents;

/** An answer to a Web API call: the JSON body, and the extra headers/status a 429 needs. */
export interface ApiAnswer {
  status: number;
  body: Json;
  headers?: Record<string, string>;
}
