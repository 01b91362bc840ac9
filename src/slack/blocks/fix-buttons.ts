import type { types } from '@slack/bolt';
import type { CauseId, FixId } from '../../diagnosis/ids';
import type { Finding } from '../../diagnosis/report';
import { LIMITS, plainText } from './build';
import { truncate } from './mrkdwn';

// Buttons name what they do (DESIGN.md): the text says the action in the on-call engineer's words,
// and `action_id` is `fix:<fix id>` so logs, audits and the action handler find them by name.

const FIX_LABELS: Record<FixId, string> = {
  'nsg-allow-rdp-from-source': 'Allow RDP from your address',
  'jit-request-access': 'Request JIT access',
  'start-vm': 'Start the VM',
  'restart-vm': 'Restart the VM',
  'start-termservice': 'Start TermService',
  'enable-rdp-firewall-rules': 'Enable RDP firewall rules',
  'enable-rdp-connections': 'Enable RDP connections',
  'reset-rdp-port': 'Reset RDP port to 3389',
  'reset-listener-certificate': 'Regenerate listener certificate',
  'vmaccess-reset': 'Reset password & RDP config (VMAccess)',
  'unlock-account': 'Unlock account',
  'stop-process': 'Stop the runaway process',
  'logoff-session': 'Sign off the stale session',
  'make-public-ip-static': 'Make public IP static',
};

// The guest rules name their target in the evidence (`describeProcess`; stale session listed first),
// which is what the fix re-checks before it runs; the button says the same name.
const PROCESS = /^Largest stoppable process: (.+) \(pid \d+\)/;
const SESSION = /^Session (\d+): (.+), /;

/** What the button says for this fix of this finding, e.g. `Stop w3wp` or `Sign off session 2 (alice)`. */
export function fixLabel(fix: FixId, finding: Finding): string {
  if (fix === 'stop-process') {
    const name = finding.evidence.map((e) => PROCESS.exec(e)?.[1]).find(Boolean);
    if (name) return truncate(`Stop ${name}`, LIMITS.buttonText);
  }
  if (fix === 'logoff-session') {
    const session = finding.evidence.map((e) => SESSION.exec(e)).find(Boolean);
    if (session) return truncate(`Sign off session ${session[1]} (${session[2]})`, LIMITS.buttonText);
  }
  return FIX_LABELS[fix];
}

/** The fix in the on-call engineer's words, e.g. `Start the VM`. */
export function fixName(fix: FixId): string {
  return FIX_LABELS[fix];
}

/** What the `fix:<id>` button carries back to the action handler. */
export interface FixButtonValue {
  run: string;
  cause: CauseId;
  fix: FixId;
}

export function fixActionId(fix: FixId): string {
  return `fix:${fix}`;
}

/**
 * One button per fix of the deciding findings, in order, each fix once (the first finding that
 * proposes it owns it); the first is the primary action.
 */
export function fixButtons(runId: string, findings: readonly Finding[]): types.Button[] {
  const seen = new Set<FixId>();
  const buttons: types.Button[] = [];
  for (const finding of findings) {
    for (const fix of finding.fixes) {
      if (seen.has(fix)) continue;
      seen.add(fix);
      const value: FixButtonValue = { run: runId, cause: finding.cause, fix };
      buttons.push({
        type: 'button',
        action_id: fixActionId(fix),
        text: plainText(fixLabel(fix, finding), LIMITS.buttonText),
        value: JSON.stringify(value),
        ...(buttons.length === 0 ? { style: 'primary' as const } : {}),
      });
    }
  }
  return buttons.slice(0, LIMITS.actionsElements);
}
