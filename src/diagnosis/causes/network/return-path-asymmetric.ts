import type { CauseRule } from '../../cause';
import { factValue, optionalFact } from '../../facts';
import { confirmReplyPath, isPublicAddress, replyHop } from '../../net';

export const returnPathAsymmetric: CauseRule = {
  id: 'return-path-asymmetric',
  layer: 'network',
  title: 'Replies leave on a different path than requests arrive',
  label: 'return path',
  guide: 'Layer one: the network path to port 3389',
  severity: 'critical',
  needs: ['vm', 'publicIp'],
  uses: ['nextHop', 'effectiveRoutes'],
  confirm: confirmReplyPath,
  clean: 'Replies to the source leave the way requests arrive.',
  detect(facts) {
    const vm = factValue(facts, 'vm');
    const publicIp = factValue(facts, 'publicIp').publicIp;
    const source = facts.request.source;
    if (publicIp === null || (source !== null && !isPublicAddress(source))) return null;
    const hop = replyHop(source, optionalFact(facts, 'nextHop'), optionalFact(facts, 'effectiveRoutes'));
    if (hop?.nextHopType !== 'VirtualAppliance') return null;
    const appliance = hop.nextHopIp ? `the appliance at ${hop.nextHopIp}` : 'a virtual appliance';
    const client = source ?? 'internet clients';
    return {
      summary: `Requests reach ${vm.name} on its public IP but its replies to ${client} go to ${appliance}, which has no record of the flow, so the handshake never completes.`,
      evidence: [
        `requests arrive on public IP ${publicIp.name} (${publicIp.ipAddress ?? 'no address'})`,
        hop.evidence,
      ],
      advice:
        `Add a route for ${source ?? "the clients' range"} with next hop Internet to the subnet's route table, ` +
        `or publish the VM through the firewall (DNAT) so requests and replies both pass ${appliance}.`,
    };
  },
};
