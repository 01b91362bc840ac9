// The Azure sandbox: an HTTPS emulator of the ARM, Resource Graph, Monitor and blob endpoints rdp-doctor
// calls, over a world of scenario VMs. It speaks only Azure's wire shapes; the product loads it by a
// dynamic import in local mode, with `--sandbox`, and in tests and benchmarks.
export { startSandbox, type Sandbox, type SandboxOptions } from './server';
export {
  sandboxAdmin,
  type AdminAnswer,
  type AdminTarget,
  type ArmBody,
  type SandboxAdmin,
} from './admin-client';
export { HEALTHY_VM, scenarios } from './scenarios';
export type { DemoRequest, Scenario } from './scenarios/spec';
export type { LatencyProfile } from './latency';
export type { RecordedRequest } from './recorder';
export { PLANTED_RISKS, type FleetManifest, type PlantedRisk } from './fleet';
export type { WindowsGuest } from './guest/windows';
