import { LAYERS, type Layer, type MetricsFacts } from '../../diagnosis/facts';
import { layerState, reasonNotChecked } from '../../diagnosis/layers';
import type { Check, CheckStatus, Finding, LayerState, Report } from '../../diagnosis/report';
import { context, contentLength, LIMITS, message, MESSAGE_CONTENT_BUDGET, section } from './build';
import { CHECK_MARKS, LAYER_LABELS, layerLine } from './layers';
import { bullets, codeBlock, elapsed, link, listWithin, mrkdwn, plural } from './mrkdwn';
import { metricLines } from './sparklines';
import type { KnownBlock, SlackMessage } from './types';

// The thread under the diagnosis message, for reading, not scrolling: layer by layer along the path,
// what failed, warned or could not run in full (evidence, advice, the command that confirms it), what
// passed as one line per layer, then the platform metrics. Split into as many messages as Slack's
// limits need.

/** Checks shown in full; passing and skipped ones are summed up per layer. */
const LOUD: ReadonlySet<CheckStatus> = new Set(['fail', 'warn']);

/** A block of the thread, and the layer it continues when a new message has to start with it. */
interface Unit {
  block: KnownBlock;
  layer?: Layer;
}

/**
 * A failing, warning or errored check in full. The evidence gets what is left of the section after the
 * summary, advice and command (at least 1,200). `confirm` is false when the command is shown elsewhere.
 */
function checkText(check: Check, finding: Finding | undefined, confirm: boolean): string {
  const head = `${CHECK_MARKS[check.status]} *${mrkdwn(check.title, 200)}*: ${mrkdwn(check.summary, 600)}`;
  const links = finding?.links ?? [];
  const tail = [
    ...(finding?.advice ? [`_What to do:_ ${mrkdwn(finding.advice, 400)}`] : []),
    ...(links.length > 0 ? [`_In Azure:_ ${links.map((l) => link(l.url, l.label)).join(' · ')}`] : []),
    ...(confirm && check.confirm ? [`_Confirm:_\n${codeBlock(check.confirm, 700)}`] : []),
  ];
  const evidence = finding?.evidence ?? (check.evidence ? check.evidence.split('; ') : []);
  const budget = LIMITS.sectionText - [head, ...tail].join('\n').length - 1;
  const more = (left: number) => `• …and ${plural(left, 'more item')}`;
  const limits = { maxItems: 20, maxEach: Math.min(1500, budget - 2 - more(20).length - 1), budget };
  const listed = evidence.length > 0 ? [bullets(evidence, limits, more)] : [];
  return [head, ...listed, ...tail].join('\n');
}

/** Checks that could not run, one section per reason: the same timeout is said once, not per check. */
function erroredTexts(checks: readonly Check[], shown: Set<string>): string[] {
  const byReason = new Map<string, Check[]>();
  for (const check of checks.filter((c) => c.status === 'error')) {
    const reason = reasonNotChecked(check);
    byReason.set(reason, [...(byReason.get(reason) ?? []), check]);
  }
  return [...byReason].map(([reason, group]) => {
    const labels = mrkdwn(group.map((c) => c.label).join(', '), 1200);
    const commands = [...new Set(group.map((c) => c.confirm).filter((c) => c && !shown.has(c)))];
    commands.forEach((c) => shown.add(c));
    const confirm = commands.slice(0, 2).map((c) => `_Confirm:_\n${codeBlock(c, 700)}`);
    return [`${CHECK_MARKS.error} *Could not check ${labels}:* ${mrkdwn(reason, 600)}`, ...confirm].join(
      '\n',
    );
  });
}

/**
 * The checks that found nothing, as one line per layer named by what they looked at. In a layer the
 * session never reaches they are not called clean: nothing was wrong there, but it is not the path.
 */
