import type { CauseRule } from '../../cause';
import { factValue, optionalFact } from '../../facts';
import { confirmReplyPath, dialedPort, isPublicAddress, primaryNic, replyHop } from '../../net';

export const routeViaAppliance: CauseRule = {
  id: 'route-via-appliance',
  layer: 'network',
  title: 'A route sends the path through a firewall or NVA',
  label: 'routes',
  guide: 'Layer one: the network path to port 3389',
  severity: 'critical',
  needs: ['vm', 'publicIp'],
  uses: ['nextHop', 'effectiveRoutes'],
  confirm: confirmReplyPath,
  clean: 'No user-defined route sends the private path through a firewall or network virtual appliance.',
  detect(facts) {
    const vm = factValue(facts, 'vm');
    const publicIp = factValue(facts, 'publicIp').publicIp;
    const source = facts.request.source;
    const sourceIsPrivate = source !== null && !isPublicAddress(source);
    if (!sourceIsPrivate && publicIp !== null) return null;
    const hop = replyHop(source, optionalFact(facts, 'nextHop'), optionalFact(facts, 'effectiveRoutes'));
    if (hop?.nextHopType !== 'VirtualAppliance') return null;
    const port = dialedPort(vm.osType);
    const appliance = hop.nextHopIp ? `the appliance at ${hop.nextHopIp}` : 'a virtual appliance';
    return {
      summary: `Traffic between ${vm.name} and ${source ?? 'its clients'} is routed through ${appliance}, whose own rules decide whether TCP ${port} passes.`,
      evidence: [
        sourceIsPrivate
          ? `source ${source} is a private address: the session travels the private path`
          : `${vm.name} has no public IP: the session travels the private path`,
        hop.evidence,
      ],
      advice:
        `Allow TCP ${port} from ${source ?? 'the client range'} to ${primaryNic(vm)?.privateIp ?? 'the VM'} (and the replies) ` +
        `in the policy of ${appliance}; the NSGs are not the problem, so leave them as they are.`,
    };
  },
};
