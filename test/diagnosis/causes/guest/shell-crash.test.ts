import { shellCrash } from '../../../../src/diagnosis/causes/guest/shell-crash';
import {
  guestEvent,
  guestEvents,
  guestWith,
  healthyFacts,
  testCauseRule,
  testWindowsGuestRule,
} from '../../../fixtures/facts';

function crash(app: string, time: string, module = 'igdumdim64.dll') {
  return guestEvent('Application', 1000, 'Application Error', { AppName: app, ModuleName: module }, time);
}

testCauseRule(shellCrash, {
  fires: [
    {
      name: 'explorer crashed twice',
      facts: guestEvents(
        crash('explorer.exe', '2026-11-27T09:31:00Z'),
        crash('Explorer.EXE', '2026-11-27T09:30:00Z'),
      ),
      summary: ['explorer.exe', '2 times', 'does not paint'],
      evidence: ['explorer.exe crashed 2 times since 09:30 UTC (faulting module igdumdim64.dll)'],
      fixes: ['restart-vm'],
      advice: 'display driver',
    },
    {
      name: 'explorer and dwm once each',
      facts: guestEvents(
        crash('explorer.exe', '2026-11-27T09:30:00Z', 'ntdll.dll'),
        crash('dwm.exe', '2026-11-27T09:35:00Z', 'dwmcore.dll'),
      ),
      summary: ['explorer.exe and dwm.exe, 2 times'],
      evidence: [
        'explorer.exe crashed 1 time since 09:30 UTC (faulting module ntdll.dll)',
        'dwm.exe crashed 1 time since 09:35 UTC',
      ],
      fixes: ['restart-vm'],
    },
  ],
  quiet: [
    { name: 'no crashes', facts: healthyFacts() },
    { name: 'explorer crashed once', facts: guestEvents(crash('explorer.exe', '2026-11-27T09:30:00Z')) },
    {
      name: 'another application crashing',
      facts: guestEvents(
        crash('w3wp.exe', '2026-11-27T09:30:00Z'),
        crash('w3wp.exe', '2026-11-27T09:31:00Z'),
      ),
    },
    {
      name: 'the events sub-probe failed',
      facts: guestWith((g) => {
        g.events = null;
      }),
    },
  ],
});

testWindowsGuestRule(shellCrash, "ProviderName='Application Error';Id=1000");
