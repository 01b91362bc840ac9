import type { RiskRule } from '../risk';
import { agentNotReady } from './agent-not-ready';
import { bootDiagnosticsOff } from './boot-diagnostics-off';
import { dynamicPublicIp } from './dynamic-public-ip';
import { memoryOrDiskTrendingToExhaustion } from './memory-or-disk-trending-to-exhaustion';
import { noJitNoBastion } from './no-jit-no-bastion';
import { nsgRuleShadowsRdpAllow } from './nsg-rule-shadows-rdp-allow';
import { rdpOpenToInternet } from './rdp-open-to-internet';
import { stoppedUnexpectedly } from './stopped-unexpectedly';

/** Every risk rule, riskiest first: the order the digest groups them in (the order of RISK_IDS). */
export const RISKS: readonly RiskRule[] = [
  rdpOpenToInternet,
  nsgRuleShadowsRdpAllow,
  stoppedUnexpectedly,
  agentNotReady,
  memoryOrDiskTrendingToExhaustion,
  noJitNoBastion,
  dynamicPublicIp,
  bootDiagnosticsOff,
];
