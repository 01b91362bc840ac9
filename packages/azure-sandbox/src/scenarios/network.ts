import { JUMP_HOST_IP } from '../foundation';
import { scenario } from './define';
import { inboundRule } from './healthy';

// Network layer: the path a packet travels to TCP 3389.

/** The name Defender for Cloud gives the deny rule it writes when JIT protects a port. */
export const JIT_DENY_RULE = 'SecurityCenter-JITRule_-1423950453_8D2FF4A2';
export const STALE_HOST = 'dns-stale.contoso.com';
/** What the stale record still points at: an address that is not the machine's (TEST-NET-1). */
export const STALE_ADDRESS = '192.0.2.80';

export const networkScenarios = [
  scenario({
    name: 'nsg-denies-rdp',
    cause: 'nsg-denies-rdp',
    summary:
      'alice@contoso.com added DenyRdpAll (priority 110) to the NIC NSG 40 minutes ago, ahead of the office allow.',
    change(vm) {
      // 110 rather than 100 leaves room for the scoped allow the fix writes ahead of the deny.
      vm.nicRules.unshift(
        inboundRule({ name: 'DenyRdpAll', priority: 110, access: 'Deny', source: '*', port: '3389' }),
      );
      vm.activity.push({
        minutesAgo: 40,
        caller: 'alice@contoso.com',
        operation: 'Microsoft.Network/networkSecurityGroups/securityRules/write',
        target: { nicNsgRule: 'DenyRdpAll' },
      });
    },
  }),
  scenario({
    name: 'public-ip-missing',
    cause: 'public-ip-missing',
    summary: 'No public IP on the NIC, and the user connects from the internet.',
    change(vm) {
      vm.publicIp = null;
    },
  }),
  scenario({
    name: 'public-ip-dynamic',
    cause: 'public-ip-dynamic',
    summary: 'A Basic dynamic public IP: it changes whenever the VM is deallocated.',
    change(vm) {
      vm.publicIp = { sku: 'Basic', allocation: 'Dynamic', domainNameLabel: null };
    },
  }),
  scenario({
    name: 'dns-stale',
    cause: 'dns-stale',
    summary: `${STALE_HOST} still points at ${STALE_ADDRESS}, an address the VM no longer has.`,
    request: { host: STALE_HOST },
    change(vm) {
      vm.dns[STALE_HOST] = [STALE_ADDRESS];
    },
  }),
  scenario({
    name: 'route-via-appliance',
    cause: 'route-via-appliance',
    summary:
      'The spoke route table sends traffic for the management subnet through the firewall at 10.0.0.4.',
    request: { source: JUMP_HOST_IP },
    change(vm) {
      vm.subnet = 'snet-spoke';
    },
  }),
  scenario({
    name: 'return-path-asymmetric',
    cause: 'return-path-asymmetric',
    summary: 'RDP arrives on the public IP, but 0.0.0.0/0 sends the reply through the firewall at 10.0.0.4.',
    change(vm) {
      vm.subnet = 'snet-egress';
    },
  }),
  scenario({
    name: 'jit-access-not-requested',
    cause: 'jit-access-not-requested',
    summary: 'Defender JIT holds 3389 shut with its deny rule, and nobody has requested access.',
    change(vm) {
      vm.jitPorts = [3389];
      vm.nicRules = [
        inboundRule({
          name: JIT_DENY_RULE,
          priority: 1000,
          access: 'Deny',
          source: '*',
          port: '3389',
          protocol: '*',
          description: "MDC JIT Network Access rule for policy 'default' of VM 'jit-access-not-requested'.",
        }),
      ];
    },
  }),
  scenario({
    name: 'rdp-exposed-to-internet',
    cause: 'rdp-exposed-to-internet',
    summary: 'In a subnet without an NSG, the NIC NSG allows 3389 from Internet: works, and is a risk.',
    change(vm) {
      vm.subnet = 'snet-dmz';
      vm.nicRules = [
        inboundRule({
          name: 'Allow-RDP-Internet',
          priority: 300,
          access: 'Allow',
          source: 'Internet',
          port: '3389',
        }),
      ];
    },
  }),
];
