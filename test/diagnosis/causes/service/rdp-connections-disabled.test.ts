import { rdpConnectionsDisabled } from '../../../../src/diagnosis/causes/service/rdp-connections-disabled';
import { guestWith, healthyFacts, testCauseRule, testWindowsGuestRule } from '../../../fixtures/facts';

testCauseRule(rdpConnectionsDisabled, {
  fires: [
    {
      name: 'fDenyTSConnections flipped to 1',
      facts: guestWith((g) => {
        g.rdp!.fDenyTSConnections = 1;
      }),
      summary: ['fDenyTSConnections is 1'],
      evidence: ['fDenyTSConnections is 1'],
      fixes: ['enable-rdp-connections'],
    },
  ],
  quiet: [
    { name: 'connections enabled', facts: healthyFacts() },
    {
      name: 'the registry read failed',
      facts: guestWith((g) => {
        g.rdp!.fDenyTSConnections = null;
      }),
    },
  ],
});

testWindowsGuestRule(rdpConnectionsDisabled, 'fDenyTSConnections');
