import { rdpOpenToInternet } from '../../../src/digest/risks/rdp-open-to-internet';
import {
  healthyMachine,
  healthyRow,
  machineFrom,
  officeRdp,
  OFFICE,
  ruleRow,
  testRiskRule,
  withPublicIp,
} from '../support';

const openRule = (source: string | string[]) =>
  ruleRow({ name: 'Allow-RDP-Any', priority: 320, access: 'Allow', source, port: '3389' });

testRiskRule(rdpOpenToInternet, {
  fires: [
    {
      name: 'a NIC rule allows 3389 from * and the machine has a public IP',
      machine: machineFrom(withPublicIp({ ...healthyRow(), nicNsgRules: [officeRdp(), openRule('*')] })),
      evidence: [
        'allow rule Allow-RDP-Any (priority 320) in NSG vm-web-01-nsg (nic) allows TCP 3389 from *',
        'public IP vm-web-01-pip (198.51.100.20, static)',
      ],
      advice: 'Bastion',
    },
    {
      name: 'from the Internet service tag, no public IP yet',
      machine: machineFrom({ ...healthyRow(), nicNsgRules: [openRule('Internet')] }),
      evidence: ['from Internet', 'no public IP today'],
    },
    {
      name: 'from 0.0.0.0/0 on the subnet NSG, NIC without an NSG',
      machine: machineFrom(
        { ...healthyRow(), nicNsgId: '', nicNsgRules: null },
        { subnetNsgRules: [openRule('0.0.0.0/0')] },
      ),
      evidence: ['in NSG snet-app-nsg (subnet) allows TCP 3389 from 0.0.0.0/0'],
    },
    {
      name: 'SSH on a Linux machine',
      machine: machineFrom({
        ...healthyRow(),
        osType: 'Linux',
        nicNsgRules: [
          ruleRow({ name: 'Allow-SSH-Any', priority: 300, access: 'Allow', source: '*', port: '22' }),
        ],
      }),
      evidence: ['allows TCP 22 from *'],
    },
  ],
  quiet: [
    { name: 'healthy: RDP from the office range only', machine: healthyMachine() },
    {
      name: "an open allow scoped to another machine's address (a jump host) does not open this one",
      machine: machineFrom(
        withPublicIp({
          ...healthyRow(),
          nicNsgRules: [
            ruleRow({
              name: 'Allow-RDP-JumpHost',
              priority: 320,
              access: 'Allow',
              source: '*',
              port: '3389',
              destination: '10.1.0.99',
            }),
            ruleRow({ name: 'DenyRdpAll', priority: 330, access: 'Deny', source: '*', port: '3389' }),
          ],
        }),
      ),
    },
    {
      name: 'the subnet NSG admits only the office, so the open NIC rule never sees internet traffic',
      machine: machineFrom(withPublicIp({ ...healthyRow(), nicNsgRules: [openRule('*')] }), {
        subnetNsgRules: [
          ruleRow({
            name: 'Allow-RDP-FromOffice',
            priority: 300,
            access: 'Allow',
            source: OFFICE,
            port: '3389',
          }),
        ],
      }),
    },
    {
      name: 'a deny from * ahead of the open allow',
      machine: machineFrom({
        ...healthyRow(),
        nicNsgRules: [
          ruleRow({ name: 'DenyRdpAll', priority: 100, access: 'Deny', source: '*', port: '3389' }),
          openRule('*'),
        ],
      }),
    },
    {
      name: 'open to everyone on another port',
      machine: machineFrom({
        ...healthyRow(),
        nicNsgRules: [
          ruleRow({ name: 'Allow-Web', priority: 300, access: 'Allow', source: '*', port: '443' }),
        ],
      }),
    },
  ],
});
