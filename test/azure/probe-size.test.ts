import { guestProbeScript } from '../../src/azure/probe';
import { guestFactsSchema } from '../../src/diagnosis/guest-facts';

// Run Command returns only the last 4,096 bytes of output and cuts the front of anything longer, which
// loses the whole guest layer. The probe caps every list and string ($probeCaps); this builds the largest
// document those caps allow, with the longest values and the characters that cost the most bytes once
// Windows PowerShell 5.1 has written them as JSON, and proves it fits.

const RUN_COMMAND_OUTPUT_LIMIT = 4096;
/** Write-Output ends the line with CRLF. */
const NEWLINE_BYTES = 2;

/** The $probeCaps hashtable at the top of the probe, read from the script itself. */
function probeCaps(): Record<string, number> {
  const block = /\$probeCaps = \[ordered\]@\{\n([\s\S]*?)\n\}/.exec(guestProbeScript);
  if (!block) throw new Error('the probe declares no $probeCaps hashtable');
  const caps: Record<string, number> = {};
  for (const line of block[1].split('\n')) {
    const entry = /^\s*(\w+) = (\d+)\s*$/.exec(line);
    if (!entry) throw new Error(`$probeCaps line is not "name = number": ${line}`);
    caps[entry[1]] = Number(entry[2]);
  }
  return caps;
}

/** ConvertTo-Json -Compress in Windows PowerShell 5.1: like JSON, plus ' < > & written as \u00XX. */
function convertToJson51(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>'&]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** The probe's ConvertTo-ProbeJson: its own -replace patterns, applied to 5.1's output. */
function convertToProbeJson(value: unknown): string {
  const prefix = /-replace \('([^']+)' \+ \$escape\[0\]\)/.exec(guestProbeScript)?.[1];
  const pairs = [...guestProbeScript.matchAll(/@\('([0-9a-f]{2})', (?:"(.)"|'(.)')\)/g)];
  if (!prefix || pairs.length === 0) throw new Error('the probe has no ConvertTo-ProbeJson replacements');
  let json = convertToJson51(value);
  for (const [, code, double, single] of pairs) {
    // .NET's -replace is case-insensitive, and its look-behind reads as JavaScript's does.
    json = json.replace(new RegExp(prefix + code, 'gi'), double ?? single);
  }
  return json;
}

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** The character that costs the most bytes in a string of the probe's JSON, among those a class keeps. */
function costliest(candidates: readonly string[]): string {
  const cost = (c: string) => bytes(convertToProbeJson(c.repeat(10)));
  return [...candidates].sort((a, b) => cost(b) - cost(a))[0];
}

// Limit-Text strips control characters and keeps everything else; Limit-Token keeps [A-Za-z0-9._:%-].
const TEXT_CHAR = costliest(["'", '<', '>', '&', '"', '\\', '\u00e9', '\u20ac', '\uffff', 'a']);
const TOKEN_CHAR = costliest(['A', '0', '.', '_', ':', '%', '-']);

const text = (chars: number) => TEXT_CHAR.repeat(chars);
const token = (chars: number) => TOKEN_CHAR.repeat(chars);
const ISO = '2026-12-31T23:59:59Z';
const INT32 = -2147483648;
const INT64 = -9223372036854775808;
/** Event ids are 16-bit. */
const EVENT_ID = 65535;

/**
 * A list as the probe's Add-Within fills it: items while there are fewer than `count` and the JSON of the
 * items, each with its comma, stays within `budget` bytes.
 */
function fill<T>(count: number, budget: number, item: () => T): T[] {
  const list: T[] = [];
  let used = 0;
  for (let i = 0; i < count; i++) {
    const next = item();
    const size = bytes(convertToProbeJson(next)) + 1;
    if (used + size > budget) break;
    used += size;
    list.push(next);
  }
  return list;
}

