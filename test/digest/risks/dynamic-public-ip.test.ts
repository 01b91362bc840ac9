import { dynamicPublicIp } from '../../../src/digest/risks/dynamic-public-ip';
import { healthyMachine, healthyRow, machineFrom, ruleRow, testRiskRule, withPublicIp } from '../support';

testRiskRule(dynamicPublicIp, {
  fires: [
    {
      name: 'reached by RDP at a dynamic address',
      machine: machineFrom(withPublicIp(healthyRow(), 'Dynamic')),
      evidence: [
        'public IP vm-web-01-pip (198.51.100.20, dynamic) takes TCP 3389 from 203.0.113.0/24',
        'released when the machine is deallocated',
      ],
      fix: 'make-public-ip-static',
    },
    {
      name: 'with a DNS label',
      machine: machineFrom({
        ...withPublicIp(healthyRow(), 'Dynamic'),
        publicIpFqdn: 'web01.westeurope.cloudapp.azure.com',
      }),
      evidence: ['DNS name web01.westeurope.cloudapp.azure.com follows it'],
      fix: 'make-public-ip-static',
    },
  ],
  quiet: [
    { name: 'healthy: no public IP', machine: healthyMachine() },
    { name: 'static', machine: machineFrom(withPublicIp(healthyRow(), 'Static')) },
    {
      name: 'dynamic, but nothing public may reach RDP on it',
      machine: machineFrom({
        ...withPublicIp(healthyRow(), 'Dynamic'),
        nicNsgRules: [
          ruleRow({ name: 'Allow-Web', priority: 300, access: 'Allow', source: '*', port: '443' }),
        ],
      }),
    },
  ],
});
