import type { GatherContext, Gatherer } from '../../src/azure/gatherer';
import type { CauseRule } from '../../src/diagnosis/cause';
import { factValue, type FactKey, type FactValue, type VmFacts } from '../../src/diagnosis/facts';
import { runPipeline, type ProgressEvent } from '../../src/pipeline/diagnose';
import { healthyFacts } from '../fixtures/facts';

// The pipeline with fake gatherers: what it emits, when the verdict settles, and how a failing or hung
// gatherer shows. The real gatherers against the emulator are covered in test/integration.

const healthy = healthyFacts();
const vm = factValue(healthy, 'vm') as VmFacts;

function fakeGatherer<K extends FactKey>(
  key: K,
  delayMs: number,
  outcome: 'ok' | 'throw' | 'hang' = 'ok',
): Gatherer<K> {
  return {
    key,
    timeoutMs: 1000,
    gather: (ctx: GatherContext) =>
      new Promise((resolve, reject) => {
        if (outcome === 'hang') return;
        const timer = setTimeout(() => {
          if (outcome === 'throw') reject(new Error(`${key} answered 500 InternalServerError`));
          else resolve(factValue(healthy, key) as FactValue<K>);
        }, delayMs);
        ctx.signal.addEventListener('abort', () => clearTimeout(timer));
      }),
  };
}

const networkRule: CauseRule = {
  id: 'nsg-denies-rdp',
  layer: 'network',
  title: 'NSG denies RDP',
  label: 'NSG denies RDP',
  guide: 'test',
  severity: 'critical',
  needs: ['effectiveNsg'],
  confirm: () => 'az network nic list-effective-nsg',
  clean: 'allowed',
  detect: () => ({
    summary: 'Deny rule DenyRdpAll blocks 3389.',
    evidence: ['DenyRdpAll priority 100'],
    fixes: ['nsg-allow-rdp-from-source'],
  }),
};
const guestRule: CauseRule = {
  id: 'disk-full',
  layer: 'guest',
  title: 'Disk full',
  label: 'Disk full',
  guide: 'test',
  severity: 'critical',
  needs: ['guest'],
  confirm: () => 'az vm run-command invoke',
  clean: 'space left',
  detect: () => null,
};

function context(): Omit<GatherContext, 'signal'> {
  return {
    request: healthy.request,
    vm,
    now: new Date(),
    // The gatherers here are stand-ins; the pipeline reads only the endpoint, for the portal links.
    clients: {
      settings: { endpoint: 'https://management.azure.com', subscriptionIds: [] },
    } as unknown as GatherContext['clients'],
    sub: {} as GatherContext['sub'],
  };
}

async function run(gatherers: Gatherer<FactKey>[], rules: CauseRule[], timeouts = {}) {
  const events: { at: number; event: ProgressEvent }[] = [];
  const started = Date.now();
  const report = await runPipeline(vm, new Date(started), {
    request: healthy.request,
    context: context(),
    gatherers,
    rules,
    timeouts,
    onProgress: (event) => events.push({ at: Date.now() - started, event }),
  });
  return { report, events };
}

describe('runPipeline', () => {
  it('settles a network verdict as soon as the network layer is in, long before the Run Command returns', async () => {
    const { report, events } = await run(
      [fakeGatherer('effectiveNsg', 10), fakeGatherer('guest', 400)],
      [networkRule, guestRule],
    );
    const settled = events.find((e) => e.event.type === 'settled');
    const done = events.find((e) => e.event.type === 'done');
    expect(settled?.event).toMatchObject({ verdict: { layer: 'network', causes: ['nsg-denies-rdp'] } });
    expect(settled!.at).toBeLessThan(200);
    expect(done!.at).toBeGreaterThanOrEqual(390);
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ['nsg-denies-rdp', 'fail'],
      ['disk-full', 'pass'],
    ]);
  });

  it('emits one layer event per layer as its checks finish, then one settled and one done event', async () => {
    const { events } = await run(
      [fakeGatherer('effectiveNsg', 5), fakeGatherer('guest', 30)],
      [networkRule, guestRule],
    );
    expect(events.map((e) => (e.event.type === 'layer' ? `layer:${e.event.layer}` : e.event.type))).toEqual([
      'started',
      'layer:platform',
      'layer:service',
      'layer:auth',
      'layer:network',
      'settled',
      'layer:guest',
      'done',
    ]);
  });

  it('shows a gatherer that throws as an error check with the reason and completes the report', async () => {
    const { report } = await run(
      [fakeGatherer('effectiveNsg', 5, 'throw'), fakeGatherer('guest', 5)],
      [networkRule, guestRule],
    );
    expect(report.checks[0]).toMatchObject({
      id: 'nsg-denies-rdp',
      status: 'error',
      summary: expect.stringContaining('500 InternalServerError'),
    });
    expect(report.findings).toEqual([]);
    expect(report.verdict.layer).toBe('none');
  });

  it('gives up on a hung gatherer at its timeout and says so', async () => {
    const { report, events } = await run(
      [fakeGatherer('effectiveNsg', 5), fakeGatherer('guest', 0, 'hang')],
      [networkRule, guestRule],
      { guest: 150 },
    );
    expect(report.checks[1]).toMatchObject({
      id: 'disk-full',
      status: 'error',
      summary: expect.stringContaining('no answer within'),
    });
    expect(events.at(-1)!.at).toBeLessThan(1000);
  });

  it('settles only when the layers before the failing one are complete', async () => {
    const platformRule: CauseRule = {
      ...guestRule,
      id: 'vm-not-running',
      layer: 'platform',
      needs: ['bootDiagnostics'],
    };
    const { events } = await run(
      [fakeGatherer('effectiveNsg', 5), fakeGatherer('bootDiagnostics', 120), fakeGatherer('guest', 10)],
      [platformRule, networkRule, guestRule],
    );
    const platformDone = events.find((e) => e.event.type === 'layer' && e.event.layer === 'platform')!;
    const settled = events.find((e) => e.event.type === 'settled')!;
    expect(settled.at).toBeGreaterThanOrEqual(platformDone.at);
  });

  it('settles as soon as one rule of a layer fails with all its facts in, before the rest of the layer', async () => {
    const slowNetworkRule: CauseRule = {
      ...networkRule,
      id: 'route-via-appliance',
      needs: ['nextHop'],
      detect: () => null,
    };
    const { events } = await run(
      [fakeGatherer('effectiveNsg', 10), fakeGatherer('nextHop', 300), fakeGatherer('guest', 400)],
      [networkRule, slowNetworkRule, guestRule],
    );
    const settled = events.find((e) => e.event.type === 'settled')!;
    const networkDone = events.find((e) => e.event.type === 'layer' && e.event.layer === 'network')!;
    expect(settled.event).toMatchObject({ verdict: { layer: 'network', causes: ['nsg-denies-rdp'] } });
    expect(settled.at).toBeLessThan(200);
    expect(networkDone.at).toBeGreaterThanOrEqual(290);
  });
});
