// Slack's Block Kit limits as a pure checker, so the fake Slack refuses what real Slack refuses and the
// app's own tests can check rendered blocks without a server. Error strings follow the ones Slack
// returns (`must be less than 3001 characters [json-pointer:/blocks/0/text/text]`).
// Limits: https://docs.slack.dev/reference/block-kit/blocks and .../reference/views/modal-views

import { BLOCK_KIT_LIMITS } from '@rdp-doctor/block-kit-limits';

const L = BLOCK_KIT_LIMITS;

type Json = Record<string, unknown>;

interface Walk {
  errors: string[];
  blockIds: Set<string>;
}

const at = (pointer: string) => `[json-pointer:${pointer}]`;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function maxLength(w: Walk, value: unknown, max: number, pointer: string): void {
  if (value === undefined) return;
  if (typeof value !== 'string') w.errors.push(`must be a string ${at(pointer)}`);
  else if (value.length > max) w.errors.push(`must be less than ${max + 1} characters ${at(pointer)}`);
}

function requiredString(w: Walk, parent: Json, field: string, max: number, pointer: string): void {
  if (parent[field] === undefined) w.errors.push(`missing required field: ${field} ${at(pointer)}`);
  else maxLength(w, parent[field], max, `${pointer}/${field}`);
}

/** Returns the array when it is one (after checking its size), so callers can walk the items. */
function list(
  w: Walk,
  parent: Json,
  field: string,
  max: number,
  pointer: string,
  required: boolean,
): unknown[] {
  const value = parent[field];
  if (value === undefined) {
    if (required) w.errors.push(`missing required field: ${field} ${at(pointer)}`);
    return [];
  }
  if (!Array.isArray(value)) {
    w.errors.push(`must be an array ${at(`${pointer}/${field}`)}`);
    return [];
  }
  if (value.length > max) w.errors.push(`no more than ${max} items allowed ${at(`${pointer}/${field}`)}`);
  return value;
}

function textObject(w: Walk, value: unknown, max: number, pointer: string, plainOnly: boolean): void {
  if (!isObject(value)) {
    w.errors.push(`must be an object ${at(pointer)}`);
    return;
  }
  const allowed = plainOnly ? ['plain_text'] : ['plain_text', 'mrkdwn'];
  if (typeof value.type !== 'string' || !allowed.includes(value.type)) {
    w.errors.push(`unsupported type: ${String(value.type)} ${at(`${pointer}/type`)}`);
  }
  if (typeof value.text !== 'string') w.errors.push(`missing required field: text ${at(pointer)}`);
  else if (value.text.length === 0) w.errors.push(`must be more than 0 characters ${at(`${pointer}/text`)}`);
  else maxLength(w, value.text, max, `${pointer}/text`);
}

function optionalText(
  w: Walk,
  parent: Json,
  field: string,
  max: number,
  pointer: string,
  plainOnly: boolean,
): void {
  if (parent[field] !== undefined) textObject(w, parent[field], max, `${pointer}/${field}`, plainOnly);
}

function requiredText(
  w: Walk,
  parent: Json,
  field: string,
  max: number,
  pointer: string,
  plainOnly: boolean,
): void {
  if (parent[field] === undefined) w.errors.push(`missing required field: ${field} ${at(pointer)}`);
  else textObject(w, parent[field], max, `${pointer}/${field}`, plainOnly);
}

function style(w: Walk, parent: Json, pointer: string): void {
  if (parent.style !== undefined && parent.style !== 'primary' && parent.style !== 'danger') {
    w.errors.push(`must be one of primary, danger ${at(`${pointer}/style`)}`);
  }
}

function confirm(w: Walk, element: Json, pointer: string): void {
  if (element.confirm === undefined) return;
  const p = `${pointer}/confirm`;
  if (!isObject(element.confirm)) {
    w.errors.push(`must be an object ${at(p)}`);
    return;
  }
  requiredText(w, element.confirm, 'title', L.confirmTitle, p, true);
  requiredText(w, element.confirm, 'text', L.confirmText, p, false);
  requiredText(w, element.confirm, 'confirm', L.confirmButton, p, true);
  requiredText(w, element.confirm, 'deny', L.confirmButton, p, true);
  style(w, element.confirm, p);
}

function option(w: Walk, value: unknown, pointer: string, plainOnly: boolean): void {
  if (!isObject(value)) {
    w.errors.push(`must be an object ${at(pointer)}`);
    return;
  }
  requiredText(w, value, 'text', L.optionText, pointer, plainOnly);
  requiredString(w, value, 'value', L.optionValue, pointer);
  optionalText(w, value, 'description', L.optionDescription, pointer, plainOnly);
  maxLength(w, value.url, L.url, `${pointer}/url`);
}

