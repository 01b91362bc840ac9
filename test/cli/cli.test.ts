import { buildCli } from '../../src/cli/main';
import type { Report } from '../../src/diagnosis/report';
import { describeFailure } from '../../src/pipeline/failure';

// `rdp-doctor diagnose` in process: its stdout, stderr and exit code, against the in-process sandbox.

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `terminal`: stderr is a terminal, as when a person runs it (progress shows), not a pipe. */
async function cli(
  args: string[],
  env: Record<string, string | undefined> = {},
  terminal = false,
): Promise<Run> {
  const tty = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
  Object.defineProperty(process.stderr, 'isTTY', { value: terminal, configurable: true });
  let stdout = '';
  let stderr = '';
  const out = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = jest
    .spyOn(process.stderr, 'write')
    .mockImplementation((chunk) => ((stderr += String(chunk)), true));
  const saved = { ...process.env };
  Object.assign(process.env, env);
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete process.env[key];
  process.exitCode = undefined;
  try {
    await buildCli()
      .parseAsync(['node', 'rdp-doctor', ...args])
      .catch((error: { code?: string }) => {
        process.exitCode = error.code === 'commander.helpDisplayed' ? 0 : 2;
      });
    return { code: Number(process.exitCode ?? 0), stdout, stderr };
  } finally {
    process.exitCode = undefined;
    process.env = saved;
    out.mockRestore();
    err.mockRestore();
    if (tty) Object.defineProperty(process.stderr, 'isTTY', tty);
    else delete (process.stderr as { isTTY?: boolean }).isTTY;
  }
}

describe('rdp-doctor diagnose --sandbox --json', () => {
  it('prints the report contract and exits 0 for a network-layer VM', async () => {
    const run = await cli([
      'diagnose',
      'nsg-denies-rdp',
      '--sandbox',
      '--json',
      '--from',
      '203.0.113.10',
      '--symptom',
      'timeout',
    ]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report).toMatchObject({
      schemaVersion: 1,
      vm: { name: 'nsg-denies-rdp', osType: 'Windows', powerState: 'running' },
      symptom: 'timeout',
      source: '203.0.113.10',
      verdict: { layer: 'network', causes: ['nsg-denies-rdp'] },
    });
    expect(Date.parse(report.finishedAt)).toBeGreaterThanOrEqual(Date.parse(report.startedAt));
    const check = report.checks.find((c) => c.id === 'nsg-denies-rdp')!;
    expect(check).toMatchObject({ layer: 'network', status: 'fail' });
    expect(check.confirm).toMatch(/^az network watcher test-ip-flow /);
    expect(report.findings.find((f) => f.cause === 'nsg-denies-rdp')).toMatchObject({
      severity: 'critical',
      fixes: ['nsg-allow-rdp-from-source'],
    });
  });

  it('exits 0 with verdict none for the healthy VM', async () => {
    const run = await cli([
      'diagnose',
      'rg-sandbox/vm-healthy',
      '--sandbox',
      '--json',
      '--from',
      '203.0.113.10',
    ]);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as Report).verdict).toMatchObject({ layer: 'none', causes: [] });
  });

  it('exits 3 and still prints the report when no layer failed but a check could not run', async () => {
    // vm-arm-error: ARM answers 500 for the NIC's effective rules, so the network checks end in error.
    const run = await cli(['diagnose', 'vm-arm-error', '--sandbox', '--json']);
    expect(run.code).toBe(3);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.verdict.layer).toBe('none');
    expect(report.checks.filter((check) => check.status === 'error').map((check) => check.id)).toEqual(
      expect.arrayContaining(['nsg-denies-rdp']),
    );
  });

  it('exits 0, not 3, when a layer failed even though other checks could not run', async () => {
    const run = await cli(['diagnose', 'vm-not-running', '--sandbox', '--json']);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.verdict.layer).toBe('platform');
    expect(run.code).toBe(0);
  });
});

describe('rdp-doctor diagnose, human output', () => {
  it('goes layer by layer and gives the az command that confirms the finding; progress on a terminal only', async () => {
    const args = ['diagnose', 'termservice-not-running', '--sandbox', '--symptom', 'refused'];
    const run = await cli(args, {}, true);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/VERDICT: service/);
    expect(run.stdout).toMatch(/\[termservice-not-running\]/);
    expect(run.stdout).toMatch(/confirm: {2}az vm run-command invoke/);
    expect(run.stdout).toMatch(/fixes: {4}start-termservice/);
    expect(run.stderr).toMatch(/^Diagnosing termservice-not-running \(rg-sandbox\)…\n/);
    expect(run.stderr).toMatch(/verdict settled after/);

    const piped = await cli(args);
    expect(piped.stdout).toMatch(/VERDICT: service/);
    expect(piped.stderr).toBe('');
  });

  it('an incomplete diagnosis exits 3 and says what to do next: the console, and the same run again', async () => {
    const run = await cli(['diagnose', 'vm-arm-error', '--sandbox', '--from', '203.0.113.10']);
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/Could not check:/);
    expect(run.stdout).toMatch(
      /Next steps:\n {2}See what the guest shows without the agent: Boot diagnostics https:\/\/portal\.azure\.com\/#@\/resource\/subscriptions\/[^ ]+\/virtualMachines\/vm-arm-error\/bootDiagnostics · Serial console https:\/\/portal\.azure\.com\/#@\/resource\/[^ ]+\/serialConsole\n/,
    );
    expect(run.stdout).toMatch(
      /Run it again \(a check that timed out often answers the second time\): rdp-doctor diagnose \/subscriptions\/[^ ]+\/virtualMachines\/vm-arm-error --from 203\.0\.113\.10\n/,
    );
  });
});

