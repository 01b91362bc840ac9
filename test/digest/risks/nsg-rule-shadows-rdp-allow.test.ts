import { nsgRuleShadowsRdpAllow } from '../../../src/digest/risks/nsg-rule-shadows-rdp-allow';
import { healthyMachine, healthyRow, machineFrom, officeRdp, ruleRow, testRiskRule } from '../support';

const deny = (source: string | string[], priority = 200, name = 'DenyRdpAll', port = '3389') =>
  ruleRow({ name, priority, access: 'Deny', source, port });

testRiskRule(nsgRuleShadowsRdpAllow, {
  fires: [
    {
      name: 'a deny from * ahead of the office allow',
      machine: machineFrom({ ...healthyRow(), nicNsgRules: [deny('*'), officeRdp()] }),
      evidence: [
        'allow rule Allow-RDP-FromOffice (priority 300) in NSG vm-web-01-nsg (nic) never applies: deny rule DenyRdpAll (priority 200) takes TCP 3389 from 203.0.113.0/24 first',
      ],
      advice: 'lower priority number',
    },
    {
      name: 'a deny of a wider range on all ports, in the subnet NSG',
      machine: machineFrom(healthyRow(), {
        subnetNsgRules: [deny('203.0.0.0/16', 100, 'DenyPartners', '*'), officeRdp()],
      }),
      evidence: ['in NSG snet-app-nsg (subnet) never applies: deny rule DenyPartners (priority 100)'],
    },
  ],
  quiet: [
    { name: 'healthy: no deny', machine: healthyMachine() },
    {
      name: "a deny aimed at another machine's address does not shadow this machine's allow",
      machine: machineFrom({
        ...healthyRow(),
        nicNsgRules: [
          ruleRow({
            name: 'DenyJumpHost',
            priority: 200,
            access: 'Deny',
            source: '*',
            port: '3389',
            destination: '10.1.0.99',
          }),
          officeRdp(),
        ],
      }),
    },
    {
      name: 'the deny comes after the allow',
      machine: machineFrom({ ...healthyRow(), nicNsgRules: [officeRdp(), deny('*', 400)] }),
    },
    {
      name: 'the deny covers only part of the allowed range',
      machine: machineFrom({ ...healthyRow(), nicNsgRules: [deny('203.0.113.0/25'), officeRdp()] }),
    },
    {
      name: 'the deny is for another port',
      machine: machineFrom({ ...healthyRow(), nicNsgRules: [deny('*', 200, 'DenySsh', '22'), officeRdp()] }),
    },
    {
      name: "Defender's JIT deny is meant to hold the port",
      machine: machineFrom({
        ...healthyRow(),
        nicNsgRules: [deny('*', 200, 'SecurityCenter-JITRule_-1423950453_8D2FF4A2'), officeRdp()],
      }),
    },
  ],
});
