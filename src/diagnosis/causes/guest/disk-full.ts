import type { CauseRule } from '../../cause';
import { factValue } from '../../facts';
import { formatBytes, formatPercent, runPowerShell, windowsOnly } from '../guest-probe';

const CRITICAL_FREE_BYTES = 2 ** 30;
const CRITICAL_FREE_SHARE = 0.02;
const WARNING_FREE_SHARE = 0.1;

export const diskFull: CauseRule = {
  id: 'disk-full',
  layer: 'guest',
  title: 'The system drive is (nearly) full',
  label: 'system drive space',
  guide: 'Layer four: the guest operating system state after sign-in',
  severity: 'critical',
  needs: ['guest'],
  notApplicable: windowsOnly,
  confirm: (facts) => runPowerShell(facts, 'Get-PSDrive C | Select-Object Used, Free'),
  clean: 'The system drive has room to write.',
  detect(facts) {
    const drive = factValue(facts, 'guest').resources?.systemDrive;
    if (!drive || drive.sizeBytes <= 0) return null;
    const share = drive.freeBytes / drive.sizeBytes;
    const critical = drive.freeBytes < CRITICAL_FREE_BYTES || share < CRITICAL_FREE_SHARE;
    if (!critical && share >= WARNING_FREE_SHARE) return null;
    const free = formatBytes(drive.freeBytes);
    const percent = formatPercent(drive.freeBytes, drive.sizeBytes);
    return {
      summary: critical
        ? `The system drive is nearly full (${free} free): Windows cannot write the profile and session state a logon needs, so sessions fail to paint or drop.`
        : `The system drive is running low (${free} free, ${percent}): clear space before it fills and blocks sign-in.`,
      evidence: [`System drive: ${free} free of ${formatBytes(drive.sizeBytes)} (${percent})`],
      severity: critical ? 'critical' : 'warning',
      advice:
        'Clear space on the system drive (temp folders, old logs and crash dumps, the Windows Update download cache) through Run Command, or expand the OS disk.',
    };
  },
};