function options(
  w: Walk,
  element: Json,
  field: string,
  max: number,
  pointer: string,
  plainOnly: boolean,
): void {
  const required = field === 'options' && element.option_groups === undefined;
  list(w, element, field, max, pointer, required).forEach((o, i) =>
    option(w, o, `${pointer}/${field}/${i}`, plainOnly),
  );
}

function selectMenu(w: Walk, element: Json, pointer: string): void {
  optionalText(w, element, 'placeholder', L.placeholder, pointer, true);
  confirm(w, element, pointer);
}

function staticSelect(w: Walk, element: Json, pointer: string): void {
  selectMenu(w, element, pointer);
  options(w, element, 'options', L.selectOptions, pointer, true);
  list(w, element, 'option_groups', L.optionGroups, pointer, false).forEach((group, i) => {
    const p = `${pointer}/option_groups/${i}`;
    if (!isObject(group)) {
      w.errors.push(`must be an object ${at(p)}`);
      return;
    }
    requiredText(w, group, 'label', L.optionGroupLabel, p, true);
    options(w, group, 'options', L.selectOptions, p, true);
  });
}

type ElementCheck = (w: Walk, element: Json, pointer: string) => void;

const INTERACTIVE: Record<string, ElementCheck> = {
  button: (w, e, p) => {
    requiredText(w, e, 'text', L.buttonText, p, true);
    maxLength(w, e.value, L.buttonValue, `${p}/value`);
    maxLength(w, e.url, L.url, `${p}/url`);
    maxLength(w, e.accessibility_label, L.accessibilityLabel, `${p}/accessibility_label`);
    style(w, e, p);
    confirm(w, e, p);
  },
  static_select: staticSelect,
  multi_static_select: staticSelect,
  users_select: selectMenu,
  multi_users_select: selectMenu,
  conversations_select: selectMenu,
  multi_conversations_select: selectMenu,
  channels_select: selectMenu,
  multi_channels_select: selectMenu,
  external_select: selectMenu,
  multi_external_select: selectMenu,
  overflow: (w, e, p) => {
    options(w, e, 'options', L.overflowOptions, p, true);
    confirm(w, e, p);
  },
  checkboxes: (w, e, p) => {
    options(w, e, 'options', L.checkboxOptions, p, false);
    confirm(w, e, p);
  },
  radio_buttons: (w, e, p) => {
    options(w, e, 'options', L.checkboxOptions, p, false);
    confirm(w, e, p);
  },
  datepicker: selectMenu,
  timepicker: selectMenu,
  plain_text_input: (w, e, p) => {
    optionalText(w, e, 'placeholder', L.placeholder, p, true);
    maxLength(w, e.initial_value, L.plainTextInputLength, `${p}/initial_value`);
    for (const field of ['min_length', 'max_length']) {
      const n = e[field];
      if (n !== undefined && (typeof n !== 'number' || n < 0 || n > L.plainTextInputLength)) {
        w.errors.push(`must be a number no more than ${L.plainTextInputLength} ${at(`${p}/${field}`)}`);
      }
    }
  },
};

const imageElement: ElementCheck = (w, e, p) => {
  if (e.slack_file === undefined) requiredString(w, e, 'image_url', L.imageUrl, p);
  requiredString(w, e, 'alt_text', L.altText, p);
};

// Which element types each container takes (Block Kit reference, "compatible blocks" of each element).
const ACTIONS_ELEMENTS = Object.keys(INTERACTIVE).filter((t) => t !== 'plain_text_input');
const ACCESSORY_ELEMENTS = [...ACTIONS_ELEMENTS, 'image'];
const INPUT_ELEMENTS = Object.keys(INTERACTIVE).filter((t) => t !== 'button' && t !== 'overflow');

function element(w: Walk, value: unknown, pointer: string, allowed: string[], actionIds: Set<string>): void {
  if (!isObject(value)) {
    w.errors.push(`must be an object ${at(pointer)}`);
    return;
  }
  const type = value.type;
  if (typeof type !== 'string' || !allowed.includes(type)) {
    w.errors.push(`unsupported type: ${String(type)} ${at(`${pointer}/type`)}`);
    return;
  }
  if (type === 'image') {
    imageElement(w, value, pointer);
    return;
  }
  const actionId = value.action_id;
  maxLength(w, actionId, L.actionId, `${pointer}/action_id`);
  if (typeof actionId === 'string') {
    // Slack asks action_ids to be unique within their containing block and refuses repeats there.
    if (actionIds.has(actionId)) {
      w.errors.push(`\`action_id\` "${actionId}" already exists ${at(`${pointer}/action_id`)}`);
    }
    actionIds.add(actionId);
  }
  INTERACTIVE[type](w, value, pointer);
}

