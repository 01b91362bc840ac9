import type { types } from '@slack/bolt';
import { describeSchedule } from '../../digest/schedule';
import { describeScope, scopeFromJson } from '../../digest/scope';
import type { DigestSubscription, Proposal, RecentDiagnosis } from '../../store';
import { context, divider, header, LIMITS, section } from './build';
import { escapeMrkdwn, inlineCode, listWithin, mention, mrkdwn, plural } from './mrkdwn';
import { approvalButtons } from './proposal';
import type { KnownBlock } from './types';

// The App Home tab: what waits for the viewer's approval (with the same Approve and Deny as the
// proposal message, so a click takes the same path), the viewer's recent diagnoses, and the workspace's
// digests. Drawn from the store each time; the tab holds no state of its own.

/** Slack's limit for a Home tab (https://docs.slack.dev/surfaces/app-home). */
const HOME_BLOCKS = 100;
/** Each waiting proposal takes three blocks; the rest of the tab needs about 15. */
const PROPOSALS_SHOWN = 25;
const LIST_BUDGET = 2800;

export interface HomeContent {
  /** Proposals this viewer may approve now, newest first; null when Slack could not say who approves. */
  awaiting: { proposal: Proposal; fixTitle: string; causeTitle: string }[] | null;
  /** Why `awaiting` is null, in words the viewer can act on. */
  approversProblem?: string;
  diagnoses: RecentDiagnosis[];
  subscriptions: DigestSubscription[];
  /** One line at the top: the answer to the viewer's last click here. */
  notice?: string;
}

function utcTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function awaitingBlocks(content: HomeContent): KnownBlock[] {
  if (content.awaiting === null)
    return [section(`:warning: ${mrkdwn(content.approversProblem ?? '', 2000)}`)];
  if (content.awaiting.length === 0) return [context(['Nothing waits for your approval.'])];
  const shown = content.awaiting.slice(0, PROPOSALS_SHOWN);
  const blocks: KnownBlock[] = shown.flatMap(({ proposal, fixTitle, causeTitle }) => [
    section(
      `*${escapeMrkdwn(fixTitle)}* on *${escapeMrkdwn(proposal.vmName)}*, proposed by ${mention(proposal.proposer)}\n` +
        `Why: ${escapeMrkdwn(causeTitle)} (${inlineCode(proposal.cause)})\n${mrkdwn(proposal.description, 1500)}`,
    ),
    context([
      `Expires ${utcTime(proposal.expiresAt)}` +
        (proposal.channel ? ` · proposed in <#${proposal.channel}>` : ''),
    ]),
    approvalButtons(proposal, `home-proposal:${proposal.id}`),
  ]);
  const hidden = content.awaiting.length - shown.length;
  if (hidden > 0) blocks.push(context([`…and ${plural(hidden, 'more proposal')}; the oldest expire first.`]));
  return blocks;
}

function diagnosesBlock(content: HomeContent): KnownBlock {
  if (content.diagnoses.length === 0) {
    return context([
      'You have not asked for a diagnosis yet: `/rdp <vm>` in a channel, or "Diagnose RDP" on a message.',
    ]);
  }
  const lines = content.diagnoses.map(
    (d) =>
      `• *${mrkdwn(d.vmName, 64)}* · ${mrkdwn(d.verdict.summary, 300)}` +
      ` · ${utcTime(d.createdAt)}${d.channel ? ` in <#${d.channel}>` : ''}`,
  );
  return section(listWithin(lines, '\n', LIST_BUDGET, (left) => `• …and ${left} more`));
}

function subscriptionsBlock(subscriptions: readonly DigestSubscription[]): KnownBlock {
  if (subscriptions.length === 0) {
    return context([
      'No channel takes a digest yet: `/rdp digest add daily 09:00 Europe/Paris` in a channel.',
    ]);
  }
  const lines = subscriptions.map((subscription) => {
    const schedule = describeSchedule({ cron: subscription.schedule, timezone: subscription.timezone });
    const scope = describeScope(scopeFromJson(subscription.scope));
    return `• <#${subscription.channel}> ${inlineCode(subscription.id.slice(0, 8))} ${mrkdwn(schedule, 200)}, ${mrkdwn(scope, 400)}`;
  });
  return section(listWithin(lines, '\n', LIST_BUDGET, (left) => `• …and ${left} more`));
}

export function homeView(content: HomeContent): types.HomeView {
  const waiting = content.awaiting?.length ?? 0;
  const blocks: KnownBlock[] = [
    ...(content.notice ? [section(mrkdwn(content.notice, LIMITS.sectionText)), divider()] : []),
    header(waiting > 0 ? `Waiting for your approval (${waiting})` : 'Waiting for your approval'),
    ...awaitingBlocks(content),
    divider(),
    header('Your recent diagnoses'),
    diagnosesBlock(content),
    divider(),
    header('Digests in this workspace'),
    subscriptionsBlock(content.subscriptions),
  ];
  return { type: 'home', blocks: blocks.slice(0, HOME_BLOCKS) };
}
