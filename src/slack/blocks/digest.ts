import type { DigestReport, RiskChange } from '../../digest/report';
import { describeSchedule } from '../../digest/schedule';
import { describeScope, scopeFromJson } from '../../digest/scope';
import type { DigestSubscription } from '../../store';
import type { RiskFinding, RiskId, RiskRule } from '../../digest/risk';
import { RISKS } from '../../digest/risks';
import {
  contentLength,
  context,
  divider,
  header,
  LIMITS,
  MESSAGE_CONTENT_BUDGET,
  message,
  section,
} from './build';
import { machineButton, riskListButton, type RiskListValue } from './digest-buttons';
import { fixName } from './fix-buttons';
import { escapeMrkdwn, inlineCode, listWithin, mention, mrkdwn } from './mrkdwn';
import type { KnownBlock, SlackMessage } from './types';

// The channel health digest in Block Kit: one message with the headline, the risks grouped riskiest
// first, what changed since the last digest and the period's diagnoses and fixes. A risk found on a few
// machines names each with its evidence and a button for its action; a risk many machines share is one
// line with the count and a button that lists them, so the rare risks stand out. Change lists too long
// for the message continue in thread replies, each within Slack's limits.

/** A risk on more machines than this is one line with a count; on fewer, each machine is named. */
const SPELLED_OUT = 3;
const EVIDENCE_CHARS = 220;
/**
 * A named risk group's share of the main message, its buttons included: room for three machines'
 * evidence. When the groups together do not fit, the lowest-ranked become list lines (riskBlocks).
 */
const GROUP_BUDGET = 1800;
const CHANGES_BUDGET = 1200;
const PERIOD_BUDGET = 1200;
/** A thread page: room under the per-message limits for the page's heading and its sections. */
const PAGE_BLOCKS = 40;
const PAGE_BUDGET = MESSAGE_CONTENT_BUDGET - 1000;
const SECTION_BUDGET = LIMITS.sectionText - 100;
/** Beyond this many replies a thread stops being readable; the last page says how many were left out. */
const MAX_THREAD_MESSAGES = 20;

export interface DigestMessages {
  main: SlackMessage;
  /** Replies in the main message's thread, in order. */
  thread: SlackMessage[];
}

const RULES = new Map<RiskId, RiskRule>(RISKS.map((rule) => [rule.id, rule]));
const titleOf = (risk: RiskId) => RULES.get(risk)?.title ?? risk;
const iconOf = (risk: RiskId) =>
  RULES.get(risk)?.severity === 'critical' ? ':rotating_light:' : ':warning:';

