import { noJitNoBastion } from '../../../src/digest/risks/no-jit-no-bastion';
import { healthyMachine, healthyRow, machineFrom, ruleRow, testRiskRule, withPublicIp } from '../support';

const exposed = () => withPublicIp(healthyRow());

testRiskRule(noJitNoBastion, {
  fires: [
    {
      name: 'a public IP and an office RDP rule, no JIT, no Bastion',
      machine: machineFrom(exposed()),
      evidence: [
        'TCP 3389 reaches vm-web-01-pip from 203.0.113.0/24: allow rule Allow-RDP-FromOffice (priority 300) in NSG vm-web-01-nsg',
        'no JIT policy holds port 3389 and no Bastion host',
      ],
      advice: 'Bastion',
    },
    {
      name: 'no NSG at all in front of the public IP',
      machine: machineFrom({ ...exposed(), nicNsgId: '', nicNsgRules: null }),
      evidence: ['from any address: no NSG on the NIC or its subnet filters it'],
    },
    {
      name: 'JIT holds another port only',
      machine: machineFrom(exposed(), { jitPorts: [22] }),
      evidence: ['no JIT policy holds port 3389'],
    },
  ],
  quiet: [
    { name: 'healthy: no public IP', machine: healthyMachine() },
    { name: 'a Bastion host in the virtual network', machine: machineFrom(exposed(), { bastion: true }) },
    { name: 'JIT holds 3389', machine: machineFrom(exposed(), { jitPorts: [3389] }) },
    {
      name: 'the public IP admits RDP only from private ranges',
      machine: machineFrom({
        ...exposed(),
        nicNsgRules: [
          ruleRow({
            name: 'Allow-RDP-FromHub',
            priority: 300,
            access: 'Allow',
            source: '10.0.0.0/8',
            port: '3389',
          }),
        ],
      }),
    },
  ],
});
