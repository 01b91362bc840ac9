import { FixFailure, type FixPlan } from './fix';

// Reading a stored proposal's parameters back at execution. They were validated by `plan`; a missing or
// mistyped one means the stored proposal is not what this version of the fix wrote.

type Params = FixPlan['params'];

function missing(key: string): FixFailure {
  return new FixFailure(`The stored proposal has no valid "${key}": propose the fix again.`);
}

export function textParam(params: Params, key: string): string {
  const value = params[key];
  if (typeof value !== 'string' || value === '') throw missing(key);
  return value;
}

export function numberParam(params: Params, key: string): number {
  const value = params[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw missing(key);
  return value;
}
