// views.open, views.update and views.push: trigger_id rules, the modal schema, and the three-view stack
// (https://docs.slack.dev/reference/methods/views.open, .../views.push, .../surfaces/modals); views.publish:
// one Home tab per user, replaced in place (.../views.publish).
import { randomBytes, randomInt } from 'node:crypto';
import { validateView } from '../block-kit-limits';
import type { ApiAnswer, FakeView, Json } from '../types';
import {
  fail,
  FAKE_BOT,
  FAKE_TEAM,
  invalidArguments,
  jsonArgument,
  ok,
  stringArg,
  type Workspace,
} from '../workspace';

const TRIGGER_ID = /^\d+\.\d+\.[0-9a-f]+$/i;
const TRIGGER_LIFETIME_MS = 3000;
const VIEW_STACK_LIMIT = 3;
const VIEW_SIZE_LIMIT = 250 * 1024;

/** A trigger_id as Slack would put in an interaction payload; it expires 3 seconds after it is minted. */
export function mintTriggerId(ws: Workspace, viewId?: string): string {
  const id = `${Math.floor(ws.now() / 1000)}.${randomInt(1_000_000_000)}.${randomBytes(10).toString('hex')}`;
  ws.triggers.set(id, { issuedAt: ws.now(), viewId, exchanged: false });
  return id;
}

function exchangeTrigger(ws: Workspace, args: Json): { viewId?: string } | { refused: ApiAnswer } {
  const id = stringArg(args, 'trigger_id');
  if (!id) return { refused: invalidArguments(['missing required field: trigger_id']) };
  if (!TRIGGER_ID.test(id)) return { refused: fail('invalid_trigger_id') };
  const trigger = ws.triggers.get(id) ?? { exchanged: false };
  if (trigger.exchanged) return { refused: fail('exchanged_trigger_id') };
  if (trigger.issuedAt !== undefined && ws.now() - trigger.issuedAt > TRIGGER_LIFETIME_MS) {
    return { refused: fail('expired_trigger_id') };
  }
  ws.triggers.set(id, { ...trigger, exchanged: true });
  return { viewId: trigger.viewId };
}

function readView(args: Json): { view: Json } | { refused: ApiAnswer } {
  const parsed = jsonArgument(args.view);
  if ('invalid' in parsed) return { refused: invalidArguments(['must be valid JSON [json-pointer:/view]']) };
  const errors = validateView(parsed.value);
  if (errors.length > 0) return { refused: invalidArguments(errors) };
  if (JSON.stringify(parsed.value).length > VIEW_SIZE_LIMIT) return { refused: fail('view_too_large') };
  return { view: parsed.value as Json };
}

function newHash(ws: Workspace): string {
  return `${Math.floor(ws.now() / 1000)}.${randomBytes(4).toString('hex')}`;
}

function externalIdTaken(ws: Workspace, view: Json, except?: FakeView): boolean {
  const externalId = view.external_id;
  return (
    typeof externalId === 'string' &&
    externalId !== '' &&
    ws.views.some((v) => v !== except && !v.closed && v.view.external_id === externalId)
  );
}

/** A stored view the way views.* return it. */
export function viewJson(v: FakeView): Json {
  return {
    private_metadata: '',
    callback_id: '',
    external_id: '',
    state: { values: {} },
    clear_on_close: false,
    notify_on_close: false,
    ...v.view,
    id: v.id,
    team_id: FAKE_TEAM.id,
    hash: v.hash,
    root_view_id: v.root_view_id,
    previous_view_id: v.previous_view_id,
    app_id: FAKE_BOT.app_id,
    bot_id: FAKE_BOT.bot_id,
  };
}

function store(ws: Workspace, view: Json, parent?: FakeView): FakeView {
  const id = ws.nextId('V');
  const stored: FakeView = {
    id,
    type: String(view.type),
    view,
    hash: newHash(ws),
    root_view_id: parent ? parent.root_view_id : id,
    previous_view_id: parent ? parent.id : null,
    history: [],
    closed: false,
  };
  ws.views.push(stored);
  return stored;
}

export function open(ws: Workspace, args: Json): ApiAnswer {
  const trigger = exchangeTrigger(ws, args);
  if ('refused' in trigger) return trigger.refused;
  const read = readView(args);
  if ('refused' in read) return read.refused;
  if (externalIdTaken(ws, read.view)) return fail('duplicate_external_id');
  const view = store(ws, read.view);
  ws.emit('view_opened', view);
  return ok({ view: viewJson(view) });
}

export function update(ws: Workspace, args: Json): ApiAnswer {
  const viewId = stringArg(args, 'view_id');
  const externalId = stringArg(args, 'external_id');
  const view = ws.views.find(
    (v) => !v.closed && ((viewId && v.id === viewId) || (externalId && v.view.external_id === externalId)),
  );
  if (!view) return fail('not_found');
  const hash = stringArg(args, 'hash');
  if (hash && hash !== view.hash) return fail('hash_conflict');
  const read = readView(args);
  if ('refused' in read) return read.refused;
  if (externalIdTaken(ws, read.view, view)) return fail('duplicate_external_id');
  view.history.push(view.view);
  view.view = read.view;
  view.type = String(read.view.type);
  view.hash = newHash(ws);
  ws.emit('view_updated', view);
  return ok({ view: viewJson(view) });
}

export function push(ws: Workspace, args: Json): ApiAnswer {
  const trigger = exchangeTrigger(ws, args);
  if ('refused' in trigger) return trigger.refused;
  const read = readView(args);
  if ('refused' in read) return read.refused;
  // A minted trigger knows the modal it came from; a hand-made one pushes onto the newest open modal.
  const open = ws.views.filter((v) => !v.closed && v.type === 'modal');
  const from = trigger.viewId ? open.find((v) => v.id === trigger.viewId) : open[open.length - 1];
  if (!from) return fail('not_found');
  const stack = open.filter((v) => v.root_view_id === from.root_view_id);
  if (stack.length >= VIEW_STACK_LIMIT) return fail('push_limit_reached');
  if (externalIdTaken(ws, read.view)) return fail('duplicate_external_id');
  const view = store(ws, read.view, stack[stack.length - 1]);
  ws.emit('view_pushed', view);
  return ok({ view: viewJson(view) });
}

/** views.publish: the user's Home tab, created on first publish and replaced (same id) after. */
export function publish(ws: Workspace, args: Json): ApiAnswer {
  const userId = stringArg(args, 'user_id');
  if (!userId) return invalidArguments(['missing required field: user_id']);
  const read = readView(args);
  if ('refused' in read) return read.refused;
  if (read.view.type !== 'home')
    return invalidArguments(['views.publish only takes a home view [json-pointer:/view/type]']);
  const home = ws.views.find((v) => v.type === 'home' && v.user === userId);
  const hash = stringArg(args, 'hash');
  if (home && hash && hash !== home.hash) return fail('hash_conflict');
  if (externalIdTaken(ws, read.view, home)) return fail('duplicate_external_id');
  if (!home) {
    const created = store(ws, read.view);
    created.user = userId;
    ws.emit('view_published', created);
    return ok({ view: viewJson(created) });
  }
  home.history.push(home.view);
  home.view = read.view;
  home.hash = newHash(ws);
  ws.emit('view_published', home);
  return ok({ view: viewJson(home) });
}
