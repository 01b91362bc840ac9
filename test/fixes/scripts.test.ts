import type { RunCommandInput } from '@azure/arm-compute';
import fs from 'node:fs';
import path from 'node:path';
import { FIX_IDS } from '../../src/diagnosis/ids';
import { FIX_SCRIPTS_DIR, fixCommand, fixScript, type GuestFixId } from '../../src/fixes/guest-script';
import { logoffSession } from '../../src/fixes/logoff-session';
import { stopProcess } from '../../src/fixes/stop-process';
import { unlockAccount } from '../../src/fixes/unlock-account';
import { guestWith } from '../fixtures/facts';
import { FakeAzure, executionContext, runCommandResult } from './support';

// The guest fixes' scripts are constants: what ships in src/fixes/scripts is what Run Command receives,
// byte for byte, whatever the request; the request's values travel only as Run Command parameters.

const REPO = path.join(__dirname, '..', '..');
const SCRIPT_FILES = fs.readdirSync(FIX_SCRIPTS_DIR).filter((f) => f.endsWith('.ps1'));
const GUEST_FIXES = SCRIPT_FILES.map((f) => f.replace(/\.ps1$/, '') as GuestFixId);

/** The param() names each script declares, as Run Command passes them. */
const DECLARED: Record<GuestFixId, string[]> = {
  'start-termservice': [],
  'enable-rdp-firewall-rules': [],
  'enable-rdp-connections': [],
  'reset-rdp-port': [],
  'reset-listener-certificate': [],
  'unlock-account': ['UserName'],
  'stop-process': ['ProcessId', 'ExpectedName'],
  'logoff-session': ['SessionId', 'ExpectedUser'],
};

function declaredParameters(script: string): string[] {
  const block = /^param\(([\s\S]*?)^\)/m.exec(script);
  return block ? [...block[1].matchAll(/\[(?:string|int)\]\$(\w+)/g)].map((m) => m[1]) : [];
}

describe('guest fix scripts', () => {
  it('ships one script per guest fix, each named for a fix of the catalog', () => {
    expect(GUEST_FIXES.sort()).toEqual(Object.keys(DECLARED).sort());
    for (const id of GUEST_FIXES) expect(FIX_IDS).toContain(id);
  });

  it('copies every script into the build', () => {
    const copier = fs.readFileSync(path.join(REPO, 'scripts', 'copy-assets.js'), 'utf8');
    for (const file of SCRIPT_FILES) {
      expect(copier).toContain(`['src/fixes/scripts/${file}', 'dist/fixes/scripts/${file}']`);
    }
  });

  describe.each(GUEST_FIXES)('%s.ps1', (id) => {
    const file = fs.readFileSync(path.join(FIX_SCRIPTS_DIR, `${id}.ps1`), 'utf8');

    it('starts with the marker that names the fix', () => {
      expect(file.split('\n')[0]).toBe(`# rdp-doctor-fix: ${id}`);
    });

    it('is plain ASCII with LF line endings, which Windows PowerShell 5.1 reads without a BOM', () => {
      const odd = [...file].filter((c) => c !== '\t' && c !== '\n' && (c < ' ' || c > '~'));
      expect(odd).toEqual([]);
    });

    it('declares exactly the parameters the fix sends, and prints its result as one JSON line', () => {
      expect(declaredParameters(file)).toEqual(DECLARED[id]);
      expect(file).toContain(
        'ConvertTo-Json -InputObject ([ordered]@{ ok = $ok; message = $message }) -Compress',
      );
    });

    it('is sent byte for byte, whatever the values', () => {
      const values = Object.fromEntries(DECLARED[id].map((name) => [name, 'first']));
      const others = Object.fromEntries(DECLARED[id].map((name) => [name, 'second']));
      const sent = [fixCommand(id, values), fixCommand(id, others)].map((c) => c.script!.join('\n'));
      expect(sent).toEqual([file, file]);
      expect(fixScript(id)).toBe(file);
    });
  });

  it.each([
    [unlockAccount.id, unlockAccount, { userName: 'zz-unlock-me' }, ['zz-unlock-me']],
    [stopProcess.id, stopProcess, { pid: 987654, processName: 'zz-runaway' }, ['987654', 'zz-runaway']],
    [logoffSession.id, logoffSession, { sessionId: 4242, user: 'zz-stale' }, ['4242', 'zz-stale']],
  ])('%s: the values reach Windows only as parameters', async (_, fix, params, values) => {
    const fake = new FakeAzure();
    fake.answers.set(
      'virtualMachines.beginRunCommandAndWait',
      runCommandResult('{"ok":true,"message":"done"}'),
    );
    await fix.execute(
      executionContext(
        fake,
        guestWith(() => undefined),
        params,
      ),
    );
    const command = fake.calls[0].args[2] as RunCommandInput;
    const script = command.script!.join('\n');
    for (const value of values) {
      expect(script).not.toContain(value);
      expect(command.parameters!.map((p) => p.value)).toContain(value);
    }
    expect(script).toBe(fixScript(fix.id as GuestFixId));
  });
});

describe('the firewall fixes', () => {
  // The firewall applies the active store, where Group Policy rules and settings win over the local rules
  // the fixes change: what they verify must come from there, as the guest probe's does.
  describe.each(['enable-rdp-firewall-rules', 'enable-rdp-connections'] as const)('%s.ps1', (id) => {
    const script = fixScript(id);
    const reads = script.split('\n').filter((line) => /Get-NetFirewall(Rule|Profile)\b/.test(line));

    it('verifies against the active store', () => {
      expect(reads.length).toBeGreaterThan(0);
      for (const line of reads) expect(line).toContain('-PolicyStore ActiveStore');
    });

    it('fails, naming Group Policy, when a GPO ignores the local rules or blocks the port', () => {
      expect(script).toContain("AllowLocalFirewallRules -eq 'False'");
      expect(script).toContain("PolicyStoreSourceType -eq 'GroupPolicy'");
      expect(script).toMatch(/Write-Result \$false \('[^']*but ' \+ \$override\)/);
    });
  });
});
