import type { CauseRule } from './cause';
import { LAYERS, type Facts, type FactKey, type Symptom } from './facts';
import type { Check, Finding, Report, Verdict } from './report';
import { layerStates } from './layers';
import { SYMPTOM_WORDS, symptomFitsLayer, symptomRank } from './symptoms';

export interface RuleOutcome {
  check: Check;
  finding: Finding | null;
}

export { layerName } from './layers';

/** The facts a rule reads, including those it reads only later: what a re-check of its cause gathers. */
export function ruleFacts(rule: CauseRule): FactKey[] {
  return [...layerFacts(rule), ...(rule.later ?? [])];
}

/** The facts the pipeline must have gathered before it evaluates the rule for its layer. */
export function layerFacts(rule: CauseRule): FactKey[] {
  return [...rule.needs, ...(rule.uses ?? [])];
}

function durationOf(facts: Facts, keys: FactKey[]): number {
  return keys.reduce((max, key) => Math.max(max, facts[key].durationMs), 0);
}

/** Why the rule cannot run: the first needed fact that was not gathered, or every optional one failing. */
function missingEvidence(
  facts: Facts,
  rule: CauseRule,
): { status: 'error' | 'skipped'; reason: string } | null {
  for (const key of rule.needs) {
    const fact = facts[key];
    if (fact.status !== 'ok') return { status: fact.status, reason: fact.reason };
  }
  const uses = rule.uses ?? [];
  if (rule.needs.length === 0 && uses.length > 0 && uses.every((key) => facts[key].status !== 'ok')) {
    const errored = uses.map((key) => facts[key]).find((fact) => fact.status === 'error');
    const first = errored ?? facts[uses[0]];
    return {
      status: first.status === 'error' ? 'error' : 'skipped',
      reason: 'reason' in first ? first.reason : '',
    };
  }
  return null;
}

export function evaluateRule(facts: Facts, rule: CauseRule): RuleOutcome {
  const base = {
    id: rule.id,
    title: rule.title,
    label: rule.label,
    layer: rule.layer,
    confirm: rule.confirm(facts),
    durationMs: durationOf(facts, ruleFacts(rule)),
  };
  const missing = missingEvidence(facts, rule);
  if (missing) {
    return {
      check: { ...base, status: missing.status, summary: `Could not check: ${missing.reason}`, evidence: '' },
      finding: null,
    };
  }
  const notApplicable = rule.notApplicable?.(facts) ?? null;
  if (notApplicable) {
    return { check: { ...base, status: 'skipped', summary: notApplicable, evidence: '' }, finding: null };
  }
  const detection = rule.detect(facts);
  if (!detection) {
    return { check: { ...base, status: 'pass', summary: rule.clean, evidence: '' }, finding: null };
  }
  const severity = detection.severity ?? rule.severity;
  return {
    check: {
      ...base,
      status: severity === 'critical' ? 'fail' : 'warn',
      summary: detection.summary,
      evidence: detection.evidence.join('; '),
    },
    finding: {
      cause: rule.id,
      layer: rule.layer,
      severity,
      summary: detection.summary,
      evidence: detection.evidence,
      fixes: detection.fixes ?? [],
      advice: detection.advice ?? '',
      links: [],
    },
  };
}

export function evaluate(facts: Facts, rules: readonly CauseRule[]): RuleOutcome[] {
  return rules.map((rule) => evaluateRule(facts, rule));
}

/**
 * The first failing layer along the path a session travels. Only critical findings decide; warnings
 * and checks that could not run never do. Within the layer, causes the symptom makes likely come first.
 */
export function decideVerdict(outcomes: readonly RuleOutcome[], facts: Pick<Facts, 'request'>): Verdict {
  const { symptom } = facts.request;
  const critical = outcomes.flatMap((o) => (o.finding?.severity === 'critical' ? [o.finding] : []));
  const unchecked = outcomes.filter((o) => o.check.status === 'error');
  for (const layer of LAYERS) {
    const deciding = critical
      .filter((f) => f.layer === layer)
      .map((finding, order) => ({ finding, order }))
      .sort(
        (a, b) =>
          symptomRank(symptom, a.finding.cause) - symptomRank(symptom, b.finding.cause) || a.order - b.order,
      )
      .map(({ finding }) => finding);
    if (deciding.length === 0) continue;
    const more =
      deciding.length > 1
        ? ` (and ${deciding.length - 1} more cause${deciding.length > 2 ? 's' : ''} in this layer)`
        : '';
    const sentences = [`${deciding[0].summary.replace(/\.$/, '')}${more}.`];
    if (!symptomFitsLayer(symptom, layer)) {
      sentences.push(
        `The reported symptom (${SYMPTOM_WORDS[symptom]}) usually points elsewhere, but the evidence places the failure here.`,
      );
    }
    return { layer, causes: deciding.map((f) => f.cause), summary: sentences.join(' ') };
  }
  const summary =
    unchecked.length === 0
      ? `Every layer checked clean: the network path is open${facts.request.source === null ? ' from some source' : ''}, ` +
        `the service listens, and nothing blocks sign-in.${notCovered(facts.request)}`
      : `No failing layer found, but ${unchecked.length} check${unchecked.length === 1 ? '' : 's'} could not run ` +
        `(${unchecked.map((o) => o.check.id).join(', ')}): the diagnosis is incomplete.`;
  return { layer: 'none', causes: [], summary };
}

/** What a clean verdict could not vouch for, from what the request left out. */
function notCovered(request: Pick<Facts['request'], 'source' | 'symptom'>): string {
  if (request.source !== null) return '';
  return (
    ' Not covered: no client address was given, so the network was checked for any source, not the one you ' +
    'connect from; give your address (and what the client shows) to check your own path.'
  );
}

/** The same evidence read for another symptom: the Slack symptom picker re-ranks a finished report. */
export function rerankReport(report: Report, symptom: Symptom): Report {
  const outcomes = report.checks.map((check) => ({
    check,
    finding: report.findings.find((finding) => finding.cause === check.id) ?? null,
  }));
  const verdict = decideVerdict(outcomes, { request: { symptom, source: report.source, host: null } });
  return { ...report, symptom, verdict, layers: layerStates(report.checks, verdict) };
}
