import type { WindowsEvent, WindowsGuest } from '../guest/windows';
import { RESOURCE_GROUP } from '../foundation';
import { OFFICE_SOURCE, healthyVm } from './healthy';
import type { At, DemoRequest, Placement, Scenario, VmSpec } from './spec';

// Small builders that keep each scenario file a table of data: a scenario is the healthy VM plus one change.

export interface ScenarioDefinition {
  name: string;
  cause: string | null;
  summary: string;
  /** Defaults: symptom timeout, from the office address, no host name. */
  request?: Partial<DemoRequest>;
  placements?: Placement[];
  change?(vm: VmSpec, at: At): void;
}

export function scenario(definition: ScenarioDefinition): Scenario {
  return {
    name: definition.name,
    cause: definition.cause,
    summary: definition.summary,
    request: { symptom: 'timeout', source: OFFICE_SOURCE, host: null, ...definition.request },
    placements: definition.placements ?? [{ subscription: 'primary', resourceGroup: RESOURCE_GROUP }],
    vm: (at) => {
      const vm = healthyVm(definition.name, at);
      definition.change?.(vm, at);
      return vm;
    },
  };
}

/** Changes the guest facts of a VM being defined; the probe sections are never null in the base. */
export function guest(vm: VmSpec): Required<{ [K in keyof WindowsGuest]: NonNullable<WindowsGuest[K]> }> {
  return vm.guest as Required<{ [K in keyof WindowsGuest]: NonNullable<WindowsGuest[K]> }>;
}

export function event(
  at: At,
  minutesAgo: number,
  log: string,
  id: number,
  provider: string,
  data: Record<string, string>,
): WindowsEvent {
  return { log, id, time: at(minutesAgo), provider, data };
}

/** A Security 4625 group as the probe reports it: one event with the group's size in `Count`. */
export function failedLogon(
  at: At,
  minutesAgo: number,
  logon: { user: string; status: string; subStatus: string; from: string; count?: number },
): WindowsEvent {
  return event(at, minutesAgo, 'Security', 4625, 'Microsoft-Windows-Security-Auditing', {
    TargetUserName: logon.user,
    Status: logon.status,
    SubStatus: logon.subStatus,
    IpAddress: logon.from,
    LogonType: '10',
    ...(logon.count ? { Count: String(logon.count) } : {}),
  });
}
