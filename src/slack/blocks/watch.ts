import type { types } from '@slack/bolt';
import { FIX_IDS, type FixId } from '../../diagnosis/ids';
import { describeScope, scopeFromJson } from '../../digest/scope';
import type { Watch } from '../../store';
import type { Blocked } from '../../watch/reachability';
import type { AlertDetail, AlertMachine, RecoveryCause } from '../../watch/service';
import { context, LIMITS, message, plainText, section } from './build';
import { fixName } from './fix-buttons';
import { inlineCode, listWithin, mention, mrkdwn, plural } from './mrkdwn';
import type { KnownBlock, SlackMessage } from './types';

// The watch's messages: the private answers to `/rdp watch add|list|remove`, and the alert a breaking
// change posts to the channel (machines listed in its thread), redrawn as recovered when they reach again.

/** A Diagnose button's action_id names the machine; its value is the machine's resource id. */
export const WATCH_DIAGNOSE_PREFIX = 'watch-diagnose:';
export const WATCH_DIAGNOSE_PATTERN = /^watch-diagnose:/;
/**
 * `watch-fix:<fix id>:<n>`: diagnoses the machine for the source the change cut off and, when the diagnosis
 * offers that fix, proposes it for the two-person approval. Its value is a WatchFixValue.
 */
export const WATCH_FIX_PATTERN = /^watch-fix:/;

/** What a watch fix button carries: the machine and the source it no longer admits. */
export interface WatchFixValue {
  vm: string;
  source: string;
}

/** The fix a `watch-fix:<fix id>:<n>` action id names; null for anything else. */
export function watchFixOf(actionId: string): FixId | null {
  const named = /^watch-fix:([a-z-]+):\d+$/.exec(actionId)?.[1];
  return (FIX_IDS as readonly string[]).includes(named ?? '') ? (named as FixId) : null;
}

/** The value of a watch fix button, when it is well formed (its contents are checked where they are used). */
export function readWatchFixValue(text: string | undefined): WatchFixValue | null {
  try {
    const value = JSON.parse(text ?? '') as Partial<Record<keyof WatchFixValue, unknown>> | null;
    return typeof value?.vm === 'string' && typeof value.source === 'string'
      ? { vm: value.vm, source: value.source }
      : null;
  } catch {
    return null;
  }
}

const LIST_BUDGET = 2800;
/** Machines with buttons (Diagnose, and the fix when there is one) on the alert; the thread names them all. */
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
const nameOf = (id: string) => id.slice(id.lastIndexOf('/') + 1);

/** Why the machine no longer answers, on the platform and network layers. */
export function describeBlocked(blocked: Blocked | null): string {
  if (!blocked) return 'no longer reachable';
  switch (blocked.by) {
    case 'power':
      return `it is ${blocked.powerState}`;
    case 'public-ip':
      return 'it has no public IP';
    case 'nsg': {
      const rule = blocked.rule ? `rule ${blocked.rule}` : 'a rule';
      const where = blocked.nsgId ? ` in NSG ${nameOf(blocked.nsgId)}` : '';
      return blocked.jit
        ? `Just-In-Time ${rule}${where} holds the port shut`
        : `${rule}${where} denies the port`;
    }
    case 'route': {
      const via = blocked.nextHopIp ? ` ${blocked.nextHopIp}` : '';
      return `route ${blocked.route} in route table ${nameOf(blocked.routeTableId)} sends the replies to ${blocked.nextHopType}${via}`;
    }
  }
}

function describeRecovery(cause: RecoveryCause): string {
  switch (cause.kind) {
    case 'fix': {
      const approvers = cause.approvers.map(mention).join(', ') || 'nobody on record';
      return `*${fixName(cause.fixId)}*, proposed by ${mention(cause.proposer)} and approved here by ${approvers}`;
    }
    case 'change':
      return `${mrkdwn(cause.what, 300)} by ${mrkdwn(cause.caller ?? 'an unknown caller', 200)} at ${when(cause.time)}`;
    default:
      return 'a change the activity log does not show yet';
  }
}

function machineButtons(machines: readonly AlertMachine[]): types.Button[] {
  return machines.slice(0, BUTTONS).flatMap((machine, n) => {
    const diagnose: types.Button = {
      type: 'button',
      text: plainText(`Diagnose ${machine.name}`, LIMITS.buttonText),
      action_id: `${WATCH_DIAGNOSE_PREFIX}${machine.name}`.slice(0, 255),
      value: machine.id,
    };
    if (!machine.fix) return [diagnose];
    const value: WatchFixValue = { vm: machine.id, source: machine.sources[0] };
    return [
      diagnose,
      {
        type: 'button',
        text: plainText(`${fixName(machine.fix)}: ${machine.name}`, LIMITS.buttonText),
        action_id: `watch-fix:${machine.fix}:${n}`,
        value: JSON.stringify(value),
      },
    ];
  });
}

/** The alert: what changed, who and when, how many machines it cut off; recovered once they reach again. */
export function watchAlertMessage(detail: AlertDetail): SlackMessage {
  const { change, machines, recovery } = detail;
  const count = plural(machines.length, 'VM');
  const who = `by ${mrkdwn(change.caller ?? 'an unknown caller', 200)} at ${when(change.time)}`;
  if (recovery) {
    const text = `Recovered: the ${count} that ${mrkdwn(detail.what, 300)} cut off reach Remote Desktop again.`;
    return message(text, [
      section(`:white_check_mark: *${text}*`),
      context([`Cut off ${who}. Recovered at ${when(recovery.at)}: ${describeRecovery(recovery.cause)}.`]),
    ]);
  }
  const text = `${mrkdwn(detail.what, 300)} ${who} cuts ${count} off Remote Desktop.`;
  const confirmed = machines.some((machine) => machine.verified)
    ? "Network Watcher's IP flow verify confirms the NSG verdict."
    : 'Judged from the NSG rules and routes the inventory reads.';
  const blocks: KnownBlock[] = [
    section(`:rotating_light: *${text}*`),
    context([
      `Sources no longer admitted: ${mrkdwn([...new Set(machines.flatMap((m) => m.sources))].join(', '), 300)}. ${confirmed} The machines are listed in the thread.`,
    ]),
    { type: 'actions', elements: machineButtons(machines) },
  ];
  return message(text, blocks);
}

/** The thread reply naming every machine the change cut off, and what stops each. */
export function watchAlertMachinesMessage(detail: AlertDetail): SlackMessage {
  const lines = detail.machines.map(
    (machine) =>
      `• ${mrkdwn(machine.name, 80)} (${mrkdwn(machine.resourceGroup, 90)}): ${mrkdwn(describeBlocked(machine.blocked), 200)}`,
  );
  const text = `*Cut off (${detail.machines.length})*\n${listWithin(lines, '\n', LIST_BUDGET, (left) => `• …and ${left} more`)}`;
  return message(`${plural(detail.machines.length, 'VM')} cut off`, [section(text)]);
}
