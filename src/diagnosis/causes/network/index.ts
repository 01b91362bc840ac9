import type { CauseRule } from '../../cause';
import { dnsStale } from './dns-stale';
import { jitAccessNotRequested } from './jit-access-not-requested';
import { nsgDeniesRdp } from './nsg-denies-rdp';
import { publicIpDynamic } from './public-ip-dynamic';
import { publicIpMissing } from './public-ip-missing';
import { rdpExposedToInternet } from './rdp-exposed-to-internet';
import { returnPathAsymmetric } from './return-path-asymmetric';
import { routeViaAppliance } from './route-via-appliance';

/** The network path to the dialed port, in docs/causes.md order. */
export const networkCauses: CauseRule[] = [
  nsgDeniesRdp,
  publicIpMissing,
  publicIpDynamic,
  dnsStale,
  routeViaAppliance,
  returnPathAsymmetric,
  jitAccessNotRequested,
  rdpExposedToInternet,
];