/** The longest of the names the probe passes to Add-ProbeError. */
function longestProbeName(): string {
  const names = [...guestProbeScript.matchAll(/Add-ProbeError '([^']+)'/g)].map((m) => m[1]);
  return ['output', ...names].sort((a, b) => b.length - a.length)[0];
}

const LSM_PROVIDER = 'Microsoft-Windows-TerminalServices-LocalSessionManager';
const PROVIDERS = {
  security: 'Microsoft-Windows-Security-Auditing',
  profile: 'Microsoft-Windows-User Profiles Service',
  shell: 'Application Error',
  credssp: 'LsaSrv',
  sessions: LSM_PROVIDER,
};

function event(log: string, provider: string, data: Record<string, string>) {
  return { log, id: EVENT_ID, time: ISO, provider, data };
}

/** The probe's events in the order they take the shared budget, each source at its count and longest. */
function nextEvent(caps: Record<string, number>): () => ReturnType<typeof event> {
  const candidates = [
    ...Array.from({ length: caps.lockoutEvents }, () =>
      event('Security', PROVIDERS.security, {
        TargetUserName: text(caps.nameChars),
        TargetDomainName: text(caps.nameChars),
      }),
    ),
    ...Array.from({ length: caps.profileEvents }, () => event('Application', PROVIDERS.profile, {})),
    ...Array.from({ length: caps.shellEvents }, () =>
      event('Application', PROVIDERS.shell, { AppName: token(caps.tokenChars) }),
    ),
    ...Array.from({ length: caps.credsspEvents }, () => event('System', PROVIDERS.credssp, {})),
    ...Array.from({ length: caps.sessionEvents }, () =>
      event(`${LSM_PROVIDER}/Operational`, PROVIDERS.sessions, {
        User: text(caps.nameChars),
        SessionID: token(caps.tokenChars),
      }),
    ),
    ...Array.from({ length: caps.failureEvents }, () =>
      event('Security', PROVIDERS.security, {
        TargetUserName: text(caps.nameChars),
        Status: token(caps.codeChars),
        SubStatus: token(caps.codeChars),
        IpAddress: token(caps.addressChars),
        // At most the 1000 events the probe reads.
        Count: '1000',
      }),
    ),
  ];
  let next = 0;
  // Past the last candidate, a bulky failed logon again: the count caps, not this list, end the sources.
  return () => candidates[Math.min(next++, candidates.length - 1)];
}

/** The largest document the caps allow: every list full, every value at its longest. */
function largestDocument(caps: Record<string, number>) {
  return {
    schemaVersion: 1,
    collectedAt: ISO,
    os: {
      caption: text(caps.captionChars),
      version: token(caps.tokenChars),
      lastBootUpTime: ISO,
      domainJoined: false,
      domain: token(caps.hostChars),
      secureChannelOk: false,
    },
    rdp: {
      termService: { status: token(caps.tokenChars), startType: token(caps.tokenChars) },
      fDenyTSConnections: 1,
      portNumber: INT32,
      listening: false,
      userAuthentication: 1,
      securityLayer: INT32,
      certificate: { thumbprint: token(caps.thumbprintChars), present: false, notAfter: ISO },
      firewall: { rdpRulesEnabled: false, portAllowed: false, defaultInboundAction: 'Block' },
      rdsh: {
        installed: false,
        licensingMode: INT32,
        licenseServers: fill(caps.licenseServers, caps.licenseServerBytes, () => token(caps.hostChars)),
        graceDaysLeft: INT32,
      },
      credssp: { allowEncryptionOracle: INT32 },
      singleSessionPerUser: 1,
      // An unknown connect state is written as its number.
      sessions: fill(caps.sessions, caps.sessionBytes, () => ({
        id: INT32,
        user: text(caps.nameChars),
        state: String(INT32),
      })),
    },
    updates: {
      lastHotfixes: fill(caps.hotfixes, caps.hotfixBytes, () => ({
        id: token(caps.hotfixIdChars),
        installedOn: ISO,
      })),
      rebootPending: false,
      servicingActive: false,
    },
    resources: {
      systemDrive: { freeBytes: INT64, sizeBytes: INT64 },
      memory: { totalBytes: INT64, freeBytes: INT64 },
      topProcesses: fill(caps.processes, caps.processBytes, () => ({
        name: token(caps.processNameChars),
        pid: INT32,
        workingSetBytes: INT64,
      })),
    },
    accounts: fill(caps.accounts, caps.accountBytes, () => ({
      name: text(caps.nameChars),
      enabled: false,
      lockedOut: false,
      passwordExpired: false,
      rdpAllowed: false,
    })),
    events: fill(Number.MAX_SAFE_INTEGER, caps.eventBytes, nextEvent(caps)),
    errors: fill(caps.errors, caps.errorBytes, () => ({
      probe: longestProbeName(),
      message: text(caps.messageChars),
    })),
  };
}

