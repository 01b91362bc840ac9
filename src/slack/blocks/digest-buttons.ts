import type { types } from '@slack/bolt';
import { FIX_IDS, type FixId } from '../../diagnosis/ids';
import { RISK_IDS, type RiskId } from '../../digest/risk';
import { LIMITS, plainText } from './build';
import { fixName } from './fix-buttons';

// The digest's buttons. Each risk's action on one machine is a button: `digest-diagnose:<n>` diagnoses
// it in the channel; `digest-fix:<fix id>:<n>` diagnoses it and, when the diagnosis offers that fix,
// proposes it for the two-person approval. Their value is the machine's resource id; `n` keeps action
// ids unique within a block. `digest-list:…` shows every machine a risk was found on, a page at a time.

export const DIGEST_DIAGNOSE_PATTERN = /^digest-diagnose:/;
export const DIGEST_FIX_PATTERN = /^digest-fix:/;
export const DIGEST_LIST_PATTERN = /^digest-list:/;

/** A machine as a button names and targets it. */
export interface ButtonMachine {
  id: string;
  name: string;
}

/** The risk's action on one machine: propose its fix, or diagnose it when no fix removes the risk. */
export function machineButton(machine: ButtonMachine, fix: FixId | null, n: number): types.Button {
  return fix
    ? {
        type: 'button',
        action_id: `digest-fix:${fix}:${n}`,
        text: plainText(`${fixName(fix)}: ${machine.name}`, LIMITS.buttonText),
        value: machine.id,
      }
    : {
        type: 'button',
        action_id: `digest-diagnose:${n}`,
        text: plainText(`Diagnose ${machine.name}`, LIMITS.buttonText),
        value: machine.id,
      };
}

/** The fix a `digest-fix:<fix id>:<n>` action id names; null for anything else. */
export function fixOfAction(actionId: string): FixId | null {
  const named = /^digest-fix:([a-z-]+):\d+$/.exec(actionId)?.[1];
  return (FIX_IDS as readonly string[]).includes(named ?? '') ? (named as FixId) : null;
}

/** Which list, and which page of it, a `digest-list:` button asks for. */
export interface RiskListValue {
  /** The digest subscription's id. */
  digest: string;
  /** When the digest holding the button was generated: a newer digest replaces its list. */
  at: string;
  risk: RiskId;
  /** The fix that removes the risk, when one does: each machine's button proposes it. */
  fix: FixId | null;
  /** From 0. */
  page: number;
}

export function riskListButton(value: RiskListValue, text: string, actionId: string): types.Button {
  return {
    type: 'button',
    action_id: actionId,
    text: plainText(text, LIMITS.buttonText),
    value: JSON.stringify(value),
  };
}

/** The value of a `digest-list:` button, when it is well formed. */
export function readRiskListValue(text: string | undefined): RiskListValue | null {
  try {
    const value = JSON.parse(text ?? '') as Partial<Record<keyof RiskListValue, unknown>> | null;
    if (
      typeof value?.digest !== 'string' ||
      typeof value.at !== 'string' ||
      !(RISK_IDS as readonly unknown[]).includes(value.risk) ||
      !(value.fix === null || (FIX_IDS as readonly unknown[]).includes(value.fix)) ||
      !Number.isInteger(value.page) ||
      (value.page as number) < 0
    )
      return null;
    return value as RiskListValue;
  } catch {
    return null;
  }
}
