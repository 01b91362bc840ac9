import type { NextHopParameters, NextHopResult } from '@azure/arm-network';
import type { NextHopFacts, VmFacts } from '../../diagnosis/facts';
import { callAzure } from '../errors';
import type { Gatherer } from '../gatherer';
import {
  NETWORK_WATCHER_HINTS,
  SECOND,
  primaryNic,
  primaryPrivateIp,
  regionalWatcher,
  skipUnlessRunning,
  sourceAddress,
} from './common';

// The reply path: where a packet from the VM to the user's source goes next. A firewall or appliance
// there, when the request came in over the public IP, is the asymmetric return path of the guide.

export function nextHopParameters(vm: VmFacts, source: string): NextHopParameters {
  return {
    targetResourceId: vm.id,
    targetNicResourceId: primaryNic(vm).id,
    sourceIPAddress: primaryPrivateIp(vm),
    destinationIPAddress: sourceAddress(source),
  };
}

export function nextHopFactsOf(parameters: NextHopParameters, result: NextHopResult): NextHopFacts {
  if (!result.nextHopType) throw new Error('Network Watcher returned no next hop type');
  return {
    sourceIp: parameters.sourceIPAddress,
    destinationIp: parameters.destinationIPAddress,
    nextHopType: result.nextHopType,
    nextHopIpAddress: result.nextHopIpAddress || null,
    routeTableId: result.routeTableId || null,
  };
}

export const nextHopGatherer: Gatherer<'nextHop'> = {
  key: 'nextHop',
  timeoutMs: 60 * SECOND,
  skip: ({ vm, request }) =>
    request.source === null
      ? 'No source address given (use `from <ip>`): the reply path is traced to that address'
      : skipUnlessRunning(vm, 'next hop'),
  async gather(ctx) {
    const { sub, vm, request, signal } = ctx;
    const parameters = nextHopParameters(vm, request.source ?? '');
    const watcher = await regionalWatcher(ctx);
    const result = await callAzure(
      'Network Watcher',
      () =>
        sub.network.networkWatchers.beginGetNextHopAndWait(watcher.resourceGroup, watcher.name, parameters, {
          abortSignal: signal,
        }),
      NETWORK_WATCHER_HINTS,
    );
    return nextHopFactsOf(parameters, result);
  },
};
