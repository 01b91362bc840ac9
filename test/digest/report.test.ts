import { selectForMetrics } from '../../src/digest/inventory';
import {
  compare,
  machineKey,
  machinesFound,
  memoryOf,
  previousDigest,
  readMemory,
  type DigestReport,
} from '../../src/digest/report';
import type { RiskFinding } from '../../src/digest/risk';
import { healthyRow, machineFrom, SUB } from './support';

const id = (name: string) =>
  `/subscriptions/${SUB}/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/${name}`;

function finding(risk: RiskFinding['risk'], name: string): RiskFinding {
  return {
    risk,
    machine: { id: id(name), name, resourceGroup: 'rg-web', subscriptionId: SUB },
    evidence: ['e'],
    fix: null,
    advice: 'a',
  };
}

function reportWith(findings: RiskFinding[]): DigestReport {
  return {
    digestId: 'd',
    scope: 's',
    generatedAt: '2026-03-04T09:00:00.000Z',
    periodStart: '2026-03-03T09:00:00.000Z',
    previousAt: null,
    machines: 3,
    atRisk: findings.length,
    findings,
    changes: null,
    diagnoses: [],
    proposals: [],
    inventory: {
      calls: 3,
      throttledMs: 0,
      metrics: { read: 0, flagged: 0, cap: 5, failures: [] },
      warnings: [],
    },
  };
}

const machine = (name: string, powerState = 'running') =>
  machineFrom({ ...healthyRow(), id: id(name), name, powerState: `PowerState/${powerState}` });

describe("a digest's memory", () => {
  const machines = [machine('vm-a'), machine('vm-b', 'deallocated'), machine('vm-c')];
  const first = memoryOf(
    reportWith([
      finding('dynamic-public-ip', 'vm-a'),
      finding('memory-or-disk-trending-to-exhaustion', 'vm-c'),
    ]),
    machines,
    [],
  );

  it('keeps the risks and, by a short key, the machines that were running', () => {
    expect(first.risks).toEqual([
      ['dynamic-public-ip', id('vm-a'), 'vm-a'],
      ['memory-or-disk-trending-to-exhaustion', id('vm-c'), 'vm-c'],
    ]);
    expect(first.running).toEqual([machineKey(id('vm-a')), machineKey(id('vm-c'))]);
    const previous = previousDigest(readMemory(first))!;
    expect(previous.wasRunning(id('VM-A').replace('rg-web', 'RG-WEB'))).toBe(true);
    expect(previous.wasRunning(id('vm-b'))).toBe(false);
    expect(previous.found('dynamic-public-ip', id('vm-a'))).toBe(true);
    expect(previous.found('dynamic-public-ip', id('vm-c'))).toBe(false);
  });

  it('compares: new and resolved risks, and a risk not judged again is neither', () => {
    const memory = readMemory(first)!;
    const now = [finding('boot-diagnostics-off', 'vm-b')];
    const notJudged = (change: { risk: string }) => change.risk !== 'memory-or-disk-trending-to-exhaustion';
    expect(compare(memory, now, notJudged)).toEqual({
      added: [{ risk: 'boot-diagnostics-off', machineId: id('vm-b'), machineName: 'vm-b' }],
      resolved: [{ risk: 'dynamic-public-ip', machineId: id('vm-a'), machineName: 'vm-a' }],
    });
    expect(compare(memory, now, () => true).resolved.map((c) => c.risk)).toEqual([
      'memory-or-disk-trending-to-exhaustion',
      'dynamic-public-ip',
    ]);
  });

  it("lists a risk's machines as found by this digest; a risk carried over unjudged is remembered, not listed", () => {
    const carried = {
      risk: 'memory-or-disk-trending-to-exhaustion' as const,
      machineId: id('vm-b'),
      machineName: 'vm-b',
    };
    const memory = memoryOf(
      reportWith([finding('memory-or-disk-trending-to-exhaustion', 'vm-c')]),
      machines,
      [carried],
    );
    expect(machinesFound(memory, 'memory-or-disk-trending-to-exhaustion')).toEqual({
      at: memory.at,
      machines: [
        { risk: 'memory-or-disk-trending-to-exhaustion', machineId: id('vm-c'), machineName: 'vm-c' },
      ],
    });
    expect(machinesFound(memory, 'dynamic-public-ip')?.machines).toEqual([]);
    expect(previousDigest(readMemory(memory))!.found(carried.risk, id('vm-b'))).toBe(true);
    expect(machinesFound(null, 'dynamic-public-ip')).toBeNull();
  });

  it('starts fresh from a memory it cannot read', () => {
    expect(readMemory(null)).toBeNull();
    expect(readMemory({ schemaVersion: 2, at: 'x', risks: [] })).toBeNull();
    const odd = readMemory({
      schemaVersion: 1,
      at: '2026-03-04T09:00:00.000Z',
      risks: [['no-such-risk', 'x', 'y'], 'junk', ['boot-diagnostics-off', id('vm-a'), 'vm-a']],
    });
    expect([...odd!.risks.values()]).toEqual([
      { risk: 'boot-diagnostics-off', machineId: id('vm-a'), machineName: 'vm-a' },
    ]);
    expect(odd!.running.size).toBe(0);
  });
});

describe('selectForMetrics', () => {
  const silent = (name: string) =>
    machineFrom({ ...healthyRow(), id: id(name), name }, { agent: { status: 'not-ready', message: null } });

  it('reads running machines flagged by the previous digest, a diagnosis, or a silent agent, strongest first, capped', () => {
    const machines = [
      silent('vm-d'),
      silent('vm-c'),
      machine('vm-b'),
      machine('vm-a'),
      machine('vm-e', 'deallocated'),
      machine('vm-f'),
    ];
    const signals = {
      previouslyTrending: new Set([id('vm-b').toLowerCase(), id('vm-e').toLowerCase()]),
      diagnosedStarved: new Set([id('vm-a').toLowerCase()]),
    };
    const { selected, flagged } = selectForMetrics(machines, signals, 3);
    expect(flagged).toBe(4);
    expect(selected.map((m) => m.name)).toEqual(['vm-b', 'vm-a', 'vm-c']);
  });
});
