import type { CauseRule, Detection } from '../../src/diagnosis/cause';
import { decideVerdict, evaluate, evaluateRule, rerankReport } from '../../src/diagnosis/engine';
import type { Facts, FactKey, Layer } from '../../src/diagnosis/facts';
import type { CauseId } from '../../src/diagnosis/ids';
import type { Severity } from '../../src/diagnosis/report';
import { failed, healthyFacts, skipped } from '../fixtures/facts';

function rule(
  id: CauseId,
  layer: Layer,
  fires: Detection | null,
  options: { severity?: Severity; needs?: FactKey[]; uses?: FactKey[] } = {},
): CauseRule {
  return {
    id,
    layer,
    title: id,
    label: id,
    guide: 'test',
    severity: options.severity ?? 'critical',
    needs: options.needs ?? ['vm'],
    uses: options.uses,
    confirm: () => `az check ${id}`,
    clean: `${id} is clean`,
    detect: () => fires,
  };
}

const hit = (summary: string): Detection => ({ summary, evidence: [`${summary} evidence`], fixes: [] });

describe('evaluateRule', () => {
  it('passes with the clean summary when the cause does not hold', () => {
    const { check, finding } = evaluateRule(healthyFacts(), rule('disk-full', 'guest', null));
    expect(check).toMatchObject({
      id: 'disk-full',
      status: 'pass',
      summary: 'disk-full is clean',
      confirm: 'az check disk-full',
    });
    expect(finding).toBeNull();
  });

  it('fails a critical finding and warns a warning one', () => {
    expect(evaluateRule(healthyFacts(), rule('nsg-denies-rdp', 'network', hit('Denied'))).check.status).toBe(
      'fail',
    );
    const warning = evaluateRule(
      healthyFacts(),
      rule('public-ip-dynamic', 'network', hit('Dynamic'), { severity: 'warning' }),
    );
    expect(warning.check.status).toBe('warn');
    expect(warning.finding).toMatchObject({ cause: 'public-ip-dynamic', severity: 'warning' });
  });

  it('lets a detection lower its own severity', () => {
    const outcome = evaluateRule(
      healthyFacts(),
      rule('disk-full', 'guest', { ...hit('Low'), severity: 'warning' }),
    );
    expect(outcome.finding?.severity).toBe('warning');
  });

  it('turns a needed fact that failed into an error check and never into a cause', () => {
    const facts: Facts = { ...healthyFacts(), guest: failed('Run Command answered 409 Conflict') };
    const outcome = evaluateRule(
      facts,
      rule('termservice-not-running', 'service', hit('Stopped'), { needs: ['guest'] }),
    );
    expect(outcome.check.status).toBe('error');
    expect(outcome.check.summary).toContain('409 Conflict');
    expect(outcome.finding).toBeNull();
  });

  it('skips a check whose needed fact was skipped, with the reason', () => {
    const facts: Facts = { ...healthyFacts(), dns: skipped('no host name given') };
    const outcome = evaluateRule(facts, rule('dns-stale', 'network', hit('Stale'), { needs: ['dns'] }));
    expect(outcome.check).toMatchObject({
      status: 'skipped',
      summary: 'Could not check: no host name given',
    });
  });

  it('runs a rule with only optional facts while one of them is present, and errors when all failed', () => {
    const partial: Facts = { ...healthyFacts(), guest: failed('agent down') };
    const r = rule('memory-exhausted', 'guest', hit('Starved'), { needs: [], uses: ['guest', 'metrics'] });
    expect(evaluateRule(partial, r).check.status).toBe('fail');
    const none: Facts = { ...partial, metrics: failed('Monitor answered 500') };
    expect(evaluateRule(none, r).check.status).toBe('error');
  });

  it('reports the slowest of the facts a check read as its duration', () => {
    const facts: Facts = {
      ...healthyFacts(),
      guest: { ...healthyFacts().guest, durationMs: 31_000 } as Facts['guest'],
    };
    expect(
      evaluateRule(facts, rule('disk-full', 'guest', null, { needs: ['vm', 'guest'] })).check.durationMs,
    ).toBe(31_000);
  });
});

