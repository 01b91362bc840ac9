import type { NextHopParameters, NextHopResult } from '@azure/arm-network';
import type { NextHopFacts, VmFacts } from '../../diagnosis/facts';
import { primaryNic, primaryPrivateIp, sourceAddress } from './common';
import { networkWatcherGatherer } from './network-watcher';

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

export const nextHopGatherer = networkWatcherGatherer({
  key: 'nextHop',
  needsSource: 'No source address given (use `from <ip>`): the reply path is traced to that address',
  check: 'next hop',
  parameters: nextHopParameters,
  ask: (network, watcher, parameters, abortSignal) =>
    network.networkWatchers.beginGetNextHopAndWait(watcher.resourceGroup, watcher.name, parameters, {
      abortSignal,
    }),
  factsOf: nextHopFactsOf,
});
