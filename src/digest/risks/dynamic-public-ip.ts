import { describePublicIp, exposure } from '../exposure';
import type { RiskRule } from '../risk';

export const dynamicPublicIp: RiskRule = {
  id: 'dynamic-public-ip',
  title: 'Reached by a dynamic public IP that changes on deallocation',
  guide: 'Layer one: the network path to port 3389',
  severity: 'warning',
  detect(machine) {
    const open = exposure(machine);
    if (!open || open.publicIp.allocation !== 'Dynamic') return null;
    const evidence = [
      `${describePublicIp(open.publicIp)} takes TCP ${open.port} from ${open.source}`,
      'a dynamic address is released when the machine is deallocated: saved connections and DNS records go stale',
    ];
    if (open.publicIp.fqdn)
      evidence.push(`DNS name ${open.publicIp.fqdn} follows it; saved addresses do not`);
    return { evidence, fix: 'make-public-ip-static' };
  },
};