/** `2026-03-04 09:00 UTC` */
function when(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

const count = (value: number) => value.toLocaleString('en-US');
const counted = (value: number, one: string, many = `${one}s`) =>
  `${count(value)} ${value === 1 ? one : many}`;

function machineLine(finding: RiskFinding): string {
  const evidence = finding.evidence.join('; ');
  return `• *${mrkdwn(finding.machine.name, 80)}* (${mrkdwn(finding.machine.resourceGroup, 90)}): ${mrkdwn(evidence, EVIDENCE_CHARS)}`;
}

function advice(finding: RiskFinding): string {
  return finding.advice ? `_What to do:_ ${mrkdwn(finding.advice, 400)}` : '';
}

function groups(findings: readonly RiskFinding[]): [RiskId, RiskFinding[]][] {
  const byRisk = new Map<RiskId, RiskFinding[]>();
  for (const finding of findings) {
    const group = byRisk.get(finding.risk);
    if (group) group.push(finding);
    else byRisk.set(finding.risk, [finding]);
  }
  return [...byRisk.entries()];
}

function headline(report: DigestReport): string {
  const counts = `*${counted(report.machines, 'machine')}*, *${count(report.atRisk)} at risk*`;
  if (report.machines === 0)
    return `No machines in scope (${mrkdwn(report.scope, 300)}): check the scope with \`/rdp digest list\`.`;
  if (!report.changes) return `${counts}. This is the first digest here: the next one says what changed.`;
  const { added, resolved } = report.changes;
  const changed = added.length + resolved.length;
  return changed === 0
    ? `${counts}, nothing changed since the last digest (${when(report.previousAt ?? report.periodStart)}).`
    : `${counts}, *${count(changed)} changed* since the last digest (${when(report.previousAt ?? report.periodStart)}): ` +
        `${count(added.length)} new, ${count(resolved.length)} resolved.`;
}

function footnotes(report: DigestReport): string[] {
  const { metrics, throttledMs, calls, warnings } = report.inventory;
  const notes = [
    `Scope: ${mrkdwn(report.scope, 300)} · digest ${inlineCode(report.digestId.slice(0, 8))} · ` +
      `${when(report.generatedAt)} · ${counted(calls, 'Azure call')}`,
    metrics.flagged === 0
      ? 'No running machine needed its metrics read.'
      : `Metrics read for ${metrics.read} of ${counted(metrics.flagged, 'flagged machine')}` +
        (metrics.flagged > metrics.cap ? ` (at most ${metrics.cap} a digest)` : '') +
        '.',
  ];
  if (metrics.failures.length > 0)
    notes.push(`Metrics failed for ${mrkdwn(metrics.failures.join('; '), 400)}`);
  for (const warning of warnings) notes.push(`Not seen in full: ${mrkdwn(warning, 400)}.`);
  if (throttledMs > 0)
    notes.push(`Azure throttled the inventory; the digest waited ${Math.round(throttledMs / 1000)} s.`);
  return notes;
}

/** A risk's blocks: its machines named with their evidence and actions, or one line with a list button. */
function groupBlocks(
  report: DigestReport,
  risk: RiskId,
  findings: readonly RiskFinding[],
  spelledOut: boolean,
): KnownBlock[] {
  const title = `${iconOf(risk)} *${escapeMrkdwn(titleOf(risk))}*`;
  const fix = findings[0].fix;
  if (!spelledOut) {
    const what = fix
      ? `_Fix:_ each machine's button in the list diagnoses it and proposes *${escapeMrkdwn(fixName(fix))}* for approval.`
      : advice(findings[0]);
    const list: RiskListValue = { digest: report.digestId, at: report.generatedAt, risk, fix, page: 0 };
    return [
      {
        ...section([`${title} · *${counted(findings.length, 'machine')}*`, what].filter(Boolean).join('\n')),
        block_id: `risk:${risk}`,
        accessory: riskListButton(list, `List the ${count(findings.length)} machines`, `digest-list:${risk}`),
      },
    ];
  }
  const what = advice(findings[0]);
  const actions: KnownBlock = {
    type: 'actions',
    block_id: `risk:${risk}`,
    elements: findings.map((finding, n) => machineButton(finding.machine, fix, n)),
  };
  const heading = `${title} · ${counted(findings.length, 'machine')}`;
  // Evidence gets what the heading, the advice and the buttons leave; a machine cut from the text
  // still has its button.
  const budget = Math.max(24, GROUP_BUDGET - contentLength(actions) - heading.length - what.length - 2);
  const lines = listWithin(findings.map(machineLine), '\n', budget, (left) => `• …and ${count(left)} more`);
  return [section([heading, lines, what].filter(Boolean).join('\n')), actions];
}

function changeText(changes: readonly RiskChange[], budget: number): string {
  const items = changes.map(
    (change) => `*${mrkdwn(change.machineName, 80)}* ${escapeMrkdwn(titleOf(change.risk).toLowerCase())}`,
  );
  return listWithin(items, '; ', budget, (left) => `…and ${count(left)} more in the thread`);
}

function changesSection(report: DigestReport): { text: string; cut: boolean } | null {
  if (!report.changes) return null;
  const { added, resolved } = report.changes;
  if (added.length + resolved.length === 0) return null;
  const half = CHANGES_BUDGET / 2;
  const lines = ['*Since the last digest*'];
  const addedText = changeText(added, half);
  const resolvedText = changeText(resolved, half);
  if (added.length > 0) lines.push(`:new: ${count(added.length)} new: ${addedText}`);
  if (resolved.length > 0)
    lines.push(`:white_check_mark: ${count(resolved.length)} resolved: ${resolvedText}`);
  const cut = /more in the thread$/.test(addedText) || /more in the thread$/.test(resolvedText);
  return { text: lines.join('\n'), cut };
}

function periodSection(report: DigestReport): string | null {
  if (report.diagnoses.length === 0 && report.proposals.length === 0) return null;
  const lines = [
    ...report.diagnoses.map(
      (d) =>
        `• ${when(d.at)} *${mrkdwn(d.vmName, 80)}*: ` +
        (d.layer !== 'none'
          ? `${d.layer} layer, ${d.causes.map((c) => inlineCode(c)).join(', ')}`
          : d.checksNotRun > 0
            ? `incomplete, ${counted(d.checksNotRun, 'check')} could not run`
            : 'every layer checked clean'),
    ),
    ...report.proposals.map(
      (p) =>
        `• ${when(p.at)} fix ${inlineCode(p.fixId)} on *${mrkdwn(p.vmName, 80)}* for ${inlineCode(p.cause)}: ` +
        `${p.state}, proposed by ${mention(p.proposer)}`,
    ),
  ];
  const title =
    `*This period* (since ${when(report.periodStart)}): ${counted(report.diagnoses.length, 'diagnosis', 'diagnoses')}, ` +
    `${counted(report.proposals.length, 'fix proposal')}`;
  return `${title}\n${listWithin(lines, '\n', PERIOD_BUDGET, (left) => `• …and ${count(left)} more`)}`;
}

/** Lines packed into sections under the section limit, the first under a title. */
function sectionsOf(title: string, lines: readonly string[]): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  let text = title;
  for (const line of lines) {
    if (text.length + 1 + line.length > SECTION_BUDGET) {
      blocks.push(section(text));
      text = line;
    } else text = `${text}\n${line}`;
  }
  blocks.push(section(text));
  return blocks;
}

