import { bootDiagnosticsGatherer, serialLogTail } from '../../../src/azure/gatherers/boot-diagnostics';
import { RG, SUBSCRIPTION, context, replay, vmFacts } from '../arm-replay';

// VirtualMachine_RetrieveBootDiagnosticsData.json (2024-07-01): both URIs carry a SAS token.
const retrievePath = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.Compute/virtualMachines/vm-web-01/retrieveBootDiagnosticsData`;
const SCREENSHOT =
  'https://storageuri/vm.screenshot.bmp?sv=2023-01-03&se=2026-11-27T12%3A05%3A00Z&sig=secret';
const SERIAL = 'https://storageuri/vm.serialconsole.log?sv=2023-01-03&se=2026-11-27T12%3A05%3A00Z&sig=secret';
const body = { consoleScreenshotBlobUri: SCREENSHOT, serialConsoleLogBlobUri: SERIAL };

describe('bootDiagnosticsGatherer', () => {
  it('measures the screenshot, keeps the end of the serial log, and drops the SAS tokens', async () => {
    const log = Buffer.from(
      `${'x'.repeat(20_000)}\nBoot starting\nComputer is booting, SAC started and initialized.\n`,
    );
    const fake = replay([{ method: 'POST', path: retrievePath, body }], {
      [SCREENSHOT]: Buffer.alloc(1_440_054),
      [SERIAL]: log,
    });
    const facts = await bootDiagnosticsGatherer.gather(context(fake));
    expect(facts).toEqual({
      screenshotUri: 'https://storageuri/vm.screenshot.bmp',
      serialLogUri: 'https://storageuri/vm.serialconsole.log',
      screenshotBytes: 1_440_054,
      serialLogTail: 'Boot starting\nComputer is booting, SAC started and initialized.\n',
    });
    expect(fake.sent[0].url.searchParams.get('sasUriExpirationTimeInMinutes')).toBe('5');
    expect(JSON.stringify(facts)).not.toContain('sig=');
  });

  it('leaves a blob it cannot read as null', async () => {
    const fake = replay([{ method: 'POST', path: retrievePath, body }], { [SCREENSHOT]: Buffer.alloc(10) });
    const facts = await bootDiagnosticsGatherer.gather(context(fake));
    expect([facts.screenshotBytes, facts.serialLogTail]).toEqual([10, null]);
  });

  it('is skipped when boot diagnostics is disabled', () => {
    const reason = bootDiagnosticsGatherer.skip?.(
      context(replay([]), {}, vmFacts({ bootDiagnosticsEnabled: false })),
    );
    expect(reason).toBe('Boot diagnostics is disabled on vm-web-01: no screenshot and no serial log');
  });
});

describe('serialLogTail', () => {
  it('keeps a short log whole', () => {
    expect(serialLogTail(Buffer.from('line one\nline two\n'))).toBe('line one\nline two\n');
  });
});
