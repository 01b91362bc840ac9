import type { CauseRule } from '../../cause';
import { factValue, optionalFact } from '../../facts';
import { isPublicAddress, primaryNic } from '../../net';

export const publicIpMissing: CauseRule = {
  id: 'public-ip-missing',
  layer: 'network',
  title: 'The VM has no public IP',
  label: 'public IP',
  guide: 'Layer one: the network path to port 3389',
  severity: 'critical',
  needs: ['publicIp'],
  uses: ['vm'],
  confirm(facts) {
    const vm = optionalFact(facts, 'vm');
    return `az vm list-ip-addresses --resource-group ${vm?.resourceGroup ?? '<resource-group>'} --name ${vm?.name ?? '<vm>'} --output table`;
  },
  clean: 'The VM has a public IP, or the source connects over a private path.',
  detect(facts) {
    if (factValue(facts, 'publicIp').publicIp !== null) return null;
    const source = facts.request.source;
    if (source !== null && !isPublicAddress(source)) return null;
    const vm = optionalFact(facts, 'vm');
    const nic = vm ? primaryNic(vm) : null;
    const target = vm?.name ?? 'The VM';
    const evidence = [
      nic
        ? `NIC ${nic.name} has no public IP${nic.privateIp ? `; its only address is the private ${nic.privateIp}` : ''}`
        : 'no public IP is attached to the VM',
    ];
    const advice =
      'Reach the VM through Azure Bastion (or a VPN or peered network) over its private address; if it must be ' +
      'reachable from the internet, attach a static public IP and a source-scoped NSG rule.';
    if (source === null) {
      return {
        summary: `${target} has no public IP, so it is reachable only over its private address, not from the internet.`,
        evidence,
        advice,
        severity: 'warning',
      };
    }
    return {
      summary: `${target} has no public IP, so ${source} cannot reach it over the internet.`,
      evidence: [...evidence, `source ${source} is a public address: the client connects over the internet`],
      advice,
    };
  },
};
