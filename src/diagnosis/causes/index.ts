import type { CauseRule } from '../cause';
import { platformCauses } from './platform';
import { networkCauses } from './network';
import { serviceCauses } from './service';
import { authCauses } from './auth';
import { guestCauses } from './guest';

/** Every cause, in the order a session travels: the code's table is the guide's table. */
export const causes: readonly CauseRule[] = [
  ...platformCauses,
  ...networkCauses,
  ...serviceCauses,
  ...authCauses,
  ...guestCauses,
];
