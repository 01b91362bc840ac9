import { describeSchedule } from '../../digest/schedule';
import { describeScope, scopeFromJson } from '../../digest/scope';
import type { DigestSubscription } from '../../store';
import { context, message, section } from './build';
import { inlineCode, listWithin, mention, mrkdwn, plural } from './mrkdwn';
import type { SlackMessage } from './types';

// The private answers to `/rdp digest add|list|remove|run`: which digests a channel has, and what changed.

const LIST_BUDGET = 2800;

const shortId = (subscription: DigestSubscription) => inlineCode(subscription.id.slice(0, 8));

function describe(subscription: DigestSubscription): string {
  const schedule = describeSchedule({ cron: subscription.schedule, timezone: subscription.timezone });
  return `${mrkdwn(schedule, 200)}, ${mrkdwn(describeScope(scopeFromJson(subscription.scope)), 400)}`;
}

/** `2026-03-04 09:00 UTC` */
const when = (date: Date) => `${date.toISOString().slice(0, 10)} ${date.toISOString().slice(11, 16)} UTC`;

export function digestAddedMessage(
  subscription: DigestSubscription,
  nextRuns: readonly Date[],
): SlackMessage {
  const text = `Digest ${shortId(subscription)} added: ${describe(subscription)}.`;
  return message(text, [
    section(`:white_check_mark: ${text}`),
    context([
      nextRuns.length > 0 ? `Next: ${nextRuns.map(when).join(', ')}.` : 'It has no upcoming run.',
      `\`/rdp digest run ${subscription.id.slice(0, 8)}\` posts one now; \`/rdp digest remove ${subscription.id.slice(0, 8)}\` stops it.`,
    ]),
  ]);
}

export function digestListMessage(subscriptions: readonly DigestSubscription[]): SlackMessage {
  if (subscriptions.length === 0) {
    const text =
      'This channel has no digest. `/rdp digest add daily 09:00 Europe/Paris` subscribes it to one.';
    return message(text, [section(text)]);
  }
  const lines = subscriptions.map(
    (subscription) =>
      `• ${shortId(subscription)} ${describe(subscription)}; added by ${mention(subscription.createdBy)}` +
      (subscription.lastReport && typeof subscription.lastReport.at === 'string'
        ? `, last posted ${mrkdwn(subscription.lastReport.at.slice(0, 16).replace('T', ' '), 20)} UTC`
        : ', not posted yet'),
  );
  const text = `*Digests in this channel*\n${listWithin(lines, '\n', LIST_BUDGET, (left) => `• …and ${left} more`)}`;
  return message(`${plural(subscriptions.length, 'digest')} in this channel`, [section(text)]);
}

export function digestRemovedMessage(subscription: DigestSubscription): SlackMessage {
  const text = `Digest ${shortId(subscription)} removed (${describe(subscription)}); it will not post again.`;
  return message(text, [section(text)]);
}

export function digestRunningMessage(subscription: DigestSubscription): SlackMessage {
  const text = `Taking digest ${shortId(subscription)} now; it posts in this channel when the inventory is in.`;
  return message(text, [section(text)]);
}
