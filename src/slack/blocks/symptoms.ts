import type { Symptom } from '../../diagnosis/facts';

// What the Remote Desktop client shows, in the words of the guide's layer table: the help lists them
// and the symptom picker offers them to re-rank a finished report.

export type KnownSymptom = Exclude<Symptom, 'unknown'>;

export const SYMPTOM_DESCRIPTIONS: Record<KnownSymptom, string> = {
  timeout: 'hangs, then "cannot reach the remote computer"',
  refused: 'fails fast, or the connection resets',
  credentials: 'a clean credentials rejection',
  credssp: 'an error naming CredSSP or encryption oracle',
  'black-screen': 'signs in, then a black screen',
  disconnects: 'connects, then drops at once',
};

export const KNOWN_SYMPTOMS = Object.keys(SYMPTOM_DESCRIPTIONS) as KnownSymptom[];
