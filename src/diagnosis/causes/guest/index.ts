import type { CauseRule } from '../../cause';
import { diskFull } from './disk-full';
import { memoryExhausted } from './memory-exhausted';
import { cpuSaturated } from './cpu-saturated';
import { diskThroughputSaturated } from './disk-throughput-saturated';
import { updateInProgress } from './update-in-progress';
import { sessionCollision } from './session-collision';
import { temporaryProfile } from './temporary-profile';
import { profileLoadFailed } from './profile-load-failed';
import { sessionEndsImmediately } from './session-ends-immediately';
import { shellCrash } from './shell-crash';

// Layer four: the guest operating system state after sign-in, in the order of docs/causes.md.
export const guestCauses: readonly CauseRule[] = [
  diskFull,
  memoryExhausted,
  cpuSaturated,
  diskThroughputSaturated,
  updateInProgress,
  sessionCollision,
  temporaryProfile,
  profileLoadFailed,
  sessionEndsImmediately,
  shellCrash,
];
