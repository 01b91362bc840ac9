import { termserviceNotRunning } from '../../../../src/diagnosis/causes/service/termservice-not-running';
import { guestWith, healthyFacts, testCauseRule, testWindowsGuestRule } from '../../../fixtures/facts';

testCauseRule(termserviceNotRunning, {
  fires: [
    {
      name: 'stopped and disabled by a hardening script',
      facts: guestWith((g) => {
        g.rdp!.termService = { status: 'Stopped', startType: 'Disabled' };
      }),
      summary: ['TermService', 'Stopped'],
      evidence: ['TermService is Stopped, start type Disabled'],
      fixes: ['start-termservice'],
    },
    {
      name: 'stopped, start type manual',
      facts: guestWith((g) => {
        g.rdp!.termService = { status: 'Stopped', startType: 'Manual' };
      }),
      summary: ['Stopped'],
      evidence: ['TermService is Stopped, start type Manual'],
      fixes: ['start-termservice'],
    },
    {
      name: 'running now but disabled: gone after the next restart',
      facts: guestWith((g) => {
        g.rdp!.termService = { status: 'Running', startType: 'Disabled' };
      }),
      summary: ['Disabled', 'next restart'],
      evidence: ['TermService is Running, start type Disabled'],
      fixes: ['start-termservice'],
    },
  ],
  quiet: [
    { name: 'running, manual start (the Windows default)', facts: healthyFacts() },
    {
      name: 'running, automatic, state written in lower case',
      facts: guestWith((g) => {
        g.rdp!.termService = { status: 'running', startType: 'automatic' };
      }),
    },
    {
      name: 'the service sub-probe failed',
      facts: guestWith((g) => {
        g.rdp!.termService = null;
      }),
    },
    {
      name: 'the whole RDP sub-probe failed',
      facts: guestWith((g) => {
        g.rdp = null;
      }),
    },
  ],
});

testWindowsGuestRule(termserviceNotRunning, 'Get-Service TermService | Select-Object Status, StartType');
