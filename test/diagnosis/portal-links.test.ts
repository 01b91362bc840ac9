import { failed, healthyFacts, NIC_NSG_ID, PIP_ID, SUBNET_NSG_ID, VM_ID } from '../fixtures/facts';
import { findingLinks, portalFor, resourceLink } from '../../src/diagnosis/portal-links';
import type { Finding } from '../../src/diagnosis/report';
import type { EffectiveNsgFacts, VmFacts } from '../../src/diagnosis/facts';
import type { CauseId } from '../../src/diagnosis/ids';

// The portal pages a finding links to: pure, from the ARM endpoint, the cause and the facts.

const finding = (cause: CauseId): Finding => ({
  cause,
  layer: 'network',
  severity: 'critical',
  summary: '',
  evidence: [],
  fixes: [],
  advice: '',
  links: [],
});

describe('portalFor: the portal of the cloud the ARM endpoint belongs to', () => {
  it.each([
    ['https://management.azure.com', 'https://portal.azure.com'],
    ['https://management.azure.com/', 'https://portal.azure.com'],
    ['https://management.usgovcloudapi.net', 'https://portal.azure.us'],
    ['https://management.chinacloudapi.cn/', 'https://portal.azure.cn'],
    ['https://127.0.0.1:8443', 'https://portal.azure.com'],
  ])('%s -> %s', (arm, portal) => expect(portalFor(arm)).toBe(portal));
});

describe('findingLinks', () => {
  const portal = 'https://portal.azure.us';

  it('deep-links a resource blade by its id', () => {
    expect(resourceLink(portal, VM_ID, 'serialConsole')).toBe(
      `https://portal.azure.us/#@/resource${VM_ID}/serialConsole`,
    );
  });

  it('sends an NSG denial to the NSGs on the path and to Connection troubleshoot', () => {
    expect(findingLinks(portal, finding('nsg-denies-rdp'), healthyFacts())).toEqual([
      { label: 'NSG snet-app-nsg rules', url: resourceLink(portal, SUBNET_NSG_ID) },
      { label: 'NSG vm-web-01-nsg rules', url: resourceLink(portal, NIC_NSG_ID) },
      { label: 'Connection troubleshoot', url: resourceLink(portal, VM_ID, 'connectionTroubleshoot') },
      { label: 'vm-web-01 in the portal', url: resourceLink(portal, VM_ID) },
    ]);
  });

  it('falls back to the NIC’s own NSG when the effective rules could not be read', () => {
    const facts = { ...healthyFacts(), effectiveNsg: failed<EffectiveNsgFacts>() };
    expect(findingLinks(portal, finding('nsg-denies-rdp'), facts).map((l) => l.label)).toContain(
      'NSG vm-web-01-nsg rules',
    );
  });

  it('sends a guest that never booted to boot diagnostics and the serial console', () => {
    expect(findingLinks(portal, finding('guest-not-booted'), healthyFacts()).map((l) => l.url)).toEqual([
      resourceLink(portal, VM_ID, 'bootDiagnostics'),
      resourceLink(portal, VM_ID, 'serialConsole'),
      resourceLink(portal, VM_ID),
    ]);
  });

  it('sends JIT to Defender’s just-in-time page and a dynamic IP to the public IP', () => {
    expect(findingLinks(portal, finding('jit-access-not-requested'), healthyFacts())[0].url).toBe(
      'https://portal.azure.us/#blade/Microsoft_Azure_Security/SecurityMenuBlade/JustInTimeVmAccess',
    );
    expect(findingLinks(portal, finding('public-ip-dynamic'), healthyFacts())[0]).toEqual({
      label: 'Public IP vm-web-01-pip',
      url: resourceLink(portal, PIP_ID),
    });
  });

  it('links nothing when the VM itself was not read', () => {
    expect(
      findingLinks(portal, finding('vm-not-running'), { ...healthyFacts(), vm: failed<VmFacts>() }),
    ).toEqual([]);
  });
});
