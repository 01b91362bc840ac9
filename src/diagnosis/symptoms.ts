import type { Layer, Symptom } from './facts';
import type { CauseId } from './ids';

// What the client printed, read the guide's way: which layers it is consistent with, and which causes
// it makes most likely. The evidence decides the layer; the symptom only ranks causes within it and
// flags when the two disagree.

const consistentLayers: Record<Symptom, readonly Layer[]> = {
  // A guest firewall drops silently, so a timeout is consistent with it too.
  timeout: ['platform', 'network', 'service'],
  refused: ['service'],
  credentials: ['auth'],
  credssp: ['auth'],
  'black-screen': ['guest'],
  disconnects: ['guest'],
  unknown: ['platform', 'network', 'service', 'auth', 'guest'],
};

const likelyCauses: Record<Symptom, readonly CauseId[]> = {
  timeout: ['nsg-denies-rdp', 'jit-access-not-requested', 'public-ip-missing', 'guest-firewall-blocks-rdp'],
  refused: [
    'termservice-not-running',
    'rdp-connections-disabled',
    'rdp-not-listening',
    'rdp-port-nonstandard',
  ],
  credentials: [
    'account-locked-out',
    'password-expired',
    'password-rejected',
    'account-disabled',
    'logon-right-missing',
  ],
  credssp: ['credssp-mismatch'],
  'black-screen': ['memory-exhausted', 'cpu-saturated', 'disk-full', 'update-in-progress', 'shell-crash'],
  disconnects: ['session-collision', 'session-ends-immediately', 'temporary-profile', 'profile-load-failed'],
  unknown: [],
};

export const SYMPTOM_WORDS: Record<Symptom, string> = {
  timeout: 'a timeout',
  refused: 'a refusal',
  credentials: 'a credentials error',
  credssp: 'a CredSSP error',
  'black-screen': 'a black screen',
  disconnects: 'a session that drops',
  unknown: 'no particular symptom',
};

export function symptomFitsLayer(symptom: Symptom, layer: Layer): boolean {
  return consistentLayers[symptom].includes(layer);
}

/** Lower is more likely for this symptom; causes the symptom says nothing about keep their guide order. */
export function symptomRank(symptom: Symptom, cause: CauseId): number {
  const index = likelyCauses[symptom].indexOf(cause);
  return index === -1 ? Number.MAX_SAFE_INTEGER : index;
}
