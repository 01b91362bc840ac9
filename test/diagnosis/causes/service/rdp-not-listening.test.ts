import { rdpNotListening } from '../../../../src/diagnosis/causes/service/rdp-not-listening';
import { guestWith, healthyFacts, testCauseRule, testWindowsGuestRule } from '../../../fixtures/facts';

testCauseRule(rdpNotListening, {
  fires: [
    {
      name: 'service up, connections enabled, no listener on 3389',
      facts: guestWith((g) => {
        g.rdp!.listening = false;
      }),
      summary: ['nothing listens on TCP 3389'],
      evidence: ['TermService is Running and fDenyTSConnections is 0', 'Nothing listens on TCP 3389'],
      fixes: ['vmaccess-reset'],
    },
    {
      name: 'no listener on a custom port',
      facts: guestWith((g) => {
        g.rdp!.listening = false;
        g.rdp!.portNumber = 13389;
      }),
      summary: ['TCP 13389'],
      evidence: ['Nothing listens on TCP 13389'],
      fixes: ['vmaccess-reset'],
    },
  ],
  quiet: [
    { name: 'listening', facts: healthyFacts() },
    {
      name: 'TermService stopped: that cause explains the silence',
      facts: guestWith((g) => {
        g.rdp!.listening = false;
        g.rdp!.termService = { status: 'Stopped', startType: 'Manual' };
      }),
    },
    {
      name: 'connections disabled: that cause explains the silence',
      facts: guestWith((g) => {
        g.rdp!.listening = false;
        g.rdp!.fDenyTSConnections = 1;
      }),
    },
    {
      name: 'the listener check failed',
      facts: guestWith((g) => {
        g.rdp!.listening = null;
      }),
    },
    {
      name: 'the service check failed',
      facts: guestWith((g) => {
        g.rdp!.listening = false;
        g.rdp!.termService = null;
      }),
    },
  ],
});

testWindowsGuestRule(rdpNotListening, 'Get-NetTCPConnection -State Listen -LocalPort 3389');
