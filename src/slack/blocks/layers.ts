import { LAYERS, type Layer } from '../../diagnosis/facts';
import { layerState } from '../../diagnosis/layers';
import type { Check, CheckStatus, ProvisionalVerdict, Verdict } from '../../diagnosis/report';
import { mrkdwn, plural } from './mrkdwn';

// The four layers of the guide, preceded by the machine itself, in the order a session travels them.

export const LAYER_LABELS: Record<Layer, string> = {
  platform: 'Machine up and visible',
  network: 'Network path',
  service: 'RDP service',
  auth: 'Authentication',
  guest: 'Guest OS state',
};

export const CHECK_MARKS: Record<CheckStatus, string> = {
  pass: '✅',
  fail: '❌',
  warn: '🟡',
  error: '⚠️',
  skipped: '➖',
};

/**
 * One layer's state as a line: still checking, failing (with what failed, in words), clean, incomplete,
 * not checked (after the failing layer, or its checks could not run: with why), or not applicable.
 * `stopped` says the run died, so nothing is "checking" any more.
 */
export function layerLine(
  layer: Layer,
  checks: readonly Check[] | undefined,
  stopped: boolean,
  verdict?: Verdict,
  /** The network layer's provisional verdict: shown until its checks are in, then what they made of it. */
  provisional?: ProvisionalVerdict,
): string {
  const label = `*${LAYER_LABELS[layer]}*`;
  const pastVerdict =
    verdict !== undefined &&
    verdict.layer !== 'none' &&
    LAYERS.indexOf(layer) > LAYERS.indexOf(verdict.layer);
  if (!checks && !pastVerdict) {
    if (stopped) return `➖ ${label}: not checked`;
    return provisional?.layer === layer ? provisionalText(label, provisional) : `⏳ ${label}: checking…`;
  }
  const line = settledLine(layer, label, checks, verdict);
  return provisional?.layer === layer && provisional.note
    ? `${line} · provisional verdict ${mrkdwn(provisional.note, 300)}`
    : line;
}

/** The provisional verdict while the layer's checks run: labelled so, and what will confirm it. */
function provisionalText(label: string, provisional: ProvisionalVerdict): string {
  const summary = mrkdwn(provisional.summary, 400);
  return provisional.access === 'Deny'
    ? `❌ ${label}: _provisional_ (NSG rules as written): ${summary} Confirming with the effective rules and IP flow verify…`
    : `⏳ ${label}: _provisional_ (NSG rules as written): ${summary} Checking the rest of the path…`;
}

function settledLine(
  layer: Layer,
  label: string,
  checks: readonly Check[] | undefined,
  verdict: Verdict | undefined,
): string {
  const state = layerState(layer, checks ?? [], verdict);
  const all = checks ?? [];
  const errored = all.filter((c) => c.status === 'error');
  switch (state.status) {
    case 'failing': {
      const failed = all.filter((c) => c.status === 'fail').map((c) => mrkdwn(c.title, 200));
      const notRun = errored.length > 0 ? ` (${plural(errored.length, 'check')} could not run)` : '';
      return `❌ ${label}: ${failed.join(', ')}${notRun}`;
    }
    case 'incomplete':
      return `⚠️ ${label}: incomplete, ${plural(errored.length, 'check')} could not run`;
    case 'not-checked':
      return `➖ ${label}: not checked, ${mrkdwn(state.reason ?? '', 200)}`;
    case 'not-applicable':
      return `➖ ${label}: not applicable${state.reason ? `: ${mrkdwn(state.reason, 120)}` : ''}`;
    case 'clean': {
      const risks = all.filter((c) => c.status === 'warn');
      const noted = risks.length > 0 ? ` (${plural(risks.length, 'risk')} noted below)` : '';
      return `✅ ${label}: clean${noted}`;
    }
  }
}
