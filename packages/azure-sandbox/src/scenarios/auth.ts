import { event, failedLogon, guest, scenario } from './define';
import { OFFICE_SOURCE } from './healthy';

// Authentication layer: the handshake after the listener answers. NTSTATUS codes as Security 4625 logs them.

const WRONG_PASSWORD = { status: '0xC000006D', subStatus: '0xC000006A' };
const SECURITY_AUDITING = 'Microsoft-Windows-Security-Auditing';

export const authScenarios = [
  scenario({
    name: 'credssp-mismatch',
    cause: 'credssp-mismatch',
    summary:
      'The newest update is from February 2018: no CredSSP encryption-oracle fix, patched clients refuse it.',
    request: { symptom: 'credssp' },
    change(vm) {
      guest(vm).updates.lastHotfixes = [{ id: 'KB4074588', installedOn: '2018-02-13T00:00:00.000Z' }];
    },
  }),
  scenario({
    name: 'domain-unreachable',
    cause: 'domain-unreachable',
    summary: 'Joined to corp.contoso.com, but the secure channel to a domain controller is broken.',
    request: { symptom: 'credentials' },
    change(vm, at) {
      guest(vm).os = {
        ...guest(vm).os,
        domainJoined: true,
        domain: 'corp.contoso.com',
        secureChannelOk: false,
      };
      guest(vm).events.push(
        event(at, 20, 'System', 5719, 'NETLOGON', {
          Domain: 'CORP',
          Error: 'There are currently no logon servers available.',
        }),
      );
    },
  }),
  scenario({
    name: 'account-locked-out',
    cause: 'account-locked-out',
    summary: 'azureadmin is locked out (event 4740) after a burst of bad passwords.',
    request: { symptom: 'credentials' },
    change(vm, at) {
      guest(vm).accounts = [
        { name: 'azureadmin', enabled: true, lockedOut: true, passwordExpired: false, rdpAllowed: true },
      ];
      guest(vm).events.push(
        event(at, 12, 'Security', 4740, SECURITY_AUDITING, {
          TargetUserName: 'azureadmin',
          TargetDomainName: vm.name,
        }),
      );
    },
  }),
  scenario({
    name: 'account-disabled',
    cause: 'account-disabled',
    summary: 'jdoe signs in to a disabled account (0xC0000072).',
    request: { symptom: 'credentials' },
    change(vm, at) {
      guest(vm).accounts.push({
        name: 'jdoe',
        enabled: false,
        lockedOut: false,
        passwordExpired: false,
        rdpAllowed: true,
      });
      guest(vm).events.push(
        failedLogon(at, 8, {
          user: 'jdoe',
          status: '0xC000006E',
          subStatus: '0xC0000072',
          from: OFFICE_SOURCE,
        }),
      );
    },
  }),
  scenario({
    name: 'password-expired',
    cause: 'password-expired',
    summary: "azureadmin's password has expired (0xC0000071).",
    request: { symptom: 'credentials' },
    change(vm, at) {
      guest(vm).accounts = [
        { name: 'azureadmin', enabled: true, lockedOut: false, passwordExpired: true, rdpAllowed: true },
      ];
      guest(vm).events.push(
        failedLogon(at, 6, {
          user: 'azureadmin',
          status: '0xC000006E',
          subStatus: '0xC0000071',
          from: OFFICE_SOURCE,
        }),
      );
    },
  }),
  scenario({
    name: 'password-rejected',
    cause: 'password-rejected',
    summary: 'Four wrong passwords for azureadmin from the office address in the last quarter hour.',
    request: { symptom: 'credentials' },
    change(vm, at) {
      guest(vm).events.push(
        failedLogon(at, 5, { user: 'azureadmin', ...WRONG_PASSWORD, from: OFFICE_SOURCE, count: 4 }),
      );
    },
  }),
  scenario({
    name: 'logon-right-missing',
    cause: 'logon-right-missing',
    summary: 'bob is not allowed to log on through Remote Desktop Services (0xC000015B).',
    request: { symptom: 'credentials' },
    change(vm, at) {
      guest(vm).accounts.push({
        name: 'bob',
        enabled: true,
        lockedOut: false,
        passwordExpired: false,
        rdpAllowed: false,
      });
      guest(vm).events.push(
        failedLogon(at, 4, { user: 'bob', status: '0xC000015B', subStatus: '0x0', from: OFFICE_SOURCE }),
      );
    },
  }),
  scenario({
    name: 'brute-force-pressure',
    cause: 'brute-force-pressure',
    summary:
      'Seventy-two failed logons for guessed names from six internet addresses: a risk, not the outage.',
    request: { symptom: 'unknown' },
    change(vm, at) {
      const names = ['administrator', 'admin', 'user', 'test', 'scanner', 'root'];
      names.forEach((user, i) =>
        guest(vm).events.push(
          failedLogon(at, 30 + i, {
            user,
            status: '0xC000006D',
            subStatus: '0xC0000064',
            from: `192.0.2.${20 + i}`,
            count: 12,
          }),
        ),
      );
    },
  }),
];
