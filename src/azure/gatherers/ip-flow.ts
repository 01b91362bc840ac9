import type { VerificationIPFlowParameters, VerificationIPFlowResult } from '@azure/arm-network';
import type { IpFlowFacts, VmFacts } from '../../diagnosis/facts';
import { dialedPort, primaryNic, primaryPrivateIp, sourceAddress } from './common';
import { networkWatcherGatherer } from './network-watcher';

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

export const ipFlowGatherer = networkWatcherGatherer({
  key: 'ipFlow',
  needsSource: 'No source address given (use `from <ip>`): IP flow verify needs the address you connect from',
  check: 'IP flow verify',
  parameters: ipFlowParameters,
  ask: (network, watcher, parameters, abortSignal) =>
    network.networkWatchers.beginVerifyIPFlowAndWait(watcher.resourceGroup, watcher.name, parameters, {
      abortSignal,
    }),
  factsOf: ipFlowFactsOf,
});
