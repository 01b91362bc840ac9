import fs from 'node:fs';
import path from 'node:path';

// The guest probe ships as a file beside this module (the build copies it to dist/azure/probe/) and is
// sent to Run Command byte for byte: nothing is ever spliced into it.

export const GUEST_PROBE_PATH = path.join(__dirname, 'guest-probe.ps1');

/** The probe's text, read once when this module loads. */
export const guestProbeScript: string = fs.readFileSync(GUEST_PROBE_PATH, 'utf8');

/** The probe as Run Command's `script` lines; joined with '\n' they are exactly `guestProbeScript`. */
export const guestProbeScriptLines: readonly string[] = Object.freeze(guestProbeScript.split('\n'));
