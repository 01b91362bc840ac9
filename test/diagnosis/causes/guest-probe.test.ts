import {
  heaviestProcess,
  joinNames,
  newestHotfix,
  runPowerShell,
  windowsOnly,
} from '../../../src/diagnosis/causes/guest-probe';
import { factsAllFailed, healthyFacts, healthyGuest, linuxFacts } from '../../fixtures/facts';

describe('windowsOnly', () => {
  it('rules out Linux and nothing else', () => {
    expect(windowsOnly(linuxFacts())).toBe('Linux machine: RDP does not apply');
    expect(windowsOnly(healthyFacts())).toBeNull();
    expect(windowsOnly(factsAllFailed())).toBeNull();
  });
});

describe('runPowerShell', () => {
  it("fills in this VM's names and subscription", () => {
    expect(runPowerShell(healthyFacts(), 'quser')).toBe(
      'az vm run-command invoke --resource-group rg-prod --name vm-web-01 --command-id RunPowerShellScript ' +
        '--scripts "quser" --subscription 00000000-0000-0000-0000-000000000001',
    );
  });

  it('escapes what a POSIX shell would expand inside double quotes, and leaves registry paths alone', () => {
    const script = `Get-Process | % { $_.Name }; Get-CimInstance X -Filter "A='b'"; Get-Item 'HKLM:\\System' \`n`;
    expect(runPowerShell(healthyFacts(), script)).toContain(
      `--scripts "Get-Process | % { \\$_.Name }; Get-CimInstance X -Filter \\"A='b'\\"; Get-Item 'HKLM:\\System' \\\`n"`,
    );
  });

  it('uses placeholders when the VM fact is missing', () => {
    expect(runPowerShell(factsAllFailed(), 'quser')).toBe(
      'az vm run-command invoke --resource-group <resource-group> --name <vm-name> --command-id RunPowerShellScript --scripts "quser"',
    );
  });
});

describe('heaviestProcess', () => {
  it('picks the largest working set Windows can live without', () => {
    const guest = healthyGuest();
    guest.resources!.topProcesses = [
      { name: 'Memory Compression', pid: 2, workingSetBytes: 5e9 },
      { name: 'svchost', pid: 1200, workingSetBytes: 4e9 },
      { name: 'sqlservr', pid: 3300, workingSetBytes: 3e9 },
      { name: 'java', pid: 5120, workingSetBytes: 3.5e9 },
    ];
    expect(heaviestProcess(guest)).toEqual({ name: 'java', pid: 5120, workingSetBytes: 3.5e9 });
  });

  it('is null when the guest or its resources are unknown', () => {
    expect(heaviestProcess(undefined)).toBeNull();
    expect(heaviestProcess({ ...healthyGuest(), resources: null })).toBeNull();
  });
});

describe('joinNames', () => {
  it('names each account once, case-insensitively, in plain English', () => {
    expect(joinNames(['alice'])).toBe('alice');
    expect(joinNames(['alice', 'Alice', 'bob'])).toBe('alice and bob');
    expect(joinNames(['alice', 'bob', '', 'carol'])).toBe('alice, bob and carol');
    expect(joinNames([])).toBe('');
  });
});

describe('newestHotfix', () => {
  it('reads the most recent dated hotfix, whatever the order', () => {
    expect(
      newestHotfix([
        { id: 'KB1', installedOn: '2018-04-10T00:00:00Z' },
        { id: 'KB2', installedOn: null },
        { id: 'KB3', installedOn: '2018-05-08T00:00:00Z' },
        { id: 'KB4', installedOn: 'not a date' },
      ]),
    ).toEqual({ id: 'KB3', day: '2018-05-08', installedAt: Date.parse('2018-05-08T00:00:00Z') });
    expect(newestHotfix([{ id: 'KB2', installedOn: null }])).toBeNull();
  });
});
