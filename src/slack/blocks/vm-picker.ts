import type { types } from '@slack/bolt';
import { context, LIMITS, message, plainText, section } from './build';
import { escapeMrkdwn, inlineCode, mrkdwn, plural, truncate } from './mrkdwn';
import type { KnownBlock, SlackMessage } from './types';

// "Which one?" when a VM name matches several machines. Each candidate gets its own button rather than
// an option of a select: a select option's value holds 150 characters, and a resource id alone can be
// longer (a 90-character resource group and a 64-character name), while a button value holds 2,000,
// enough for the resource id and the original request. The choice then resumes the run from the
// button alone: no state to keep between the question and the click, on any replica.

export const PICK_VM_ACTION_ID = 'pick-vm';

/** One candidate per section and button, leaving room for the question and the note of the rest. */
const MAX_CANDIDATES = LIMITS.messageBlocks - 5;

export interface VmCandidate {
  id: string;
  name: string;
  resourceGroup: string;
  subscriptionId: string;
}

/**
 * What a `pick-vm` button carries back: the chosen machine, the `/rdp` text to run again for it, and the
 * message to reply under when the question came from a message shortcut.
 */
export interface PickVmValue {
  vm: string;
  request: string;
  thread?: string;
}

function pickValue(vm: string, requestText: string, thread: string | undefined): string {
  let request = requestText;
  const valueOf = () => JSON.stringify({ vm, request, ...(thread ? { thread } : {}) } satisfies PickVmValue);
  let value = valueOf();
  // `/rdp` refuses commands over 1,000 characters, so this only cuts text that JSON escaping inflated.
  while (value.length > LIMITS.buttonValue && request.length > 0) {
    const room = request.length - (value.length - LIMITS.buttonValue);
    request = room > 1 ? truncate(request, room) : '';
    value = valueOf();
  }
  return value;
}

/** A choice labelled by where it lives, so two machines of one name are told apart. */
function candidateBlock(
  candidate: VmCandidate,
  requestText: string,
  thread: string | undefined,
): types.SectionBlock {
  const subscription = candidate.subscriptionId.slice(0, 8);
  return {
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: `${mrkdwn(candidate.resourceGroup, 100)} / *${mrkdwn(candidate.name, 100)}* (subscription ${inlineCode(subscription, 20)})`,
    },
    accessory: {
      type: 'button',
      action_id: PICK_VM_ACTION_ID,
      text: plainText(`Diagnose ${candidate.name}`, LIMITS.buttonText),
      value: pickValue(candidate.id, requestText, thread),
    },
  };
}

export function vmPicker(
  target: string,
  candidates: readonly VmCandidate[],
  requestText: string,
  options: { thread?: string; question?: string } = {},
): SlackMessage {
  const question =
    options.question ??
    `${inlineCode(target, 120)} matches ${plural(candidates.length, 'machine')}: which one?`;
  const shown = candidates.slice(0, MAX_CANDIDATES);
  const blocks: KnownBlock[] = [
    section(question),
    ...shown.map((c) => candidateBlock(c, requestText, options.thread)),
  ];
  const hidden = candidates.length - shown.length;
  if (hidden > 0) {
    blocks.push(
      context([
        escapeMrkdwn(
          `…and ${plural(hidden, 'more machine')}. Name one exactly: \`/rdp <resource group>/<vm>\` or its resource id.`,
        ),
      ]),
    );
  }
  return message(
    options.question ?? `${mrkdwn(target, 120)} matches ${plural(candidates.length, 'machine')}: which one?`,
    blocks,
  );
}

/**
 * A name that matches no machine: what rdp-doctor cannot see, in words a channel member can act on,
 * and a button per close name it can see (the same pick-vm button resumes the request for it).
 */
export function didYouMean(
  notFound: string,
  suggestions: readonly VmCandidate[],
  requestText: string,
  options: { thread?: string } = {},
): SlackMessage {
  const blocks: KnownBlock[] = [section(`⚠️ ${mrkdwn(notFound, 2000)}`)];
  if (suggestions.length > 0) {
    blocks.push(
      context(['*Did you mean:*']),
      ...suggestions.map((c) => candidateBlock(c, requestText, options.thread)),
    );
  }
  return message(mrkdwn(notFound, 1000), blocks);
}