function quietLines(checks: readonly Check[], state: LayerState): string[] {
  const passed = checks.filter((c) => c.status === 'pass').map((c) => c.label);
  const skipped = checks.filter((c) => c.status === 'skipped');
  const lines: string[] = [];
  if (passed.length > 0) {
    const what = mrkdwn(passed.join(', '), 1200);
    lines.push(
      state.status === 'not-checked'
        ? `➖ ${what}: nothing wrong seen, but ${mrkdwn(state.reason ?? 'the session does not get this far', 300)}`
        : `✅ ${what}: clean`,
    );
  }
  if (skipped.length > 0) {
    const items = skipped.map((c) => `${mrkdwn(c.label, 100)} (${mrkdwn(c.summary, 200)})`);
    lines.push(`➖ Not applicable: ${listWithin(items, '; ', 1400, (left) => `…and ${left} more`)}`);
  }
  return lines;
}

function metricUnits(metrics: MetricsFacts): Unit[] {
  const title = `*Platform metrics*: ${metrics.intervalMinutes}-minute averages, oldest to newest`;
  const sections: string[] = [title];
  for (const line of metricLines(metrics)) {
    const last = sections[sections.length - 1];
    if (last.length + 1 + line.length > LIMITS.sectionText) sections.push(line);
    else sections[sections.length - 1] = `${last}\n${line}`;
  }
  return sections.map((text) => ({ block: section(text) }));
}

function paginate(units: readonly Unit[]): KnownBlock[][] {
  const pages: KnownBlock[][] = [];
  let page: KnownBlock[] = [];
  let size = 0;
  for (const unit of units) {
    const length = contentLength(unit.block);
    if (page.length > 0 && (page.length >= LIMITS.messageBlocks || size + length > MESSAGE_CONTENT_BUDGET)) {
      pages.push(page);
      page = [];
      size = 0;
      if (unit.layer) {
        const continued = context([`*${LAYER_LABELS[unit.layer]}*, continued`]);
        page.push(continued);
        size += contentLength(continued);
      }
    }
    page.push(unit.block);
    size += length;
  }
  if (page.length > 0) pages.push(page);
  return pages;
}

export function diagnosisDetails(report: Report, extras: { metrics?: MetricsFacts } = {}): SlackMessage[] {
  const name = mrkdwn(report.vm.name, 100);
  const units: Unit[] = [
    {
      block: section(
        `*Every check on ${name}, layer by layer*: ${plural(report.checks.length, 'check')} in ` +
          elapsed(report.startedAt, report.finishedAt),
      ),
    },
  ];
  // The deciding cause's command is on the channel message; every other command is shown once.
  const shown = new Set<string>();
  const deciding = report.checks.find((c) => c.id === report.verdict.causes[0]);
  if (deciding?.confirm) shown.add(deciding.confirm);
  for (const layer of LAYERS) {
    const checks = report.checks.filter((c) => c.layer === layer);
    if (checks.length === 0) continue;
    const state = layerState(layer, checks, report.verdict);
    units.push({ block: section(layerLine(layer, checks, false, report.verdict, report.provisional)) });
    for (const check of checks.filter((c) => LOUD.has(c.status))) {
      const finding = report.findings.find((f) => f.cause === check.id);
      const confirm = !shown.has(check.confirm);
      shown.add(check.confirm);
      units.push({ block: section(checkText(check, finding, confirm)), layer });
    }
    for (const text of erroredTexts(checks, shown)) units.push({ block: section(text), layer });
    const quiet = quietLines(checks, state);
    if (quiet.length > 0) units.push({ block: section(quiet.join('\n')), layer });
  }
  if (extras.metrics && extras.metrics.series.length > 0) units.push(...metricUnits(extras.metrics));
  const pages = paginate(units);
  return pages.map((blocks, i) =>
    message(
      `${name}: every check, layer by layer${pages.length > 1 ? ` (${i + 1}/${pages.length})` : ''}`,
      blocks,
    ),
  );
}
