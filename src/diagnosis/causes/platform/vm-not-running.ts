import type { CauseRule } from '../../cause';
import { factValue, optionalFact } from '../../facts';

// Power states the start-vm fix can act on; the others (starting, stopping, deallocating) settle by themselves.
const STARTABLE = ['deallocated', 'stopped'];

export const vmNotRunning: CauseRule = {
  id: 'vm-not-running',
  layer: 'platform',
  title: 'The VM is not running',
  label: 'power state',
  guide: 'Related failures this is often confused with',
  severity: 'critical',
  needs: ['vm'],
  confirm(facts) {
    const vm = optionalFact(facts, 'vm');
    return (
      `az vm get-instance-view --resource-group ${vm?.resourceGroup ?? '<resource-group>'} --name ${vm?.name ?? '<vm>'} ` +
      `--query "instanceView.statuses[?starts_with(code, 'PowerState/')].displayStatus" --output tsv`
    );
  },
  clean: 'The VM is running.',
  detect(facts) {
    const vm = factValue(facts, 'vm');
    if (vm.powerState === 'running') return null;
    const evidence = [`power state: ${vm.powerState}`];
    if (vm.provisioningState) evidence.push(`provisioning state: ${vm.provisioningState}`);
    if (STARTABLE.includes(vm.powerState)) {
      return {
        summary: `${vm.name} is ${vm.powerState}, so nothing answers on the network: start it before checking anything else.`,
        evidence,
        fixes: ['start-vm'],
      };
    }
    return {
      summary: `${vm.name} is ${vm.powerState}, not running, so nothing answers on the network yet.`,
      evidence,
      advice: 'Wait for the power operation to finish, then diagnose again; start the VM if it ends stopped.',
    };
  },
};