type BlockCheck = (w: Walk, block: Json, pointer: string, actionIds: Set<string>) => void;

const BLOCKS: Record<string, BlockCheck> = {
  section: (w, b, p, ids) => {
    if (b.text === undefined && b.fields === undefined)
      w.errors.push(`missing required field: text ${at(p)}`);
    optionalText(w, b, 'text', L.sectionText, p, false);
    list(w, b, 'fields', L.sectionFields, p, false).forEach((f, i) =>
      textObject(w, f, L.sectionFieldText, `${p}/fields/${i}`, false),
    );
    if (b.accessory !== undefined) element(w, b.accessory, `${p}/accessory`, ACCESSORY_ELEMENTS, ids);
  },
  divider: () => undefined,
  header: (w, b, p) => requiredText(w, b, 'text', L.headerText, p, true),
  context: (w, b, p) => {
    list(w, b, 'elements', L.contextElements, p, true).forEach((e, i) => {
      const ep = `${p}/elements/${i}`;
      if (isObject(e) && e.type === 'image') imageElement(w, e, ep);
      else textObject(w, e, L.sectionText, ep, false);
    });
  },
  actions: (w, b, p, ids) => {
    list(w, b, 'elements', L.actionsElements, p, true).forEach((e, i) =>
      element(w, e, `${p}/elements/${i}`, ACTIONS_ELEMENTS, ids),
    );
  },
  image: (w, b, p) => {
    imageElement(w, b, p);
    optionalText(w, b, 'title', L.imageTitle, p, true);
  },
  input: (w, b, p, ids) => {
    requiredText(w, b, 'label', L.inputLabel, p, true);
    optionalText(w, b, 'hint', L.inputHint, p, true);
    if (b.element === undefined) w.errors.push(`missing required field: element ${at(p)}`);
    else element(w, b.element, `${p}/element`, INPUT_ELEMENTS, ids);
  },
  markdown: (w, b, p) => requiredString(w, b, 'text', L.markdownText, p),
  // Slack documents no size limit for rich_text; only its shape is checked.
  rich_text: (w, b, p) => {
    list(w, b, 'elements', Infinity, p, true);
  },
};

function blocks(w: Walk, value: unknown[], pointer: string): void {
  value.forEach((block, i) => {
    const p = `${pointer}/${i}`;
    if (!isObject(block)) {
      w.errors.push(`must be an object ${at(p)}`);
      return;
    }
    if (typeof block.type !== 'string' || !(block.type in BLOCKS)) {
      w.errors.push(`unsupported type: ${String(block.type)} ${at(`${p}/type`)}`);
      return;
    }
    maxLength(w, block.block_id, L.blockId, `${p}/block_id`);
    if (typeof block.block_id === 'string') {
      if (w.blockIds.has(block.block_id)) {
        w.errors.push(`\`block_id\` "${block.block_id}" already exists ${at(`${p}/block_id`)}`);
      }
      w.blockIds.add(block.block_id);
    }
    BLOCKS[block.type](w, block, p, new Set());
  });
}

/** Checks a message's `blocks` (chat.postMessage, chat.update, response_url). Empty when Slack would accept them. */
export function validateMessageBlocks(value: unknown[]): string[] {
  const w: Walk = { errors: [], blockIds: new Set() };
  if (value.length > L.messageBlocks)
    w.errors.push(`no more than ${L.messageBlocks} items allowed ${at('/blocks')}`);
  blocks(w, value, '/blocks');
  return w.errors;
}

/** Checks a view (views.open, views.update, views.push, views.publish). Empty when Slack would accept it. */
export function validateView(value: unknown): string[] {
  const w: Walk = { errors: [], blockIds: new Set() };
  const p = '/view';
  if (!isObject(value)) return [`must be an object ${at(p)}`];
  if (value.type !== 'modal' && value.type !== 'home') {
    return [`unsupported type: ${String(value.type)} ${at(`${p}/type`)}`];
  }
  if (value.type === 'modal') {
    requiredText(w, value, 'title', L.viewTitle, p, true);
    optionalText(w, value, 'submit', L.viewButton, p, true);
    optionalText(w, value, 'close', L.viewButton, p, true);
  }
  maxLength(w, value.callback_id, L.callbackId, `${p}/callback_id`);
  maxLength(w, value.external_id, L.externalId, `${p}/external_id`);
  maxLength(w, value.private_metadata, L.privateMetadata, `${p}/private_metadata`);
  const items = list(w, value, 'blocks', L.viewBlocks, p, true);
  blocks(w, items, `${p}/blocks`);
  const hasInput = items.some((b) => isObject(b) && b.type === 'input');
  if (value.type === 'modal' && hasInput && value.submit === undefined) {
    w.errors.push(`missing required field: submit ${at(p)}`);
  }
  return w.errors;
}
