import { z } from 'zod';

// The shapes of what Slack sends this app (DESIGN.md: `/rdp`, buttons, modals; the Diagnose RDP message
// shortcut and app_home_opened), checked on the body Bolt
// is about to dispatch, so that no listener ever meets a body Slack would not send: `payload=null`, an
// array, a number where an id goes, a missing `actions`. Fields the app does not read pass unchecked.
// Shapes from Slack's reference: slash command request fields, block_actions, view_submission and
// message_action payloads, and the Events API's event_callback envelope.

const text = z.string().max(40_000);
const id = z.string().min(1).max(255);
const user = z.looseObject({ id });
const team = z.looseObject({ id }).nullable();

const slashCommand = z.looseObject({
  command: z.string().regex(/^\/\S{1,32}$/, { error: 'a slash command such as /rdp' }),
  text,
  user_id: id,
  channel_id: id,
  team_id: id,
  trigger_id: id,
  response_url: z.url({ protocol: /^https?$/ }),
});

const action = z.looseObject({
  type: id,
  action_id: id,
  block_id: id,
  action_ts: id,
  value: text.optional(),
  selected_option: z.looseObject({ value: text }).nullable().optional(),
});

const blockActions = z.looseObject({
  type: z.literal('block_actions'),
  user,
  team,
  api_app_id: id,
  trigger_id: id,
  container: z.looseObject({
    type: id,
    channel_id: id.optional(),
    message_ts: id.optional(),
  }),
  channel: z.looseObject({ id }).optional(),
  message: z.looseObject({ ts: id, thread_ts: id.optional() }).optional(),
  response_url: z.url({ protocol: /^https?$/ }).optional(),
  actions: z.array(action).min(1).max(25),
});

const inputValue = z.looseObject({
  type: id,
  value: text.nullable().optional(),
  selected_option: z.looseObject({ value: text }).nullable().optional(),
});

const viewSubmission = z.looseObject({
  type: z.literal('view_submission'),
  user,
  team,
  api_app_id: id,
  trigger_id: id,
  view: z.looseObject({
    id,
    type: id,
    callback_id: z.string().max(255),
    private_metadata: z.string().max(3000),
    hash: z.string().max(255),
    state: z.looseObject({ values: z.record(id, z.record(id, inputValue)) }),
  }),
  // Bolt reads the first entry's `response_url` before any listener runs.
  response_urls: z.array(z.looseObject({ response_url: z.url({ protocol: /^https?$/ }) })).optional(),
});

const messageAction = z.looseObject({
  type: z.literal('message_action'),
  user,
  team,
  callback_id: id,
  trigger_id: id,
  channel: z.looseObject({ id }),
  message_ts: id,
  message: z.looseObject({ ts: id, thread_ts: id.optional(), text: text.optional() }),
  response_url: z.url({ protocol: /^https?$/ }),
});

/** The Events API envelope; the one event the app subscribes to is app_home_opened. */
const eventCallback = z.looseObject({
  type: z.literal('event_callback'),
  team_id: id,
  api_app_id: id,
  event_id: id,
  event_time: z.number(),
  event: z.union([
    // Bolt reads the channel of every event it dispatches, as an id or an object with one, and a null
    // there throws inside Bolt. The Home's channel is the app's DM with the user.
    z.looseObject({ type: z.literal('app_home_opened'), user: id, channel: id, tab: z.string().max(32) }),
    z.looseObject({
      type: id.refine((type) => type !== 'app_home_opened'),
      channel: z.union([id, z.looseObject({ id })]).optional(),
    }),
  ]),
});

/** Slack's handshake when the request URL is saved; Bolt answers it. */
const urlVerification = z.looseObject({ type: z.literal('url_verification'), challenge: id });

const SHAPES = {
  block_actions: blockActions,
  view_submission: viewSubmission,
  message_action: messageAction,
  event_callback: eventCallback,
  url_verification: urlVerification,
} as const;

export type ShapeCheck = { ok: true } | { ok: false; reason: string };

function describeIssues(kind: string, error: z.ZodError): string {
  const [first] = error.issues;
  const where = first.path.length > 0 ? first.path.join('.') : 'the body';
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problems)` : '';
  return `${kind}: ${where}: ${first.message}${more}`;
}

/** Whether `body` (as Bolt parsed it) is a slash command or a payload this app answers, and if not, why. */
export function checkPayloadShape(body: unknown): ShapeCheck {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    const got = body === null ? 'null' : Array.isArray(body) ? 'an array' : typeof body;
    return { ok: false, reason: `the body must be a JSON object or form fields, got ${got}` };
  }
  const record = body as Record<string, unknown>;
  if ('command' in record) {
    const parsed = slashCommand.safeParse(record);
    return parsed.success
      ? { ok: true }
      : { ok: false, reason: describeIssues('slash command', parsed.error) };
  }
  const type = record.type;
  if (typeof type !== 'string' || !(type in SHAPES)) {
    return {
      ok: false,
      reason: `rdp-doctor takes slash commands, block_actions, view_submission and message_action payloads and events, got type ${JSON.stringify(type ?? null)?.slice(0, 60)}`,
    };
  }
  const parsed = SHAPES[type as keyof typeof SHAPES].safeParse(record);
  return parsed.success ? { ok: true } : { ok: false, reason: describeIssues(type, parsed.error) };
}
