import type { FactKey } from '../../diagnosis/facts';
import type { Gatherer } from '../gatherer';
import { activityLogGatherer } from './activity-log';
import { bootDiagnosticsGatherer } from './boot-diagnostics';
import { dnsGatherer } from './dns';
import { effectiveNsgGatherer } from './effective-nsg';
import { effectiveRoutesGatherer } from './effective-routes';
import { guestGatherer } from './guest';
import { ipFlowGatherer } from './ip-flow';
import { jitGatherer } from './jit';
import { metricsGatherer } from './metrics';
import { nextHopGatherer } from './next-hop';
import { nsgRulesGatherer } from './nsg-rules';
import { publicIpGatherer } from './public-ip';

export { gatherVm } from './vm';

/** Every fact but `vm`, which gatherVm gathers first because the others start from it. */
export type GatheredKey = Exclude<FactKey, 'vm'>;

/** One gatherer of any key; `gather` returns the value of that gatherer's own `key`. */
export type AnyGatherer = { [K in GatheredKey]: Gatherer<K> }[GatheredKey];

/** The gatherers the pipeline runs concurrently once the VM is known, each with its own timeout. */
export const gatherers: readonly AnyGatherer[] = [
  bootDiagnosticsGatherer,
  nsgRulesGatherer,
  effectiveNsgGatherer,
  ipFlowGatherer,
  nextHopGatherer,
  effectiveRoutesGatherer,
  publicIpGatherer,
  dnsGatherer,
  jitGatherer,
  metricsGatherer,
  activityLogGatherer,
  guestGatherer,
];
