import type { CauseRule } from '../../cause';
import { factValue, optionalFact } from '../../facts';
import { resourceGroupOf } from '../../net';

export const publicIpDynamic: CauseRule = {
  id: 'public-ip-dynamic',
  layer: 'network',
  title: 'The public IP is dynamic',
  label: 'public IP allocation',
  guide: 'Layer one: the network path to port 3389',
  severity: 'warning',
  needs: ['publicIp'],
  confirm(facts) {
    const pip = optionalFact(facts, 'publicIp')?.publicIp;
    const resourceGroup =
      (pip && resourceGroupOf(pip.id)) ?? optionalFact(facts, 'vm')?.resourceGroup ?? '<resource-group>';
    return (
      `az network public-ip show --resource-group ${resourceGroup} --name ${pip?.name ?? '<public-ip>'} ` +
      '--query "{address: ipAddress, allocation: publicIPAllocationMethod, sku: sku.name}"'
    );
  },
  clean: 'The public IP is static (or there is none).',
  detect(facts) {
    const pip = factValue(facts, 'publicIp').publicIp;
    if (pip?.allocationMethod !== 'Dynamic') return null;
    const evidence = [
      `public IP ${pip.name}: allocation Dynamic, address ${pip.ipAddress ?? 'none assigned'}${pip.sku ? `, SKU ${pip.sku}` : ''}`,
    ];
    if (pip.fqdn)
      evidence.push(`DNS name ${pip.fqdn} follows the address, but saved connections to the address do not`);
    return {
      summary: `Public IP ${pip.name} is dynamic: its address changes when the VM is deallocated, and clients dialing the old one time out.`,
      evidence,
      fixes: ['make-public-ip-static'],
    };
  },
};