describe('decideVerdict', () => {
  const facts = (symptom: Facts['request']['symptom'] = 'unknown') => ({
    ...healthyFacts(),
    request: { symptom, source: null, host: null },
  });

  it('is none with a clean summary when every layer checked clean', () => {
    const verdict = decideVerdict(evaluate(facts(), [rule('nsg-denies-rdp', 'network', null)]), facts());
    expect(verdict).toEqual({
      layer: 'none',
      causes: [],
      summary: expect.stringContaining('Every layer checked clean'),
    });
  });

  it('a clean verdict without a client address says the network was checked for any source', () => {
    const outcomes = evaluate(facts(), [rule('nsg-denies-rdp', 'network', null)]);
    expect(decideVerdict(outcomes, facts()).summary).toMatch(
      /open from some source.*Not covered: no client address was given, so the network was checked for any source/,
    );
    const fromMine = { request: { symptom: 'unknown' as const, source: '203.0.113.10', host: null } };
    expect(decideVerdict(outcomes, fromMine).summary).not.toMatch(/Not covered|some source/);
  });

  it('names the first failing layer along the path, not a deeper one', () => {
    const outcomes = evaluate(facts(), [
      rule('disk-full', 'guest', hit('Disk full')),
      rule('nsg-denies-rdp', 'network', hit('NSG denies 3389')),
      rule('termservice-not-running', 'service', hit('TermService stopped')),
    ]);
    expect(decideVerdict(outcomes, facts())).toMatchObject({ layer: 'network', causes: ['nsg-denies-rdp'] });
  });

  it('never lets a warning decide the verdict', () => {
    const outcomes = evaluate(facts(), [
      rule('boot-diagnostics-disabled', 'platform', hit('Boot diagnostics off'), { severity: 'warning' }),
      rule('disk-full', 'guest', hit('Disk full')),
    ]);
    expect(decideVerdict(outcomes, facts())).toMatchObject({ layer: 'guest', causes: ['disk-full'] });
  });

  it('never turns a check that could not run into a cause, and says the diagnosis is incomplete', () => {
    const broken: Facts = { ...facts(), guest: failed('no answer within 120 s') };
    const outcomes = evaluate(broken, [
      rule('termservice-not-running', 'service', hit('x'), { needs: ['guest'] }),
    ]);
    const verdict = decideVerdict(outcomes, broken);
    expect(verdict.layer).toBe('none');
    expect(verdict.summary).toContain('1 check could not run (termservice-not-running)');
  });

  it('ranks the causes of the deciding layer by what the symptom makes likely', () => {
    const rules = [
      rule('disk-full', 'guest', hit('Disk full')),
      rule('session-collision', 'guest', hit('Another admin holds the session')),
    ];
    expect(decideVerdict(evaluate(facts('unknown'), rules), facts('unknown')).causes).toEqual([
      'disk-full',
      'session-collision',
    ]);
    expect(decideVerdict(evaluate(facts('disconnects'), rules), facts('disconnects')).causes).toEqual([
      'session-collision',
      'disk-full',
    ]);
  });

  it('says so when the evidence contradicts the reported symptom', () => {
    const outcomes = evaluate(facts('credentials'), [
      rule('nsg-denies-rdp', 'network', hit('NSG denies 3389')),
    ]);
    expect(decideVerdict(outcomes, facts('credentials')).summary).toMatch(
      /symptom \(a credentials error\) usually points elsewhere/,
    );
    const consistent = decideVerdict(
      evaluate(facts('timeout'), [rule('nsg-denies-rdp', 'network', hit('NSG denies 3389'))]),
      facts('timeout'),
    );
    expect(consistent.summary).not.toMatch(/points elsewhere/);
  });
});

describe('rerankReport', () => {
  it('re-ranks the deciding causes of a finished report for the symptom a person picked', () => {
    const rules = [
      rule('disk-full', 'guest', hit('Disk full')),
      rule('session-collision', 'guest', hit('Session held')),
    ];
    const base = { ...healthyFacts(), request: { symptom: 'unknown' as const, source: null, host: null } };
    const outcomes = evaluate(base, rules);
    const report = {
      schemaVersion: 1 as const,
      vm: {
        id: 'x',
        name: 'vm',
        resourceGroup: 'rg',
        subscriptionId: 's',
        location: 'l',
        osType: 'Windows' as const,
        powerState: 'running',
      },
      symptom: 'unknown' as const,
      source: null,
      startedAt: '',
      finishedAt: '',
      verdict: decideVerdict(outcomes, base),
      layers: [],
      checks: outcomes.map((o) => o.check),
      findings: outcomes.flatMap((o) => (o.finding ? [o.finding] : [])),
    };
    const reranked = rerankReport(report, 'disconnects');
    expect(reranked.symptom).toBe('disconnects');
    expect(reranked.verdict.causes).toEqual(['session-collision', 'disk-full']);
    expect(report.verdict.causes).toEqual(['disk-full', 'session-collision']);
  });
});
