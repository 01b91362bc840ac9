import type { EffectiveRouteListResult } from '@azure/arm-network';
import type { EffectiveRouteFacts } from '../../diagnosis/facts';
import { callAzure } from '../errors';
import type { Gatherer } from '../gatherer';
import { requireResourceId } from '../resource-id';
import { SECOND, primaryNic, skipUnlessRunning } from './common';

// The routes Azure applies to the primary NIC: system routes, BGP, and user-defined routes to appliances.

export function effectiveRouteFactsOf(result: EffectiveRouteListResult): EffectiveRouteFacts {
  return {
    routes: (result.value ?? []).map((route) => ({
      source: route.source ?? 'Unknown',
      state: route.state ?? 'Unknown',
      addressPrefixes: route.addressPrefix ?? [],
      nextHopType: route.nextHopType ?? 'None',
      nextHopIpAddresses: route.nextHopIpAddress ?? [],
    })),
  };
}

export const effectiveRoutesGatherer: Gatherer<'effectiveRoutes'> = {
  key: 'effectiveRoutes',
  timeoutMs: 60 * SECOND,
  skip: ({ vm }) => skipUnlessRunning(vm, 'effective routes'),
  async gather({ sub, vm, signal }) {
    const nicId = requireResourceId(primaryNic(vm).id, `the primary NIC of ${vm.name}`);
    const result = await callAzure('Effective routes', () =>
      sub.network.networkInterfaces.beginGetEffectiveRouteTableAndWait(nicId.resourceGroup, nicId.name, {
        abortSignal: signal,
      }),
    );
    return effectiveRouteFactsOf(result);
  },
};
