import type { CauseRule } from '../../cause';
import { factValue } from '../../facts';
import { clock, logonFailures, type LogonFailure } from '../../events';
import { FAILED_LOGONS_SCRIPT, runPowerShell, windowsOnly } from '../guest-probe';

const MIN_FAILURES = 20;
const MIN_ADDRESSES = 5;
const NAMED = 3;

export const bruteForcePressure: CauseRule = {
  id: 'brute-force-pressure',
  layer: 'auth',
  title: 'Many failed logons from many addresses (brute force)',
  label: 'brute-force pressure',
  guide: 'Layer three: the authentication handshake',
  severity: 'warning',
  needs: ['guest'],
  notApplicable: windowsOnly,
  confirm: (facts) => runPowerShell(facts, FAILED_LOGONS_SCRIPT),
  clean: 'No brute-force pattern in the failed logons of the last 24 h.',
  detect(facts) {
    const events = factValue(facts, 'guest').events;
    if (!events) return null;
    const failures = logonFailures(events);
    const total = failures.reduce((n, f) => n + f.count, 0);
    // `-` is what Windows logs when an attempt carried no address: not a distinct source.
    const byAddress = tally(
      failures.filter((f) => f.address !== '-' && f.address !== ''),
      (f) => f.address,
    );
    if (total < MIN_FAILURES || byAddress.length < MIN_ADDRESSES) return null;
    const latest = failures.reduce(
      (t, f) => (Date.parse(f.time) > Date.parse(t) ? f.time : t),
      failures[0]?.time ?? '',
    );
    const accounts = tally(failures, (f) => f.user.toLowerCase());
    return {
      summary: `${total} failed logons from ${byAddress.length} addresses in the last 24 h: the RDP port is exposed and under brute-force pressure, which can lock out real accounts.`,
      evidence: [
        `${total} failed logons (4625) from ${byAddress.length} addresses in the last 24 h, the latest at ${clock(latest)}`,
        `Most attempts from ${named(byAddress)}`,
        `Accounts tried most: ${named(accounts)}`,
      ],
      advice:
        'Remove the public exposure: reach the machine through Azure Bastion, or scope the NSG rule for 3389 to your own address range.',
    };
  },
};

function tally(failures: readonly LogonFailure[], key: (f: LogonFailure) => string): [string, number][] {
  const counts = new Map<string, number>();
  for (const f of failures) counts.set(key(f), (counts.get(key(f)) ?? 0) + f.count);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]);
}

function named(counts: readonly [string, number][]): string {
  return counts
    .slice(0, NAMED)
    .map(([name, n]) => `${name || 'an unnamed account'} (${n})`)
    .join(', ');
}
