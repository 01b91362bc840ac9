import { listenerCertificateInvalid } from '../../../../src/diagnosis/causes/service/listener-certificate-invalid';
import { guestWith, healthyFacts, NOW, testCauseRule, testWindowsGuestRule } from '../../../fixtures/facts';

const THUMBPRINT = 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678';

testCauseRule(listenerCertificateInvalid, {
  fires: [
    {
      name: 'no certificate bound to the listener',
      facts: guestWith((g) => {
        g.rdp!.certificate = null;
      }),
      summary: ['certificate is missing'],
      evidence: ['No certificate is bound to the RDP-Tcp listener'],
      fixes: ['reset-listener-certificate'],
    },
    {
      name: 'the bound certificate was deleted from the store',
      facts: guestWith((g) => {
        g.rdp!.certificate = { thumbprint: THUMBPRINT, present: false, notAfter: null };
      }),
      summary: ['certificate is missing'],
      evidence: [`certificate ${THUMBPRINT} is not in the machine's certificate store`],
      fixes: ['reset-listener-certificate'],
    },
    {
      name: 'expired a second before now',
      facts: guestWith((g) => {
        g.rdp!.certificate = { thumbprint: THUMBPRINT, present: true, notAfter: '2026-11-27T11:59:59.000Z' };
      }),
      summary: ['expired on 2026-11-27'],
      evidence: [`Listener certificate ${THUMBPRINT} expired 2026-11-27T11:59:59.000Z`],
      fixes: ['reset-listener-certificate'],
    },
  ],
  quiet: [
    { name: 'a valid certificate', facts: healthyFacts() },
    {
      name: 'expires exactly now',
      facts: guestWith((g) => {
        g.rdp!.certificate = { thumbprint: THUMBPRINT, present: true, notAfter: NOW };
      }),
    },
    {
      name: 'present, no expiry read',
      facts: guestWith((g) => {
        g.rdp!.certificate = { thumbprint: THUMBPRINT, present: true, notAfter: null };
      }),
    },
    {
      name: 'the certificate sub-probe failed',
      facts: guestWith((g) => {
        g.rdp!.certificate = null;
        g.errors.push({ probe: 'rdp.certificate', message: 'Access denied reading Win32_TSGeneralSetting' });
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

testWindowsGuestRule(listenerCertificateInvalid, 'SSLCertificateSHA1Hash');
