import { bootDiagnosticsOff } from '../../../src/digest/risks/boot-diagnostics-off';
import { healthyMachine, healthyRow, machineFrom, testRiskRule } from '../support';

testRiskRule(bootDiagnosticsOff, {
  fires: [
    {
      name: 'boot diagnostics disabled',
      machine: machineFrom({ ...healthyRow(), bootDiagnostics: false }),
      evidence: ['bootDiagnostics.enabled is false'],
      advice: 'az vm boot-diagnostics enable',
    },
    {
      name: 'no diagnostics profile at all (Resource Graph gives null)',
      machine: machineFrom({ ...healthyRow(), bootDiagnostics: null, powerState: 'PowerState/deallocated' }),
      evidence: ['bootDiagnostics.enabled is false'],
    },
  ],
  quiet: [{ name: 'healthy: enabled', machine: healthyMachine() }],
});
