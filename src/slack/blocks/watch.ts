import { describeScope, scopeFromJson } from '../../digest/scope';
import type { Watch } from '../../store';
import type { AlertDetail } from '../../watch/service';
import { context, message, plainText, section } from './build';
import { inlineCode, listWithin, mention, mrkdwn, plural } from './mrkdwn';
import type { KnownBlock, SlackMessage } from './types';

// The watch's messages: the private answers to `/rdp watch add|list|remove`, and the alert a breaking
// change posts to the channel (machines listed in its thread), redrawn as recovered when they reach again.

/** A Diagnose button's action_id names the machine; its value is the machine's resource id. */
export const WATCH_DIAGNOSE_PREFIX = 'watch-diagnose:';
export const WATCH_DIAGNOSE_PATTERN = /^watch-diagnose:/;

const LIST_BUDGET = 2800;
/** Diagnose buttons on the alert itself; the thread names every machine. */
const BUTTONS = 5;

const shortId = (watch: Watch) => inlineCode(watch.id.slice(0, 8));

function describe(watch: Watch): string {
  return `${mrkdwn(describeScope(scopeFromJson(watch.scope)), 400)}, from ${mrkdwn(watch.sources.join(', ') || 'no source', 300)}`;
}

export function watchAddedMessage(watch: Watch): SlackMessage {
  const text = `Watch ${shortId(watch)} added: ${describe(watch)}.`;
  return message(text, [
    section(`:eyes: ${text}`),
    context([
      `Every minute it reads what changed; a change that cuts these sources off posts here. \`/rdp watch remove ${watch.id.slice(0, 8)}\` stops it.`,
    ]),
  ]);
}

export function watchListMessage(watches: readonly Watch[]): SlackMessage {
  if (watches.length === 0) {
    const text = 'This channel has no watch. `/rdp watch add rg:<group>` starts one.';
    return message(text, [section(text)]);
  }
  const lines = watches.map(
    (watch) => `• ${shortId(watch)} ${describe(watch)}; added by ${mention(watch.createdBy)}`,
  );
  const text = `*Watches in this channel*\n${listWithin(lines, '\n', LIST_BUDGET, (left) => `• …and ${left} more`)}`;
  return message(`${plural(watches.length, 'watch', 'watches')} in this channel`, [section(text)]);
}

export function watchRemovedMessage(watch: Watch): SlackMessage {
  const text = `Watch ${shortId(watch)} removed (${describe(watch)}); it will not post again.`;
  return message(text, [section(text)]);
}

const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;

/** The alert: what changed, who and when, how many machines it cut off; recovered once they reach again. */
export function watchAlertMessage(detail: AlertDetail): SlackMessage {
  const { change, machines, recovery } = detail;
  const count = plural(machines.length, 'VM');
  const who = `by ${mrkdwn(change.caller ?? 'an unknown caller', 200)} at ${when(change.time)}`;
  if (recovery) {
    const text = `Recovered: the ${count} that ${mrkdwn(detail.what, 300)} cut off reach Remote Desktop again.`;
    return message(text, [
      section(`:white_check_mark: *${text}*`),
      context([`Cut off ${who}. Recovered at ${when(recovery.at)}: ${mrkdwn(recovery.cause, 500)}.`]),
    ]);
  }
  const text = `${mrkdwn(detail.what, 300)} ${who} cuts ${count} off Remote Desktop.`;
  const blocks: KnownBlock[] = [
    section(`:rotating_light: *${text}*`),
    context([
      `Sources no longer admitted: ${mrkdwn([...new Set(machines.flatMap((m) => m.sources))].join(', '), 300)}. The machines are listed in the thread.`,
    ]),
    {
      type: 'actions',
      elements: machines.slice(0, BUTTONS).map((machine) => ({
        type: 'button' as const,
        text: plainText(`Diagnose ${machine.name}`, 75),
        action_id: `${WATCH_DIAGNOSE_PREFIX}${machine.name}`.slice(0, 255),
        value: machine.id,
      })),
    },
  ];
  return message(text, blocks);
}

/** The thread reply naming every machine the change cut off. */
export function watchAlertMachinesMessage(detail: AlertDetail): SlackMessage {
  const lines = detail.machines.map(
    (machine) => `• ${mrkdwn(machine.name, 80)} (${mrkdwn(machine.resourceGroup, 90)})`,
  );
  const text = `*Cut off (${detail.machines.length})*\n${listWithin(lines, '\n', LIST_BUDGET, (left) => `• …and ${left} more`)}`;
  return message(`${plural(detail.machines.length, 'VM')} cut off`, [section(text)]);
}
