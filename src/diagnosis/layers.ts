import { LAYERS, type Layer } from './facts';
import type { Check, LayerState, Verdict } from './report';

// What the report may claim about each layer. `clean` needs checks that ran and passed; a layer the
// session never reaches (after the failing one) or whose checks could not run is `not-checked`, with why.

const LAYER_NAMES: Record<Layer, string> = {
  platform: 'the machine itself (power, boot, agent)',
  network: 'the network path',
  service: 'the Remote Desktop service',
  auth: 'authentication',
  guest: 'the guest OS state after sign-in',
};

export function layerName(layer: Layer): string {
  return LAYER_NAMES[layer];
}

/** Verdicts that do not stop a session: a Linux machine's network path is still checked, for SSH. */
const NOT_A_STOP = new Set(['os-not-windows']);

const COULD_NOT_CHECK = /^Could not check: /;

/** Why a check could not run, without the engine's `Could not check:` prefix. */
export function reasonNotChecked(check: Check): string {
  return check.summary.replace(COULD_NOT_CHECK, '');
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/**
 * One layer's state from its finished checks and the verdict, when it is known. With the verdict settled
 * a later layer is `not-checked` even before its checks are in: nothing there can change the outcome.
 */
export function layerState(layer: Layer, checks: readonly Check[], verdict?: Verdict): LayerState {
  if (verdict && verdict.layer !== 'none') {
    if (layer === verdict.layer) return { layer, status: 'failing', reason: null };
    const stops = !verdict.causes.every((cause) => NOT_A_STOP.has(cause));
    if (stops && LAYERS.indexOf(layer) > LAYERS.indexOf(verdict.layer)) {
      return { layer, status: 'not-checked', reason: `a session stops at ${layerName(verdict.layer)} first` };
    }
  }
  if (checks.some((c) => c.status === 'fail')) return { layer, status: 'failing', reason: null };
  const ran = checks.filter((c) => c.status === 'pass' || c.status === 'warn');
  const errored = checks.filter((c) => c.status === 'error');
  if (ran.length === 0 && errored.length > 0) {
    return { layer, status: 'not-checked', reason: reasonNotChecked(errored[0]) };
  }
  if (errored.length > 0) {
    return { layer, status: 'incomplete', reason: `${plural(errored.length, 'check')} could not run` };
  }
  if (ran.length === 0) {
    return { layer, status: 'not-applicable', reason: checks[0]?.summary ?? null };
  }
  return { layer, status: 'clean', reason: null };
}

export function layerStates(checks: readonly Check[], verdict: Verdict): LayerState[] {
  return LAYERS.map((layer) =>
    layerState(
      layer,
      checks.filter((c) => c.layer === layer),
      verdict,
    ),
  );
}
