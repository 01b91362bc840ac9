import type { VerificationIPFlowParameters, VerificationIPFlowResult } from '@azure/arm-network';
import type { IpFlowFacts, VmFacts } from '../../diagnosis/facts';
import { callAzure } from '../errors';
import type { Gatherer } from '../gatherer';
import {
  NETWORK_WATCHER_HINTS,
  SECOND,
  dialedPort,
  primaryNic,
  primaryPrivateIp,
  regionalWatcher,
  skipUnlessRunning,
  sourceAddress,
} from './common';

// Network Watcher's verdict on one packet: the user's source to the RDP (or SSH) port of the primary NIC.

// Any ephemeral port stands in for the client's: NSG rules for RDP rarely filter on the source port.
const CLIENT_PORT = '60000';

export function ipFlowParameters(vm: VmFacts, source: string): VerificationIPFlowParameters {
  return {
    targetResourceId: vm.id,
    targetNicResourceId: primaryNic(vm).id,
    direction: 'Inbound',
    protocol: 'TCP',
    localIPAddress: primaryPrivateIp(vm),
    localPort: String(dialedPort(vm)),
    remoteIPAddress: sourceAddress(source),
    remotePort: CLIENT_PORT,
  };
}

export function ipFlowFactsOf(
  parameters: VerificationIPFlowParameters,
  result: VerificationIPFlowResult,
): IpFlowFacts {
  if (result.access !== 'Allow' && result.access !== 'Deny') {
    throw new Error(
      `Network Watcher's IP flow verify returned no verdict (access: ${result.access ?? 'absent'})`,
    );
  }
  return {
    localAddress: parameters.localIPAddress,
    localPort: Number(parameters.localPort),
    remoteAddress: parameters.remoteIPAddress,
    access: result.access,
    ruleName: result.ruleName || null,
  };
}

export const ipFlowGatherer: Gatherer<'ipFlow'> = {
  key: 'ipFlow',
  timeoutMs: 60 * SECOND,
  skip: ({ vm, request }) =>
    request.source === null
      ? 'No source address given (use `from <ip>`): IP flow verify needs the address you connect from'
      : skipUnlessRunning(vm, 'IP flow verify'),
  async gather(ctx) {
    const { sub, vm, request, signal } = ctx;
    const parameters = ipFlowParameters(vm, request.source ?? '');
    const watcher = await regionalWatcher(ctx);
    const result = await callAzure(
      'Network Watcher',
      () =>
        sub.network.networkWatchers.beginVerifyIPFlowAndWait(
          watcher.resourceGroup,
          watcher.name,
          parameters,
          {
            abortSignal: signal,
          },
        ),
      NETWORK_WATCHER_HINTS,
    );
    return ipFlowFactsOf(parameters, result);
  },
};
