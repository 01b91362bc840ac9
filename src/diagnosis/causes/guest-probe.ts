import { clock, eventUser, profileServiceEvents } from '../events';
import { factValue, optionalFact, type Facts } from '../facts';
import type { GuestFacts } from '../guest-facts';

// Shared by the service, auth and guest rules: they all read the one Run Command probe, apply to
// Windows only, and confirm by hand through Run Command.

/** Why a rule about RDP inside the guest does not apply: only Linux machines are excluded. */
export function windowsOnly(facts: Facts): string | null {
  return optionalFact(facts, 'vm')?.osType === 'Linux' ? 'Linux machine: RDP does not apply' : null;
}

/**
 * `az vm run-command invoke` with this machine's names and a PowerShell script. The script sits inside
 * double quotes in a POSIX shell, so `"`, `$` and backticks are escaped (PowerShell's `$_` must reach
 * the guest intact). Placeholders stand in when the VM fact is missing, so confirming never throws.
 */
export function runPowerShell(facts: Facts, script: string): string {
  const vm = optionalFact(facts, 'vm');
  const quoted = script.replace(/\\(?=["$`\\])|["$`]/g, (c) => `\\${c}`);
  return [
    'az vm run-command invoke',
    `--resource-group ${vm?.resourceGroup ?? '<resource-group>'}`,
    `--name ${vm?.name ?? '<vm-name>'}`,
    '--command-id RunPowerShellScript',
    `--scripts "${quoted}"`,
    ...(vm ? [`--subscription ${vm.subscriptionId}`] : []),
  ].join(' ');
}

const GIB = 2 ** 30;
const MIB = 2 ** 20;

/** Bytes as a person reads them: `3.2 GiB`, `740 MiB`. */
export function formatBytes(bytes: number): string {
  if (bytes >= GIB) return `${(bytes / GIB).toFixed(1)} GiB`;
  return `${Math.round(bytes / MIB)} MiB`;
}

/** A share as a percentage with one decimal: `2.5 %`. */
export function formatPercent(part: number, whole: number): string {
  return `${((part / whole) * 100).toFixed(1)} %`;
}

export type GuestProcess = NonNullable<GuestFacts['resources']>['topProcesses'][number];

// Stopping one of these takes Windows (or every session) down with it: never a stop-process target.
const ESSENTIAL_PROCESSES = new Set([
  'system',
  'registry',
  'memory compression',
  'smss',
  'csrss',
  'wininit',
  'winlogon',
  'services',
  'lsass',
  'svchost',
  'dwm',
]);

/** The process with the largest working set that stop-process may target, or null. */
export function heaviestProcess(guest: GuestFacts | undefined): GuestProcess | null {
  const processes = (guest?.resources?.topProcesses ?? []).filter(
    (p) => !ESSENTIAL_PROCESSES.has(p.name.toLowerCase()),
  );
  return processes.reduce<GuestProcess | null>(
    (top, p) => (top === null || p.workingSetBytes > top.workingSetBytes ? p : top),
    null,
  );
}

/** Evidence that names the process so the stop-process fix can target it by name and pid. */
export function describeProcess(p: GuestProcess): string {
  return `Largest stoppable process: ${p.name} (pid ${p.pid}), ${formatBytes(p.workingSetBytes)} working set`;
}

/** Each account once, first spelling kept: Windows account names are case-insensitive. */
export function distinctNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.filter((name) => {
    const key = name.toLowerCase();
    if (name === '' || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `alice`, `alice and bob`, `alice, bob and carol` */
export function joinNames(names: readonly string[]): string {
  const distinct = distinctNames(names);
  return distinct.length <= 1
    ? distinct.join('')
    : `${distinct.slice(0, -1).join(', ')} and ${distinct[distinct.length - 1]}`;
}

// Security 4625 properties: 5 TargetUserName, 7 Status, 9 SubStatus, 19 IpAddress.
export const FAILED_LOGONS_SCRIPT =
  "Get-WinEvent -FilterHashtable @{LogName='Security';Id=4625} -MaxEvents 20 | Select-Object TimeCreated, " +
  "@{n='User';e={$_.Properties[5].Value}}, @{n='Status';e={'0x{0:X8}' -f $_.Properties[7].Value}}, " +
  "@{n='SubStatus';e={'0x{0:X8}' -f $_.Properties[9].Value}}, @{n='From';e={$_.Properties[19].Value}}";

export const LOCAL_ACCOUNTS_SCRIPT =
  "Get-CimInstance Win32_UserAccount -Filter 'LocalAccount=True' | Select-Object Name, Disabled, Lockout, PasswordExpires";

type Hotfix = NonNullable<GuestFacts['updates']>['lastHotfixes'][number];

export interface DatedHotfix {
  id: string;
  /** `YYYY-MM-DD` */
  day: string;
  installedAt: number;
}

/** The most recently installed hotfix with a readable date, whatever order the probe listed them in. */
export function newestHotfix(hotfixes: readonly Hotfix[]): DatedHotfix | null {
  let newest: DatedHotfix | null = null;
  for (const h of hotfixes) {
    const installedAt = Date.parse(h.installedOn ?? '');
    if (Number.isNaN(installedAt) || (newest !== null && installedAt <= newest.installedAt)) continue;
    newest = { id: h.id, day: new Date(installedAt).toISOString().slice(0, 10), installedAt };
  }
  return newest;
}

/** How a person confirms a User Profile Service cause: that service's events of these ids. */
export function profileEventsCommand(facts: Facts, meanings: Readonly<Record<number, string>>): string {
  const ids = Object.keys(meanings).join(',');
  return runPowerShell(
    facts,
    `Get-WinEvent -FilterHashtable @{LogName='Application';ProviderName='Microsoft-Windows-User Profiles Service';Id=${ids}} -MaxEvents 10 | Select-Object TimeCreated, Id, Message | Format-List`,
  );
}

/** The User Profile Service events of these ids in the guest facts, with the users they name and one line each. */
export function profileEventsFound(
  facts: Facts,
  meanings: Readonly<Record<number, string>>,
): { users: string; evidence: string[] } | null {
  const events = factValue(facts, 'guest').events;
  if (!events) return null;
  const found = profileServiceEvents(events, Object.keys(meanings).map(Number));
  if (found.length === 0) return null;
  return {
    users: joinNames(found.flatMap((e) => eventUser(e) ?? [])),
    evidence: found.map((e) => {
      const user = eventUser(e);
      return `Event ${e.id} at ${clock(e.time)}: ${meanings[e.id]}${user ? ` (${user})` : ''}`;
    }),
  };
}
