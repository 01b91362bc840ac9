import type { CauseRule } from '../../cause';
import { bootDiagnosticsDisabled } from './boot-diagnostics-disabled';
import { guestNotBooted } from './guest-not-booted';
import { osNotWindows } from './os-not-windows';
import { vmAgentUnhealthy } from './vm-agent-unhealthy';
import { vmNotRunning } from './vm-not-running';

/** Is the machine up, and can we see into it: in docs/causes.md order. */
export const platformCauses: CauseRule[] = [
  vmNotRunning,
  guestNotBooted,
  vmAgentUnhealthy,
  bootDiagnosticsDisabled,
  osNotWindows,
];
