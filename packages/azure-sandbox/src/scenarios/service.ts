import { guest, scenario } from './define';

// Service layer: the Remote Desktop service inside the guest.

export const serviceScenarios = [
  scenario({
    name: 'termservice-not-running',
    cause: 'termservice-not-running',
    summary: 'A hardening script stopped and disabled TermService.',
    request: { symptom: 'refused' },
    change(vm) {
      const rdp = guest(vm).rdp;
      rdp.termService = { status: 'Stopped', startType: 'Disabled' };
      rdp.listening = false;
    },
  }),
  scenario({
    name: 'rdp-not-listening',
    cause: 'rdp-not-listening',
    summary: 'TermService runs and connections are enabled, but nothing listens on 3389.',
    request: { symptom: 'refused' },
    change(vm) {
      guest(vm).rdp.listening = false;
    },
  }),
  scenario({
    name: 'guest-firewall-blocks-rdp',
    cause: 'guest-firewall-blocks-rdp',
    summary: 'The Remote Desktop firewall rule group is disabled inside Windows; the NSGs are fine.',
    change(vm) {
      guest(vm).rdp.firewall = { rdpRulesEnabled: false, portAllowed: false, defaultInboundAction: 'Block' };
    },
  }),
  scenario({
    name: 'rdp-connections-disabled',
    cause: 'rdp-connections-disabled',
    summary: 'fDenyTSConnections is 1: Remote Desktop is switched off at the system level.',
    request: { symptom: 'refused' },
    change(vm) {
      const rdp = guest(vm).rdp;
      rdp.fDenyTSConnections = 1;
      rdp.listening = false;
    },
  }),
  scenario({
    name: 'rdp-port-nonstandard',
    cause: 'rdp-port-nonstandard',
    summary: 'The listener is bound to 13389 while clients dial 3389.',
    request: { symptom: 'refused' },
    change(vm) {
      guest(vm).rdp.portNumber = 13389;
    },
  }),
  scenario({
    name: 'rdsh-licensing-expired',
    cause: 'rdsh-licensing-expired',
    summary: 'The Session Host role was added without a license server and its grace period is over.',
    request: { symptom: 'unknown' },
    change(vm) {
      guest(vm).rdp.rdsh = { installed: true, licensingMode: 4, licenseServers: [], graceDaysLeft: 0 };
    },
  }),
  scenario({
    name: 'listener-certificate-invalid',
    cause: 'listener-certificate-invalid',
    summary: 'A certificate cleanup removed the self-signed RDP listener certificate.',
    request: { symptom: 'unknown' },
    change(vm) {
      guest(vm).rdp.certificate = { thumbprint: null, present: false, notAfter: null };
    },
  }),
];
