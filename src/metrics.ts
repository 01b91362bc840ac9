import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

// What `/metrics` exposes to Prometheus. One registry for the process: counters are process-wide facts
// (how many diagnoses ended on which layer), so every module that observes one imports it from here.

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'rdp_doctor_' });

const registers = [registry];

export const metrics = {
  diagnoses: new Counter({
    name: 'rdp_doctor_diagnoses_total',
    help: 'Diagnoses that reached a report, by the layer of their verdict (none: every layer checked clean).',
    labelNames: ['layer'] as const,
    registers,
  }),
  diagnosisDuration: new Histogram({
    name: 'rdp_doctor_diagnosis_duration_seconds',
    help: 'From the start of a diagnosis to its final report.',
    buckets: [1, 2, 5, 10, 20, 30, 45, 60, 90, 120, 300],
    registers,
  }),
  gathererDuration: new Histogram({
    name: 'rdp_doctor_gatherer_duration_seconds',
    help: 'One gatherer of one diagnosis, by gatherer and outcome (ok, error, skipped).',
    labelNames: ['gatherer', 'status'] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120],
    registers,
  }),
  armThrottled: new Counter({
    name: 'rdp_doctor_arm_throttled_total',
    help: 'ARM answers 429 (throttled), each attempt counted, by operation (method and resource type path).',
    labelNames: ['operation'] as const,
    registers,
  }),
  armErrors: new Counter({
    name: 'rdp_doctor_arm_errors_total',
    help: 'ARM answers with an error status other than 429, or no answer at all (status "network"), by operation.',
    labelNames: ['operation', 'status'] as const,
    registers,
  }),
  proposals: new Counter({
    name: 'rdp_doctor_proposals_total',
    help: 'Fix proposals entering each state of the approval workflow.',
    labelNames: ['state'] as const,
    registers,
  }),
  fixOutcomes: new Counter({
    name: 'rdp_doctor_fix_outcomes_total',
    help: 'Executed fixes by fix id and outcome (succeeded, failed, interrupted).',
    labelNames: ['fix', 'outcome'] as const,
    registers,
  }),
  digestRuns: new Counter({
    name: 'rdp_doctor_digest_runs_total',
    help: 'Health digests built and posted (posted) or given up (failed), scheduled or on request.',
    labelNames: ['outcome'] as const,
    registers,
  }),
};

/**
 * An ARM request as a bounded label: the method and the resource type path without names or ids, e.g.
 * `POST Microsoft.Compute/virtualMachines/runCommand`, so a fleet of VMs does not become a label per VM.
 */
export function armOperation(method: string, url: string): string {
  const segments = new URL(url).pathname.split('/').filter(Boolean);
  const providers = segments.map((s) => s.toLowerCase()).lastIndexOf('providers');
  if (providers < 0 || providers + 1 >= segments.length) {
    return `${method} ${segments.filter((_s, i) => i % 2 === 0).join('/') || '/'}`;
  }
  const [namespace, ...rest] = segments.slice(providers + 1);
  const types = rest.filter((_s, i) => i % 2 === 0);
  return `${method} ${[namespace, ...types].join('/')}`;
}
