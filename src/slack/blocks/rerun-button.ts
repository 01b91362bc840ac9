import type { types } from '@slack/bolt';
import type { DiagnosisRequest } from '../../diagnosis/facts';
import { LIMITS, plainText } from './build';

// A Re-run diagnosis button: the same machine, asked the same way (symptom, address, host name).

export const RERUN_ACTION_ID = 'rerun-diagnosis';

/** What the button carries; every field is validated again when it comes back. */
export interface RerunValue {
  vm: string;
  symptom: string;
  from: string | null;
  host: string | null;
}

export function rerunButton(vmId: string, request: DiagnosisRequest): types.Button {
  const value: RerunValue = { vm: vmId, symptom: request.symptom, from: request.source, host: request.host };
  return {
    type: 'button',
    action_id: RERUN_ACTION_ID,
    text: plainText('Re-run diagnosis', LIMITS.buttonText),
    value: JSON.stringify(value),
  };
}

/** The button's value, when it has the shape drawn here. */
export function readRerunValue(text: string | undefined): RerunValue | null {
  try {
    const value = JSON.parse(text ?? '') as Partial<Record<keyof RerunValue, unknown>> | null;
    const optional = (field: unknown) => field === null || typeof field === 'string';
    return typeof value?.vm === 'string' &&
      typeof value.symptom === 'string' &&
      optional(value.from) &&
      optional(value.host)
      ? (value as RerunValue)
      : null;
  } catch {
    return null;
  }
}
