import { LAYERS, type Layer, type MetricsFacts } from '../../diagnosis/facts';
import type { Check, Finding, Report } from '../../diagnosis/report';
import { context, contentLength, LIMITS, message, MESSAGE_CONTENT_BUDGET, section } from './build';
import { CHECK_MARKS, LAYER_LABELS, layerLine } from './layers';
import { bullets, codeBlock, elapsed, inlineCode, mrkdwn, plural } from './mrkdwn';
import { metricLines } from './sparklines';
import type { KnownBlock, SlackMessage } from './types';

// The thread under the diagnosis message: every check, grouped by layer along the path, with its
// status, summary, evidence and the command that confirms it by hand, then the platform metrics. It
// is split into as many messages as Slack's limits need.

/** A block of the thread, and the layer it continues when a new message has to start with it. */
interface Unit {
  block: KnownBlock;
  layer?: Layer;
}

/** The evidence gets what is left of the section after the summary, advice and command (at least 1,200). */
function checkText(check: Check, finding: Finding | undefined): string {
  const head = `${CHECK_MARKS[check.status]} ${inlineCode(check.id)} ${mrkdwn(check.summary, 600)}`;
  const tail = [
    ...(finding?.advice ? [`_What to do:_ ${mrkdwn(finding.advice, 400)}`] : []),
    ...(check.confirm ? [`_Confirm:_\n${codeBlock(check.confirm, 700)}`] : []),
  ];
  const evidence = finding?.evidence ?? (check.evidence ? check.evidence.split('; ') : []);
  const budget = LIMITS.sectionText - [head, ...tail].join('\n').length - 1;
  const more = (left: number) => `• …and ${plural(left, 'more item')}`;
  const limits = { maxItems: 20, maxEach: Math.min(1500, budget - 2 - more(20).length - 1), budget };
  const listed = evidence.length > 0 ? [bullets(evidence, limits, more)] : [];
  return [head, ...listed, ...tail].join('\n');
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
  for (const layer of LAYERS) {
    const checks = report.checks.filter((c) => c.layer === layer);
    if (checks.length === 0) continue;
    units.push({ block: section(layerLine(layer, checks, false)) });
    for (const check of checks) {
      const finding = report.findings.find((f) => f.cause === check.id);
      units.push({ block: section(checkText(check, finding)), layer });
    }
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
