import { rdpPortNonstandard } from '../../../../src/diagnosis/causes/service/rdp-port-nonstandard';
import { guestWith, healthyFacts, testCauseRule, testWindowsGuestRule } from '../../../fixtures/facts';

testCauseRule(rdpPortNonstandard, {
  fires: [
    {
      name: 'listener moved to 13389',
      facts: guestWith((g) => {
        g.rdp!.portNumber = 13389;
      }),
      summary: ['13389', 'dialing 3389'],
      evidence: ['RDP-Tcp PortNumber is 13389'],
      fixes: ['reset-rdp-port'],
      advice: 'host:13389',
    },
  ],
  quiet: [
    { name: 'the standard port', facts: healthyFacts() },
    {
      name: 'the port read failed',
      facts: guestWith((g) => {
        g.rdp!.portNumber = null;
      }),
    },
  ],
});

testWindowsGuestRule(rdpPortNonstandard, "WinStations\\RDP-Tcp').PortNumber");
