import type { CauseRule, Detection } from '../../cause';
import { factValue } from '../../facts';
import { runPowerShell, windowsOnly } from '../guest-probe';

export const listenerCertificateInvalid: CauseRule = {
  id: 'listener-certificate-invalid',
  layer: 'service',
  title: "The RDP listener's certificate is missing or expired",
  label: 'listener certificate',
  guide: 'Layer two: the Remote Desktop service inside the guest',
  severity: 'critical',
  needs: ['guest'],
  notApplicable: windowsOnly,
  confirm: (facts) =>
    runPowerShell(
      facts,
      "Get-CimInstance -Namespace root/cimv2/TerminalServices -ClassName Win32_TSGeneralSetting -Filter \"TerminalName='RDP-Tcp'\" | Select-Object SSLCertificateSHA1Hash; Get-ChildItem 'Cert:\\LocalMachine\\Remote Desktop' | Select-Object Thumbprint, NotAfter",
    ),
  clean: 'The RDP listener has a valid certificate.',
  detect(facts) {
    const guest = factValue(facts, 'guest');
    if (!guest.rdp) return null;
    const certificate = guest.rdp.certificate;
    if (certificate === null) {
      // A certificate sub-probe that failed also leaves null: only a clean read means "no certificate".
      if (guest.errors.some((e) => /cert/i.test(e.probe))) return null;
      return missing(['No certificate is bound to the RDP-Tcp listener']);
    }
    const thumbprint = certificate.thumbprint ?? 'with no thumbprint';
    if (!certificate.present) {
      return missing([`The listener's certificate ${thumbprint} is not in the machine's certificate store`]);
    }
    if (certificate.notAfter === null || Date.parse(certificate.notAfter) >= Date.parse(facts.now))
      return null;
    return {
      summary: `The RDP listener's certificate expired on ${certificate.notAfter.slice(0, 10)}, so the secure channel fails before sign-in.`,
      evidence: [`Listener certificate ${thumbprint} expired ${certificate.notAfter}`],
      fixes: ['reset-listener-certificate'],
    };
  },
};

function missing(evidence: string[]): Detection {
  return {
    summary: "The RDP listener's certificate is missing, so the secure channel fails before sign-in.",
    evidence,
    fixes: ['reset-listener-certificate'],
  };
}
