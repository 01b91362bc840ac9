import { guestFirewallBlocksRdp } from '../../../../src/diagnosis/causes/service/guest-firewall-blocks-rdp';
import { guestWith, healthyFacts, testCauseRule, testWindowsGuestRule } from '../../../fixtures/facts';

testCauseRule(guestFirewallBlocksRdp, {
  fires: [
    {
      name: 'the Remote Desktop rule group was disabled',
      facts: guestWith((g) => {
        g.rdp!.firewall = { rdpRulesEnabled: false, portAllowed: false, defaultInboundAction: 'Block' };
      }),
      summary: ['Windows Firewall', 'TCP 3389'],
      evidence: [
        'Windows Firewall does not allow inbound TCP 3389',
        'Remote Desktop rule group disabled, default inbound action Block',
      ],
      fixes: ['enable-rdp-firewall-rules'],
    },
    {
      name: 'rules enabled but the port is still denied (an explicit block rule)',
      facts: guestWith((g) => {
        g.rdp!.firewall = { rdpRulesEnabled: true, portAllowed: false, defaultInboundAction: 'Block' };
      }),
      summary: ['TCP 3389'],
      evidence: ['Remote Desktop rule group enabled'],
      fixes: ['enable-rdp-firewall-rules'],
    },
  ],
  quiet: [
    { name: 'port allowed', facts: healthyFacts() },
    {
      name: 'rule group disabled but the default inbound action allows the port',
      facts: guestWith((g) => {
        g.rdp!.firewall = { rdpRulesEnabled: false, portAllowed: true, defaultInboundAction: 'Allow' };
      }),
    },
    {
      name: 'the firewall sub-probe failed',
      facts: guestWith((g) => {
        g.rdp!.firewall = null;
      }),
    },
  ],
});

testWindowsGuestRule(
  guestFirewallBlocksRdp,
  "Get-NetFirewallRule -Group '@FirewallAPI.dll,-28752' -PolicyStore ActiveStore",
);
