import { stableFraction } from './stable-hash';

// How long ARM takes to answer, as a deterministic profile so benchmark runs repeat exactly. 'off' answers
// at once (tests); 'realistic' follows what Azure takes: reads 150–400 ms, Network Watcher 3–5 s, Run
// Command about 30 s, VM power operations tens of seconds. `scale` shrinks or stretches all of it.

export type LatencyProfile = 'off' | 'realistic';

export type OperationKind = 'runCommand' | 'networkWatcher' | 'vmPower' | 'networkWrite' | 'extension';

const OPERATION_RANGES_MS: Record<OperationKind, [number, number]> = {
  runCommand: [28_000, 32_000],
  networkWatcher: [3_000, 5_000],
  vmPower: [25_000, 45_000],
  networkWrite: [2_000, 4_000],
  extension: [30_000, 50_000],
};

const CALL_RANGE_MS: [number, number] = [150, 400];

export interface Latency {
  /** Time to answer a plain request (a GET, a list, a synchronous POST). */
  callMs(key: string): number;
  /** Time until a long-running operation reports it finished. */
  operationMs(kind: OperationKind, key: string): number;
}

/** Fixed durations for some operation kinds, whatever the profile: a test that needs a slow Run Command. */
export type OperationDurations = Partial<Record<OperationKind, number>>;

export function latencyModel(profile: LatencyProfile, scale = 1, fixed: OperationDurations = {}): Latency {
  const pick = ([low, high]: [number, number], key: string) =>
    profile === 'off' ? 0 : Math.round((low + (high - low) * stableFraction(key)) * scale);
  return {
    callMs: (key) => pick(CALL_RANGE_MS, key.toLowerCase()),
    operationMs: (kind, key) =>
      fixed[kind] ?? pick(OPERATION_RANGES_MS[kind], `${kind}:${key.toLowerCase()}`),
  };
}
