import { credsspMismatch } from '../../../../src/diagnosis/causes/auth/credssp-mismatch';
import type { Facts } from '../../../../src/diagnosis/facts';
import {
  guestEvent,
  guestWith,
  healthyFacts,
  testCauseRule,
  testWindowsGuestRule,
} from '../../../fixtures/facts';

function newestHotfixOn(installedOn: string | null): Facts {
  return guestWith((g) => {
    g.updates!.lastHotfixes = [
      { id: 'KB4093119', installedOn: '2018-04-10T00:00:00.000Z' },
      { id: 'KB4103723', installedOn },
    ];
  });
}

function clientReportsCredssp(allowEncryptionOracle: number | null): Facts {
  const facts = guestWith((g) => {
    g.rdp!.credssp = { allowEncryptionOracle };
    g.events = [guestEvent('System', 6041, 'LsaSrv', {}, '2026-11-27T11:40:00Z')];
  });
  facts.request.symptom = 'credssp';
  return facts;
}

testCauseRule(credsspMismatch, {
  fires: [
    {
      name: 'newest hotfix the day before the CredSSP update',
      facts: newestHotfixOn('2018-05-07T00:00:00.000Z'),
      summary: ['2018-05-07', 'CredSSP'],
      evidence: ['Newest hotfix KB4103723 installed 2018-05-07: before the CredSSP update of 2018-05-08'],
      advice: 'Patch both ends',
    },
    {
      name: 'the VM forces updated clients and the client reports a CredSSP error',
      facts: clientReportsCredssp(0),
      summary: ['AllowEncryptionOracle 0', 'client lacks the update'],
      evidence: [
        'AllowEncryptionOracle is 0 (Force Updated Clients)',
        'The client reports a CredSSP error',
        'LsaSrv 6041 at 11:40 UTC: CredSSP refused to negotiate',
      ],
      advice: 'Never loosen',
    },
  ],
  quiet: [
    { name: 'patched this month', facts: healthyFacts() },
    {
      name: 'newest hotfix on the day of the CredSSP update',
      facts: newestHotfixOn('2018-05-08T00:00:00.000Z'),
    },
    {
      name: 'no hotfix date could be read',
      facts: guestWith((g) => {
        g.updates!.lastHotfixes = [{ id: 'KB4103723', installedOn: null }];
      }),
    },
    {
      name: 'the updates sub-probe failed',
      facts: guestWith((g) => {
        g.updates = null;
      }),
    },
    { name: 'CredSSP symptom, policy Mitigated', facts: clientReportsCredssp(1) },
    { name: 'CredSSP symptom, policy not set', facts: clientReportsCredssp(null) },
    {
      name: 'a logged CredSSP refusal alone, on a patched machine',
      facts: guestWith((g) => {
        g.events = [guestEvent('System', 6041, 'LsaSrv', {})];
      }),
    },
    {
      name: 'Force Updated Clients without a CredSSP symptom',
      facts: guestWith((g) => {
        g.rdp!.credssp = { allowEncryptionOracle: 0 };
      }),
    },
  ],
});

testWindowsGuestRule(credsspMismatch, 'Get-HotFix | Sort-Object InstalledOn -Descending');