describe('the guest probe output size', () => {
  const caps = probeCaps();

  it('declares its caps once, and uses every one of them', () => {
    expect(Object.keys(caps).length).toBeGreaterThan(10);
    const unused = Object.keys(caps).filter(
      (name) => !guestProbeScript.includes(`$probeCaps.${name}`) && !guestProbeScript.includes(`'${name}'`),
    );
    expect(unused).toEqual([]);
  });

  it('takes every list through a cap, not a number written in place', () => {
    expect(guestProbeScript).not.toMatch(/Select-Object -First \d/);
    for (const provider of Object.values(PROVIDERS)) expect(guestProbeScript).toContain(`'${provider}'`);
    expect(guestProbeScript).toContain('} 1000))');
  });

  it('fits the largest document its caps allow within Run Command output limit', () => {
    const document = largestDocument(caps);
    expect(guestFactsSchema.safeParse(document).success).toBe(true);
    const size = bytes(convertToProbeJson(document));
    expect(caps.outputBytes + NEWLINE_BYTES).toBeLessThanOrEqual(RUN_COMMAND_OUTPUT_LIMIT);
    expect(size).toBeLessThanOrEqual(caps.outputBytes);
  });

  it('fits any document, whatever its items: the longest values outside lists and every list budget spent', () => {
    const document = largestDocument(caps);
    const empty = {
      ...document,
      rdp: { ...document.rdp, sessions: [], rdsh: { ...document.rdp.rdsh, licenseServers: [] } },
      updates: { ...document.updates, lastHotfixes: [] },
      resources: { ...document.resources, topProcesses: [] },
      accounts: [],
      events: [],
      errors: [],
    };
    const budgets = Object.entries(caps)
      .filter(([name]) => name.endsWith('Bytes') && name !== 'outputBytes')
      .reduce((sum, [, value]) => sum + value, 0);
    const bound = bytes(convertToProbeJson(empty)) + budgets;
    expect(bound).toBeLessThanOrEqual(caps.outputBytes);
  });

  it('counts a name at three bytes a character at worst, after writing back the escapes 5.1 adds', () => {
    expect(bytes(convertToProbeJson(text(10)))).toBe(2 + 30);
    expect(bytes(convertToProbeJson("O'Brien & <Co>"))).toBe(2 + 14);
  });

  it.each(["'", "\\'", '\\u0027', "\\\\'", '<&>', 'a\\', '\\\\u0026'])(
    'writes back the escapes without changing the value: %s',
    (value) => {
      expect(JSON.parse(convertToProbeJson({ value }))).toEqual({ value });
    },
  );

  it('falls back to a minimal document that fits and matches the contract', () => {
    expect(guestProbeScript).toContain("message = 'the guest facts did not fit the Run Command output'");
    const minimal = {
      schemaVersion: 1,
      collectedAt: ISO,
      errors: [{ probe: 'output', message: 'the guest facts did not fit the Run Command output' }],
    };
    expect(guestFactsSchema.safeParse(minimal).success).toBe(true);
    expect(bytes(convertToProbeJson(minimal))).toBeLessThan(caps.outputBytes);
  });
});
