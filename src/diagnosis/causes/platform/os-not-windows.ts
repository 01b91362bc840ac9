import type { CauseRule } from '../../cause';
import { factValue, optionalFact } from '../../facts';
import { dialedPort } from '../../net';

export const osNotWindows: CauseRule = {
  id: 'os-not-windows',
  layer: 'platform',
  title: 'The VM runs Linux, not Windows',
  label: 'OS type',
  guide: 'Related failures this is often confused with',
  severity: 'critical',
  needs: ['vm'],
  confirm(facts) {
    const vm = optionalFact(facts, 'vm');
    return (
      `az vm show --resource-group ${vm?.resourceGroup ?? '<resource-group>'} --name ${vm?.name ?? '<vm>'} ` +
      '--query storageProfile.osDisk.osType --output tsv'
    );
  },
  clean: 'The VM runs Windows: Remote Desktop applies.',
  detect(facts) {
    const vm = factValue(facts, 'vm');
    if (vm.osType !== 'Linux') return null;
    const port = dialedPort(vm.osType);
    return {
      summary: `${vm.name} runs Linux, so RDP does not apply: the network checks ran for SSH on port ${port} instead.`,
      evidence: [`OS type: ${vm.osType}`, `network checks used TCP ${port}`],
      advice: `Connect with SSH on port ${port}; if SSH fails, follow the SSH troubleshooting path (VMAccess, serial console).`,
    };
  },
};
