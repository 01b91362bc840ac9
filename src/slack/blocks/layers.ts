import { LAYERS, type Layer } from '../../diagnosis/facts';
import { layerState } from '../../diagnosis/layers';
import type { Check, CheckStatus, Verdict } from '../../diagnosis/report';
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
): string {
  const label = `*${LAYER_LABELS[layer]}*`;
  const pastVerdict =
    verdict !== undefined &&
    verdict.layer !== 'none' &&
    LAYERS.indexOf(layer) > LAYERS.indexOf(verdict.layer);
  if (!checks && !pastVerdict) return stopped ? `➖ ${label}: not checked` : `⏳ ${label}: checking…`;
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
