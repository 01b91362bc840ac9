import { cpuSaturated } from '../../src/diagnosis/causes/guest/cpu-saturated';
import { vmNotRunning } from '../../src/diagnosis/causes/platform/vm-not-running';
import type { Finding } from '../../src/diagnosis/report';
import { DEFAULT_FIX_POLICY, FixRefusal } from '../../src/fixes/fix';
import { restartVm } from '../../src/fixes/restart-vm';
import { startVm } from '../../src/fixes/start-vm';
import { factsWith, healthyFacts, metricEndingWith } from '../fixtures/facts';
import { FakeAzure, executionContext, planFor, restError } from './support';

function deallocated() {
  return factsWith('vm', (vm) => {
    vm.powerState = 'deallocated';
  });
}

function cpuPinned() {
  return metricEndingWith('Percentage CPU', [99, 98, 99]);
}

describe('start-vm', () => {
  it('plans a start for a deallocated VM, with nothing to ask', () => {
    expect(
      startVm.inputs({ facts: deallocated(), finding: {} as Finding, policy: DEFAULT_FIX_POLICY }),
    ).toEqual([]);
    expect(planFor(startVm, vmNotRunning, deallocated())).toEqual({
      params: {},
      description: 'Start vm-web-01, which is deallocated.',
    });
  });

  it('refuses a VM that is not stopped or deallocated', () => {
    const finding = { layer: 'platform', cause: 'vm-not-running' } as Finding;
    expect(() =>
      startVm.plan({ facts: healthyFacts(), finding, input: {}, policy: DEFAULT_FIX_POLICY }),
    ).toThrow(new FixRefusal('vm-web-01 is running, not stopped or deallocated: there is nothing to start.'));
  });

  it('starts the VM through the compute client', async () => {
    const fake = new FakeAzure();
    const outcome = await startVm.execute(executionContext(fake, deallocated(), {}));
    expect(fake.calls).toEqual([
      { method: 'virtualMachines.beginStartAndWait', args: ['rg-prod', 'vm-web-01'] },
    ]);
    expect(outcome).toEqual({ summary: 'Started vm-web-01.', correlationId: 'corr-1' });
  });

  it('says plainly when Azure has no capacity to start it', async () => {
    const fake = new FakeAzure();
    fake.failures.set(
      'virtualMachines.beginStartAndWait',
      restError(409, 'AllocationFailed', 'Allocation failed. We do not have sufficient capacity.'),
    );
    await expect(startVm.execute(executionContext(fake, deallocated(), {}))).rejects.toThrow(
      'Compute answered 409 AllocationFailed: Azure has no capacity for Standard_D2s_v5 in westeurope right now; retry later or resize the VM',
    );
  });
});

describe('restart-vm', () => {
  it('plans a restart for a guest-layer finding', () => {
    expect(planFor(restartVm, cpuSaturated, cpuPinned())).toEqual({
      params: {},
      description: 'Restart vm-web-01: Windows shuts down and starts again, ending every session on it.',
    });
  });

  it('is refused for any other layer but a stuck agent: a restart is aimed at no layer there', () => {
    const finding = { layer: 'network', cause: 'nsg-denies-rdp' } as Finding;
    expect(() =>
      restartVm.plan({ facts: healthyFacts(), finding, input: {}, policy: DEFAULT_FIX_POLICY }),
    ).toThrow(
      new FixRefusal(
        'A restart does not fix a network-layer cause such as nsg-denies-rdp; it is offered only when the diagnosis ends inside the guest, or the VM agent is stuck.',
      ),
    );
  });

  it('plans a restart for a stuck VM agent, the one platform cause a restart clears', () => {
    const finding = { layer: 'platform', cause: 'vm-agent-unhealthy' } as Finding;
    expect(
      restartVm.plan({ facts: healthyFacts(), finding, input: {}, policy: DEFAULT_FIX_POLICY }).description,
    ).toBe('Restart vm-web-01: Windows shuts down and starts again, ending every session on it.');
  });

  it('restarts the VM through the compute client', async () => {
    const fake = new FakeAzure();
    const outcome = await restartVm.execute(executionContext(fake, cpuPinned(), {}));
    expect(fake.calls).toEqual([
      { method: 'virtualMachines.beginRestartAndWait', args: ['rg-prod', 'vm-web-01'] },
    ]);
    expect(outcome).toEqual({ summary: 'Restarted vm-web-01.', correlationId: 'corr-1' });
  });
});
