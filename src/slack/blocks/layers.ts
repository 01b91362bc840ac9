import type { Layer } from '../../diagnosis/facts';
import type { Check, CheckStatus } from '../../diagnosis/report';
import { inlineCode, mrkdwn, plural } from './mrkdwn';

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

const COULD_NOT_CHECK = /^Could not check: /;

/** Why a check could not run, without the engine's `Could not check:` prefix. */
export function reasonNotChecked(check: Check): string {
  return check.summary.replace(COULD_NOT_CHECK, '');
}

/**
 * One layer's state as a line: still checking, clean, failed (with the cause ids), incomplete (checks
 * that could not run), or not applicable. `stopped` says the run died, so nothing is "checking" any more.
 */
export function layerLine(layer: Layer, checks: readonly Check[] | undefined, stopped: boolean): string {
  const label = `*${LAYER_LABELS[layer]}*`;
  if (!checks) return stopped ? `➖ ${label}: not checked` : `⏳ ${label}: checking…`;
  const failed = checks.filter((c) => c.status === 'fail');
  const errored = checks.filter((c) => c.status === 'error');
  const risks = checks.filter((c) => c.status === 'warn');
  if (failed.length > 0) {
    const notRun = errored.length > 0 ? ` (${plural(errored.length, 'check')} could not run)` : '';
    return `❌ ${label}: ${failed.map((c) => inlineCode(c.id)).join(', ')}${notRun}`;
  }
  if (errored.length > 0) return `⚠️ ${label}: incomplete, ${plural(errored.length, 'check')} could not run`;
  if (checks.every((c) => c.status === 'skipped')) {
    const reason = checks[0] ? `: ${mrkdwn(checks[0].summary, 120)}` : '';
    return `➖ ${label}: not applicable${reason}`;
  }
  const noted = risks.length > 0 ? ` (${plural(risks.length, 'risk')} noted below)` : '';
  return `✅ ${label}: clean${noted}`;
}
