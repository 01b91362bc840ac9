import { optionalFact, type Facts } from './facts';
import type { CauseId } from './ids';
import type { Finding, PortalLink } from './report';

// Where a person checks or fixes a finding by hand: deep links into the Azure portal of the cloud the
// configured ARM endpoint belongs to. Pure: the pipeline attaches them to each finding.

/** Azure Government and Azure China have portals of their own (Azure PowerShell's environment table). */
const SOVEREIGN_PORTALS: readonly { arm: RegExp; portal: string }[] = [
  { arm: /(^|\.)usgovcloudapi\.net$/i, portal: 'https://portal.azure.us' },
  { arm: /(^|\.)chinacloudapi\.cn$/i, portal: 'https://portal.azure.cn' },
];

const PUBLIC_PORTAL = 'https://portal.azure.com';

/**
 * The portal for an ARM endpoint. Any endpoint other than a sovereign cloud's (the public cloud, the
 * sandbox emulator) gets the public portal: emulated resource ids simply do not open there.
 */
export function portalFor(armEndpoint: string): string {
  let host: string;
  try {
    host = new URL(armEndpoint).hostname;
  } catch {
    return PUBLIC_PORTAL;
  }
  return SOVEREIGN_PORTALS.find((cloud) => cloud.arm.test(host))?.portal ?? PUBLIC_PORTAL;
}

/** A resource's blade: `https://portal.azure.com/#@/resource/subscriptions/…/virtualMachines/vm/serialConsole`. */
export function resourceLink(portal: string, resourceId: string, blade = 'overview'): string {
  return `${portal}/#@/resource${resourceId.startsWith('/') ? '' : '/'}${resourceId}/${blade}`;
}

/** Defender for Cloud's Just-in-time VM access page, where requests are made and policies edited. */
export function jitLink(portal: string): string {
  return `${portal}/#blade/Microsoft_Azure_Security/SecurityMenuBlade/JustInTimeVmAccess`;
}

function lastSegment(id: string): string {
  return id.split('/').filter(Boolean).pop() ?? id;
}

type Blade =
  'vm' | 'serialConsole' | 'bootDiagnostics' | 'connectionTroubleshoot' | 'nsg' | 'publicIp' | 'jit';

/** What a person opens for each cause, first the most useful. */
const BLADES: Record<CauseId, readonly Blade[]> = {
  'vm-not-running': ['vm'],
  'guest-not-booted': ['bootDiagnostics', 'serialConsole'],
  'vm-agent-unhealthy': ['serialConsole', 'vm'],
  'boot-diagnostics-disabled': ['bootDiagnostics'],
  'os-not-windows': ['vm'],
  'nsg-denies-rdp': ['nsg', 'connectionTroubleshoot'],
  'public-ip-missing': ['vm', 'connectionTroubleshoot'],
  'public-ip-dynamic': ['publicIp'],
  'dns-stale': ['publicIp'],
  'route-via-appliance': ['connectionTroubleshoot'],
  'return-path-asymmetric': ['connectionTroubleshoot'],
  'jit-access-not-requested': ['jit'],
  'rdp-exposed-to-internet': ['nsg'],
  'termservice-not-running': ['serialConsole'],
  'rdp-not-listening': ['serialConsole'],
  'guest-firewall-blocks-rdp': ['serialConsole'],
  'rdp-connections-disabled': ['serialConsole'],
  'rdp-port-nonstandard': ['serialConsole'],
  'rdsh-licensing-expired': ['serialConsole'],
  'listener-certificate-invalid': ['serialConsole'],
  'credssp-mismatch': ['serialConsole'],
  'domain-unreachable': ['serialConsole'],
  'account-locked-out': ['serialConsole'],
  'account-disabled': ['serialConsole'],
  'password-expired': ['serialConsole'],
  'password-rejected': ['serialConsole'],
  'logon-right-missing': ['serialConsole'],
  'brute-force-pressure': ['nsg'],
  'disk-full': ['serialConsole'],
  'memory-exhausted': ['serialConsole', 'vm'],
  'cpu-saturated': ['serialConsole', 'vm'],
  'disk-throughput-saturated': ['vm'],
  'update-in-progress': ['serialConsole'],
  'session-collision': ['serialConsole'],
  'temporary-profile': ['serialConsole'],
  'profile-load-failed': ['serialConsole'],
  'session-ends-immediately': ['serialConsole'],
  'shell-crash': ['bootDiagnostics', 'serialConsole'],
};

/** The NSGs on the machine's path: the effective ones when they were read, else the NIC's own. */
function nsgIds(facts: Facts): string[] {
  const effective = optionalFact(facts, 'effectiveNsg')?.groups.map((g) => g.nsgId) ?? [];
  const attached = optionalFact(facts, 'vm')?.nics.flatMap((nic) => (nic.nsgId ? [nic.nsgId] : [])) ?? [];
  return [...new Set(effective.length > 0 ? effective : attached)];
}

/** The portal pages for one finding, VM blade last so the specific page comes first. */
export function findingLinks(portal: string, finding: Finding, facts: Facts): PortalLink[] {
  const vm = optionalFact(facts, 'vm');
  if (!vm) return [];
  const links: PortalLink[] = [];
  for (const blade of BLADES[finding.cause]) {
    if (blade === 'vm') links.push({ label: `${vm.name} in the portal`, url: resourceLink(portal, vm.id) });
    if (blade === 'serialConsole')
      links.push({ label: 'Serial console', url: resourceLink(portal, vm.id, 'serialConsole') });
    if (blade === 'bootDiagnostics')
      links.push({ label: 'Boot diagnostics', url: resourceLink(portal, vm.id, 'bootDiagnostics') });
    if (blade === 'connectionTroubleshoot')
      links.push({
        label: 'Connection troubleshoot',
        url: resourceLink(portal, vm.id, 'connectionTroubleshoot'),
      });
    if (blade === 'jit') links.push({ label: 'Just-in-time VM access', url: jitLink(portal) });
    if (blade === 'nsg')
      for (const id of nsgIds(facts))
        links.push({ label: `NSG ${lastSegment(id)} rules`, url: resourceLink(portal, id) });
    if (blade === 'publicIp')
      for (const nic of vm.nics)
        if (nic.publicIpId)
          links.push({
            label: `Public IP ${lastSegment(nic.publicIpId)}`,
            url: resourceLink(portal, nic.publicIpId),
          });
  }
  if (!links.some((l) => l.url === resourceLink(portal, vm.id)))
    links.push({ label: `${vm.name} in the portal`, url: resourceLink(portal, vm.id) });
  return links;
}
