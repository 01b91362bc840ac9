import fs from 'node:fs';
import path from 'node:path';
import { probeCommand } from '../../src/azure/gatherers/guest';
import { GUEST_PROBE_PATH, guestProbeScript, guestProbeScriptLines } from '../../src/azure/probe';
import { guestFactsSchema } from '../../src/diagnosis/guest-facts';

// The probe runs as SYSTEM on someone's production machine: it must be the constant, read-only script
// in the repo, byte for byte, with no way for a request to reach its text.

const SHIPPED = path.join(__dirname, '../../src/azure/probe/guest-probe.ps1');

function loadFresh(): string {
  let script = '';
  jest.isolateModules(() => {
    script = (jest.requireActual('../../src/azure/probe') as { guestProbeScript: string }).guestProbeScript;
  });
  return script;
}

describe('the guest probe script', () => {
  it('is the file shipped in the repo, identical on every load', () => {
    expect(GUEST_PROBE_PATH).toBe(SHIPPED);
    expect(guestProbeScript).toBe(fs.readFileSync(SHIPPED, 'utf8'));
    expect(loadFresh()).toBe(guestProbeScript);
  });

  it('has no template placeholders', () => {
    expect(guestProbeScript).not.toMatch(/\{\{|\}\}|\$\{|<%|%>|__[A-Z]+__/);
  });

  it('takes no parameters and reads no input', () => {
    expect(guestProbeScript).not.toMatch(/\bparam\s*\(/i);
    expect(guestProbeScript).not.toMatch(/\$args\b/i);
    expect(guestProbeScript).not.toMatch(/\$input\b|Read-Host|\[Console\]::In/i);
  });

  it('changes nothing on the machine', () => {
    expect(guestProbeScript).not.toMatch(
      /\b(Set|Stop|Start|Restart|Enable|Disable|Suspend|Resume)-[A-Z]|\b(New|Remove|Clear|Rename)-Item|Invoke-Expression|\biex\b/i,
    );
  });

  it('is plain ASCII with LF line ends, so Run Command carries it unchanged', () => {
    const odd = [...guestProbeScript].filter((c) => c !== '\t' && c !== '\n' && (c < ' ' || c > '~'));
    expect(odd).toEqual([]);
  });

  it('prints every field of the guest facts contract', () => {
    const rdpFields = Object.keys(guestFactsSchema.shape.rdp.unwrap().unwrap().shape);
    for (const field of [...Object.keys(guestFactsSchema.shape), ...rdpFields]) {
      expect(guestProbeScript).toMatch(new RegExp(`\\b${field} = `));
    }
  });
});

describe('the Run Command body', () => {
  it('is exactly the shipped script', () => {
    const body = probeCommand();
    expect(body).toEqual({ commandId: 'RunPowerShellScript', script: [...guestProbeScriptLines] });
    expect(body.script?.join('\n')).toBe(fs.readFileSync(SHIPPED, 'utf8'));
  });

  it('cannot be changed through the exported lines', () => {
    expect(Object.isFrozen(guestProbeScriptLines)).toBe(true);
    expect(probeCommand().script).not.toBe(probeCommand().script);
  });
});

describe('the sessions the probe reads', () => {
  // WTS_CONNECTSTATE_CLASS (wtsapi32.h), in its documented order from WTSActive (0) to WTSInit (9).
  const WTS_CONNECT_STATES = [
    'WTSActive',
    'WTSConnected',
    'WTSConnectQuery',
    'WTSShadow',
    'WTSDisconnected',
    'WTSIdle',
    'WTSListen',
    'WTSReset',
    'WTSDown',
    'WTSInit',
  ];

  function stateNames(): string[] {
    const list = /\$stateNames = @\(([^)]*)\)/.exec(guestProbeScript)?.[1] ?? '';
    return [...list.matchAll(/'([^']+)'/g)].map((m) => m[1]);
  }

  it("come from the Remote Desktop Services API, not quser's text, which Windows translates", () => {
    expect(guestProbeScript).not.toMatch(/^[^#\n]*quser/im);
    expect(guestProbeScript).toContain('EntryPoint = "WTSEnumerateSessionsW"');
    expect(guestProbeScript).toContain('EntryPoint = "WTSQuerySessionInformationW"');
  });

  it('name each numeric connect state as the guest facts contract does (Active, Disc)', () => {
    const names = stateNames();
    expect(names).toHaveLength(WTS_CONNECT_STATES.length);
    expect(names[WTS_CONNECT_STATES.indexOf('WTSActive')]).toBe('Active');
    expect(names[WTS_CONNECT_STATES.indexOf('WTSDisconnected')]).toBe('Disc');
    expect(new Set(names).size).toBe(names.length);
  });
});
