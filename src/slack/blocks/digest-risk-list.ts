import type { RiskChange } from '../../digest/report';
import type { RiskId } from '../../digest/risk';
import { RISKS } from '../../digest/risks';
import { context, message, section } from './build';
import { machineButton, riskListButton, type RiskListValue } from './digest-buttons';
import { fixName } from './fix-buttons';
import { escapeMrkdwn, mrkdwn, plural } from './mrkdwn';
import type { KnownBlock, SlackMessage } from './types';

// What a digest's `List the N machines` button shows the person who clicked it, privately: the machines
// the digest found the risk on, a page at a time, each with its action as a button.

/** Machines per page: one block each, under Slack's 50 blocks with the heading and the page buttons. */
export const LIST_PAGE = 40;

const titleOf = (risk: RiskId) => RISKS.find((rule) => rule.id === risk)?.title ?? risk;

/** `2026-03-04 09:00 UTC` */
const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/** The resource group a machine's resource id names. */
const groupOf = (id: string) => /\/resourceGroups\/([^/]+)\//i.exec(id)?.[1] ?? '';

export function riskListMessage(value: RiskListValue, machines: readonly RiskChange[]): SlackMessage {
  const pages = Math.max(1, Math.ceil(machines.length / LIST_PAGE));
  const page = Math.min(value.page, pages - 1);
  const shown = machines.slice(page * LIST_PAGE, (page + 1) * LIST_PAGE);
  const title = `*${escapeMrkdwn(titleOf(value.risk))}*: ${plural(machines.length, 'machine')} in the digest of ${when(value.at)}`;
  const action = value.fix
    ? `Each button diagnoses its machine and, when the diagnosis still finds the risk, proposes *${escapeMrkdwn(fixName(value.fix))}* for approval.`
    : 'Each button diagnoses its machine in the channel.';
  const blocks: KnownBlock[] = [
    section(`${title}\n${action}`),
    ...shown.map((machine, n) => ({
      ...section(`*${mrkdwn(machine.machineName, 80)}* · ${mrkdwn(groupOf(machine.machineId), 90)}`),
      block_id: `machine:${n}`,
      accessory: machineButton({ id: machine.machineId, name: machine.machineName }, value.fix, n),
    })),
  ];
  if (machines.length === 0) blocks.push(context(['The digest found it on no machine.']));
  if (pages > 1) {
    const turn = (to: number, text: string, actionId: string) =>
      riskListButton({ ...value, page: to }, text, actionId);
    blocks.push(
      context([`Machines ${page * LIST_PAGE + 1}–${page * LIST_PAGE + shown.length} of ${machines.length}`]),
      {
        type: 'actions',
        block_id: 'pages',
        elements: [
          ...(page > 0 ? [turn(page - 1, 'Previous page', 'digest-list:previous')] : []),
          ...(page < pages - 1 ? [turn(page + 1, 'Next page', 'digest-list:next')] : []),
        ],
      },
    );
  }
  return message(`${titleOf(value.risk)}: ${plural(machines.length, 'machine')}`, blocks);
}

/** The list a button asked for is no longer the one its digest left: say which digest holds it now. */
export function riskListGoneMessage(value: RiskListValue, now: { at: string } | null): SlackMessage {
  const text = !now
    ? 'That digest is not on record in this channel (removed, or posted elsewhere), so it has no list here.'
    : now.at < value.at
      ? 'That digest is still being saved; click again in a moment.'
      : `That list belongs to the digest of ${when(value.at)}; the digest of ${when(now.at)} replaced it: use the list under that one.`;
  return message(text, [section(text)]);
}