describe('bad input exits 2 with one line that says what to do', () => {
  it.each([
    ['an invalid VM name', ['diagnose', 'bad name!', '--sandbox'], /not a valid|VM name/i],
    ['an unknown VM', ['diagnose', 'no-such-vm', '--sandbox'], /no-such-vm/],
    [
      'an ambiguous name',
      ['diagnose', 'vm-dup', '--sandbox'],
      /rg-sandbox\/vm-dup.*rg-sandbox-2\/vm-dup|rg-sandbox-2/,
    ],
    [
      'a bad --from address',
      ['diagnose', 'vm-healthy', '--sandbox', '--from', '300.1.2.3'],
      /not an IP address/,
    ],
    ['an unknown symptom', ['diagnose', 'vm-healthy', '--sandbox', '--symptom', 'slow'], /Unknown symptom/],
  ])('%s', async (_name, args, message) => {
    const run = await cli(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('names Azure would refuse never reach an ARM URL: exit 2 saying what is wrong', () => {
  const SUB = '5a4d0b0c-0000-4000-8000-000000000001';
  it.each([
    ['.', /'\.' is not a VM name: it starts with '\.'/],
    ['..', /'\.\.' is not a VM name: it starts with '\.'/],
    ['rg-sandbox/..', /'\.\.' is not a VM name/],
    ['rg-sandbox/.', /'\.' is not a VM name/],
    ['../vm-healthy', /'\.\.' is not a resource group name: it ends with '\.'/],
    ['a/b/c', /is not a VM: give a name, resource-group\/name, or a resource id/],
    ['%2e%2e', /is not a VM name: it contains '%'/],
    ['rg-sandbox/%2e%2e', /is not a VM name: it contains '%'/],
    ['vm-héalthy', /is not a VM name: it contains 'é' \(U\+00E9\)/],
    ['x'.repeat(65), /is not a VM name: it is 65 characters long; Azure allows at most 64/],
    [`${'r'.repeat(91)}/vm`, /is not a resource group name: it is 91 characters long/],
    [
      `/subscriptions/${SUB}/resourceGroups/rg-sandbox/providers/Microsoft.Compute/virtualMachines/..`,
      /it has a '\.\.' segment/,
    ],
  ])('%s', async (target, message) => {
    const run = await cli(['diagnose', target, '--sandbox']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(message);
  });

  it('a/b is a resource group and a name, looked up as such: no such VM', async () => {
    const run = await cli(['diagnose', 'a/b', '--sandbox']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cannot see a VM named b in resource group a/);
  });
});

describe('an environment that cannot run exits 1 with one line', () => {
  it('no subscription configured', async () => {
    const run = await cli(['diagnose', 'vm-healthy'], { AZURE_SUBSCRIPTION_IDS: undefined });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/set AZURE_SUBSCRIPTION_IDS/);
  });

  it('an unreachable endpoint', async () => {
    const run = await cli(['diagnose', 'vm-healthy'], {
      AZURE_SUBSCRIPTION_IDS: '5a4d0b0c-0000-4000-8000-000000000001',
      AZURE_RESOURCE_MANAGER_ENDPOINT: 'https://127.0.0.1:9',
      AZURE_ACCESS_TOKEN: 'not-a-real-token',
    });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/Cannot reach Azure Resource Manager/);
  }, 60_000);

  it('no credentials names the fix and what each credential of the chain said, links whole', () => {
    const environment = Object.assign(
      new Error(
        'EnvironmentCredential is unavailable. No underlying credential could be used. To troubleshoot, visit https://aka.ms/azsdk/js/identity/environmentcredential/troubleshoot.',
      ),
      { name: 'CredentialUnavailableError' },
    );
    const cli = Object.assign(
      new Error(
        "Azure CLI could not be found. Please visit https://aka.ms/azure-cli for installation instructions and then, once installed, authenticate to your Azure account using 'az login'.",
      ),
      {
        name: 'CredentialUnavailableError',
      },
    );
    const error = Object.assign(
      new Error('ChainedTokenCredential authentication failed.\nCredentialUnavailableError: …'),
      {
        name: 'AggregateAuthenticationError',
        errors: [environment, cli],
      },
    );
    const failure = describeFailure(error);
    expect(failure.kind).toBe('environment');
    expect(failure.message).toMatch(/^No Azure credentials: run `az login`.*AZURE_CLIENT_ID/);
    expect(failure.message).toContain(
      'To troubleshoot, visit https://aka.ms/azsdk/js/identity/environmentcredential/troubleshoot.',
    );
    expect(failure.message).toContain(
      'Azure CLI could not be found. Please visit https://aka.ms/azure-cli for',
    );
  });

  it('an invalid setting names the key, what was wrong with it, and an example', async () => {
    const run = await cli(['diagnose', 'vm-healthy'], {
      AZURE_SUBSCRIPTION_IDS: 'prod-subscription',
      APPROVAL_TTL: 'soon',
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^rdp-doctor: Invalid configuration:\n/);
    expect(run.stderr).toMatch(
      /AZURE_SUBSCRIPTION_IDS: expected subscription ids \(GUIDs\) \(got "prod-subscription"\); for example AZURE_SUBSCRIPTION_IDS=00000000-/,
    );
    expect(run.stderr).toMatch(
      /APPROVAL_TTL: expected a duration like 15m.*\(got "soon"\); for example APPROVAL_TTL=15m/,
    );
  });
});