/** How many list lines (`• …`) the blocks hold. */
function contentLines(blocks: readonly KnownBlock[]): number {
  return blocks.reduce((sum, block) => {
    const text = block.type === 'section' ? (block.text?.text ?? '') : '';
    return sum + (text.match(/^• /gm)?.length ?? 0);
  }, 0);
}

/** Blocks packed into messages under the block and content limits; the last says what was left out. */
function pages(blocks: readonly KnownBlock[], fallback: string): SlackMessage[] {
  const out: KnownBlock[][] = [[]];
  let size = 0;
  for (const block of blocks) {
    const length = contentLength(block);
    const page = out[out.length - 1];
    if (page.length > 0 && (page.length >= PAGE_BLOCKS || size + length > PAGE_BUDGET)) {
      out.push([block]);
      size = length;
    } else {
      page.push(block);
      size += length;
    }
  }
  const kept = out.slice(0, MAX_THREAD_MESSAGES);
  if (out.length > kept.length) {
    const left = contentLines(out.slice(kept.length).flat());
    kept[kept.length - 1] = [
      ...kept[kept.length - 1],
      context([
        `${counted(left, 'more line')} not listed: narrow the digest with \`rg:\` or \`tag:\` to see them.`,
      ]),
    ];
  }
  return kept.map((page, index) => message(`${fallback} (${index + 1}/${kept.length})`, page));
}

/**
 * The risk groups within `budget`: a risk on a few machines names them, unless the message would not
 * fit; then the lowest-ranked of those become one line with a list button too, until it does.
 */
function riskBlocks(
  report: DigestReport,
  grouped: readonly [RiskId, RiskFinding[]][],
  budget: number,
): KnownBlock[] {
  const spelledOut = grouped.map(([, findings]) => findings.length <= SPELLED_OUT);
  const draw = () =>
    grouped.flatMap(([risk, findings], i) => groupBlocks(report, risk, findings, spelledOut[i]));
  let blocks = draw();
  while (contentLength(blocks) > budget && spelledOut.includes(true)) {
    spelledOut[spelledOut.lastIndexOf(true)] = false;
    blocks = draw();
  }
  return blocks;
}

export function digestMessages(report: DigestReport): DigestMessages {
  const grouped = groups(report.findings);
  const blocks: KnownBlock[] = [
    header('RDP health digest'),
    section(headline(report)),
    context(footnotes(report)),
  ];
  const threadBlocks: KnownBlock[] = [];
  if (grouped.length > 0) blocks.push(divider());
  else if (report.machines > 0)
    blocks.push(section(':white_check_mark: No machine carries a risk the guide warns about.'));
  const rest: KnownBlock[] = [];
  const changes = changesSection(report);
  if (changes) {
    rest.push(divider(), section(changes.text));
    if (changes.cut && report.changes) {
      const line = (change: RiskChange) =>
        `• *${mrkdwn(change.machineName, 80)}*: ${escapeMrkdwn(titleOf(change.risk).toLowerCase())}`;
      if (report.changes.added.length > 0)
        threadBlocks.push(...sectionsOf(':new: *New since the last digest*', report.changes.added.map(line)));
      if (report.changes.resolved.length > 0) {
        threadBlocks.push(
          ...sectionsOf(
            ':white_check_mark: *Resolved since the last digest*',
            report.changes.resolved.map(line),
          ),
        );
      }
    }
  }
  const period = periodSection(report);
  if (period) rest.push(divider(), section(period));
  if (threadBlocks.length > 0) rest.push(context(['The full lists of changes are in the thread.']));
  blocks.push(
    ...riskBlocks(report, grouped, MESSAGE_CONTENT_BUDGET - contentLength([...blocks, ...rest])),
    ...rest,
  );
  const fallback = `RDP health digest: ${report.machines} machines, ${report.atRisk} at risk`;
  return {
    main: message(fallback, blocks),
    thread: threadBlocks.length > 0 ? pages(threadBlocks, fallback) : [],
  };
}

/**
 * A digest that could not be built, in the channel it would have gone to: that it failed, why (the
 * Azure error in its own plain words) and when the schedule tries again.
 */
export function digestFailedMessage(
  subscription: DigestSubscription,
  reason: string,
  next: Date | null,
): SlackMessage {
  const schedule = describeSchedule({ cron: subscription.schedule, timezone: subscription.timezone });
  const retry = next
    ? `The next try is ${when(next.toISOString())} (${mrkdwn(schedule, 200)}).`
    : 'Its schedule has no upcoming run.';
  const text = `The RDP health digest could not be built: ${reason}`;
  return message(text, [
    section(`:x: *The RDP health digest could not be built.* ${mrkdwn(reason, 2000)}`),
    section(retry),
    context([
      `Scope: ${mrkdwn(describeScope(scopeFromJson(subscription.scope)), 300)} · digest ${inlineCode(subscription.id.slice(0, 8))} · ` +
        `\`/rdp digest run ${subscription.id.slice(0, 8)}\` tries now`,
    ]),
  ]);
}
