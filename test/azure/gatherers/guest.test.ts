import type { RunCommandResult } from '@azure/arm-compute';
import { guestFactsOf, guestGatherer } from '../../../src/azure/gatherers/guest';
import { gatherWithTimeout } from '../../../src/pipeline/gather-with-timeout';
import { guestProbeScript } from '../../../src/azure/probe';
import { healthyGuest } from '../../fixtures/facts';
import { RG, SUBSCRIPTION, context, replay, vmFacts } from '../arm-replay';

// VirtualMachineRunCommand.json (2024-07-01): stdout and stderr come back as two instance view statuses.
function runCommandResult(stdout: string, stderr = ''): RunCommandResult {
  return {
    value: [
      {
        code: 'ComponentStatus/StdOut/succeeded',
        level: 'Info',
        displayStatus: 'Provisioning succeeded',
        message: stdout,
      },
      {
        code: 'ComponentStatus/StdErr/succeeded',
        level: 'Info',
        displayStatus: 'Provisioning succeeded',
        message: stderr,
      },
    ],
  };
}

/** A guest facts document longer than Run Command returns: its front holds a long list. */
function tooLongOutput(): string {
  const guest = healthyGuest();
  const padded = { ...guest, accounts: [...(guest.accounts ?? []), ...Array(60).fill(guest.accounts?.[0])] };
  return JSON.stringify(padded);
}

const runCommandPath = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.Compute/virtualMachines/vm-web-01/runCommand`;

describe('guestGatherer', () => {
  it('runs the shipped probe, exactly, and reads its JSON', async () => {
    const guest = healthyGuest();
    const fake = replay([
      { method: 'POST', path: runCommandPath, body: runCommandResult(`${JSON.stringify(guest)}\r\n`) },
    ]);
    expect(await guestGatherer.gather(context(fake))).toEqual(guest);
    expect(fake.sent).toHaveLength(1);
    const sent = fake.sent[0].body as { commandId: string; script: string[] };
    expect(sent.commandId).toBe('RunPowerShellScript');
    expect(sent.script.join('\n')).toBe(guestProbeScript);
    expect(Object.keys(sent)).toEqual(['commandId', 'script']);
  });

  it('says another Run Command is in progress', async () => {
    const fake = replay([
      {
        method: 'POST',
        path: runCommandPath,
        status: 409,
        body: {
          error: {
            code: 'Conflict',
            message:
              'Run command extension execution is in progress. Please wait for completion before invoking a run command.',
          },
        },
      },
    ]);
    await expect(guestGatherer.gather(context(fake))).rejects.toThrow(
      'Run Command answered 409 Conflict: another Run Command is in progress on this VM; wait for it to finish',
    );
  });

  it.each([
    [vmFacts({ osType: 'Linux' }), 'vm-web-01 runs Linux: the Windows guest probe does not apply'],
    [vmFacts({ powerState: 'stopped' }), 'vm-web-01 is stopped: Run Command needs a running guest'],
    [
      vmFacts({ agent: { status: 'not-ready', version: 'Unknown', message: 'VM Agent is unresponsive.' } }),
      'The VM agent on vm-web-01 is not ready: Run Command would not answer (use the serial console)',
    ],
  ])('is skipped when Run Command cannot answer: %#', (vm, reason) => {
    expect(guestGatherer.skip?.(context(replay([]), {}, vm))).toBe(reason);
  });

  it("turns output cut by Run Command's limit into an error naming the limit, not a crash", async () => {
    const cut = tooLongOutput().slice(-4096);
    const fake = replay([{ method: 'POST', path: runCommandPath, body: runCommandResult(cut) }]);
    const outcome = await gatherWithTimeout(guestGatherer, context(fake));
    expect(outcome).toMatchObject({ status: 'error' });
    expect(outcome.status === 'error' && outcome.reason).toMatch(
      /^The guest probe's output was truncated by Run Command's 4096-byte output limit/,
    );
  });

  it('runs when the agent has not reported yet', () => {
    const vm = vmFacts({ agent: { status: 'unknown', version: null, message: null } });
    expect(guestGatherer.skip?.(context(replay([]), {}, vm))).toBeNull();
  });
});

describe('guestFactsOf', () => {
  it('names output that is not JSON, and what the probe wrote to stderr', () => {
    expect(() => guestFactsOf(runCommandResult('WARNING: something', 'Get-Foo : not recognized'))).toThrow(
      `The guest probe's output is not JSON ("WARNING: something"); the probe's error output says: Get-Foo : not recognized`,
    );
  });

  it("names Run Command's 4096-byte limit when the output arrives cut at the front", () => {
    const cut = tooLongOutput().slice(-4096);
    expect(() => guestFactsOf(runCommandResult(cut))).toThrow(
      /^The guest probe's output was truncated by Run Command's 4096-byte output limit \(4096 bytes arrived, beginning ".*"\), so none of the guest facts could be read/,
    );
  });

  it('names the limit for a tail of the document even when fewer bytes arrived', () => {
    const tail = `${JSON.stringify(healthyGuest()).slice(40)}\r\n`;
    expect(() => guestFactsOf(runCommandResult(tail))).toThrow(
      `The guest probe's output was truncated by Run Command's 4096-byte output limit (${Buffer.byteLength(tail)} bytes arrived`,
    );
  });

  it('names the fields that break the guest facts contract', () => {
    const guest = { ...healthyGuest(), schemaVersion: 2, errors: 'none' };
    expect(() => guestFactsOf(runCommandResult(JSON.stringify(guest)))).toThrow(
      /^The guest probe's output does not match the guest facts contract \(schemaVersion: .*; errors: .*\)$/,
    );
  });

  it('says when there is no output at all', () => {
    expect(() => guestFactsOf({ value: [] })).toThrow(
      'Run Command returned no standard output from the guest probe',
    );
    expect(() => guestFactsOf(runCommandResult('  \n'))).toThrow('The guest probe printed nothing');
  });
});
