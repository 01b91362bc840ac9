import type { CauseRule } from '../../cause';
import { termserviceNotRunning } from './termservice-not-running';
import { rdpNotListening } from './rdp-not-listening';
import { guestFirewallBlocksRdp } from './guest-firewall-blocks-rdp';
import { rdpConnectionsDisabled } from './rdp-connections-disabled';
import { rdpPortNonstandard } from './rdp-port-nonstandard';
import { rdshLicensingExpired } from './rdsh-licensing-expired';
import { listenerCertificateInvalid } from './listener-certificate-invalid';

// Layer two: the Remote Desktop service inside the guest, in the order of docs/causes.md.
export const serviceCauses: readonly CauseRule[] = [
  termserviceNotRunning,
  rdpNotListening,
  guestFirewallBlocksRdp,
  rdpConnectionsDisabled,
  rdpPortNonstandard,
  rdshLicensingExpired,
  listenerCertificateInvalid,
];
