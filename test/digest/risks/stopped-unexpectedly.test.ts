import { stoppedUnexpectedly } from '../../../src/digest/risks/stopped-unexpectedly';
import { CONTEXT, healthyMachine, healthyRow, machineFrom, testRiskRule, VM_ID } from '../support';

const deallocated = {
  ...healthyRow(),
  powerState: 'PowerState/deallocated',
};
const previous = (running: boolean, flagged = false) => ({
  ...CONTEXT,
  previous: {
    at: '2026-03-03T09:00:00.000Z',
    wasRunning: (id: string) => running && id === VM_ID,
    found: (risk: string, id: string) => flagged && risk === 'stopped-unexpectedly' && id === VM_ID,
  },
});

testRiskRule(stoppedUnexpectedly, {
  fires: [
    {
      name: 'deallocated and tagged always-on',
      machine: machineFrom({ ...deallocated, tags: { 'always-on': 'true' } }),
      evidence: ['power state: deallocated', 'tagged always-on=true'],
      fix: 'start-vm',
    },
    {
      name: 'stopped since the previous digest, which saw it running',
      machine: machineFrom({ ...deallocated, powerState: 'PowerState/stopped' }),
      context: previous(true),
      evidence: ['power state: stopped', 'it was running at the previous digest (2026-03-03T09:00:00.000Z)'],
      fix: 'start-vm',
    },
    {
      name: 'still stopped, as the previous digest found it',
      machine: machineFrom(deallocated),
      context: previous(false, true),
      evidence: ['still stopped since an earlier digest found it stopped unexpectedly'],
      fix: 'start-vm',
    },
    {
      name: 'tag spelled AlwaysOn=Yes',
      machine: machineFrom({ ...deallocated, tags: { AlwaysOn: 'Yes' } }),
      evidence: ['tagged AlwaysOn=Yes'],
      fix: 'start-vm',
    },
  ],
  quiet: [
    { name: 'healthy: running', machine: healthyMachine() },
    {
      name: 'running and tagged always-on',
      machine: machineFrom({ ...healthyRow(), tags: { 'always-on': 'true' } }),
    },
    { name: 'deallocated, untagged, first digest', machine: machineFrom(deallocated) },
    {
      name: 'deallocated already at the previous digest',
      machine: machineFrom(deallocated),
      context: previous(false),
    },
    {
      name: 'tagged always-on=false',
      machine: machineFrom({ ...deallocated, tags: { 'always-on': 'false' } }),
    },
  ],
});
