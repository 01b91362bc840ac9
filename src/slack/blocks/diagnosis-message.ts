import type { types } from '@slack/bolt';
import { clock } from '../../diagnosis/events';
import { LAYERS, type Layer } from '../../diagnosis/facts';
import { incompleteDiagnosis } from '../../diagnosis/incomplete';
import type { Check, Finding, ProvisionalVerdict, Report, ReportVm, Verdict } from '../../diagnosis/report';
import { context, divider, header, LIMITS, message, plainText, section } from './build';
import { fixButtons } from './fix-buttons';
import { rerunButton } from './rerun-button';
import { reasonNotChecked } from '../../diagnosis/layers';
import { LAYER_LABELS, layerLine } from './layers';
import {
  bullets,
  codeBlock,
  elapsed,
  inlineCode,
  joinWords,
  link,
  listWithin,
  mention,
  mrkdwn,
  plural,
  truncate,
} from './mrkdwn';
import { KNOWN_SYMPTOMS, SYMPTOM_DESCRIPTIONS } from './symptoms';
import type { KnownBlock, LiveDiagnosis, Resolution, SlackMessage } from './types';

// The one channel message of a diagnosis, updated in place as the run goes. The first screen is what
// the on-call engineer acts on: which layer failed, the cause in one sentence, the evidence, the `az`
// command that confirms it by hand, and the fix buttons. Everything else goes to the thread.

export const SYMPTOM_ACTION_ID = 'symptom:select';

const EVIDENCE_ITEMS = 5;
const OTHER_CAUSES = 5;

/** What is known of the run so far: the finished report when there is one, else the finished layers. */
interface Known {
  vm?: ReportVm;
  checks: (layer: Layer) => Check[] | undefined;
  findings: Finding[];
  verdict?: Verdict;
  provisional?: ProvisionalVerdict;
}

function known(state: LiveDiagnosis): Known {
  const { report } = state;
  if (report) {
    return {
      vm: report.vm,
      checks: (layer) => report.checks.filter((c) => c.layer === layer),
      findings: report.findings,
      verdict: report.verdict,
      provisional: report.provisional,
    };
  }
  return {
    vm: state.vm,
    checks: (layer) => state.layers[layer],
    findings: LAYERS.flatMap((layer) => state.findings?.[layer] ?? []),
    verdict: state.settled,
    provisional: state.provisional,
  };
}

function contextLine(state: LiveDiagnosis, vm: ReportVm | undefined): string {
  const { symptom, source, host } = state.request;
  const machine = vm
    ? [mrkdwn(vm.resourceGroup, 90), mrkdwn(vm.location, 40), vm.osType, mrkdwn(vm.powerState, 40)]
    : [mrkdwn(state.target, 300), state.failure ? 'machine not located' : 'locating the machine…'];
  const asked = [
    `symptom: ${symptom === 'unknown' ? 'not given' : symptom}`,
    ...(source ? [`from ${mrkdwn(source, 60)}`] : []),
    ...(host ? [`host ${mrkdwn(host, 260)}`] : []),
    ...(state.requestedBy.length > 0 ? [`asked by ${joinWords(state.requestedBy.map(mention))}`] : []),
  ];
  return [...machine, ...asked].join(' · ');
}

/**
 * After a clean verdict, the `/rdp` that checks what this one could not: the person's own address
 * (the network was checked for any source) and the symptom. Null when both were given.
 */
function healthyNextStep(state: LiveDiagnosis, name: string): string | null {
  const { source, symptom } = state.request;
  if (source !== null && symptom !== 'unknown') return null;
  const from = source ?? '<your ip>';
  const what = symptom === 'unknown' ? ' <symptom>' : ` ${symptom}`;
  const hint =
    symptom === 'unknown' ? ` (symptom: what the client shows, one of ${KNOWN_SYMPTOMS.join(', ')})` : '';
  return `${inlineCode(`/rdp ${name} from ${from}${what}`, 300)}${mrkdwn(hint, 300)}`;
}

/** `resolved by <fix> · approved by <person> · <time>`, as the failing layer and its cause show it. */
export function resolutionLine(resolution: Resolution): string {
  const approved = resolution.approvedBy ? ` · approved by ${mention(resolution.approvedBy)}` : '';
  return `resolved by ${mrkdwn(resolution.fixTitle, 120)}${approved} · ${clock(resolution.at)}`;
}

function verdictBlocks(
  runId: string,
  verdict: Verdict,
  checks: readonly Check[],
  findings: readonly Finding[],
  nextStep: string | null,
  resolved: readonly Resolution[],
): KnownBlock[] {
  if (verdict.layer === 'none') {
    const incomplete = checks.some((c) => c.status === 'error');
    const title = incomplete
      ? '⚠️ *No failing layer found, but the diagnosis is incomplete.*'
      : '✅ *No failing layer: every layer checked clean.*';
    const blocks = [section(`${title}\n${mrkdwn(verdict.summary, 2000)}`)];
    if (!incomplete && nextStep) blocks.push(section(`*Next step:* ${nextStep}`));
    return blocks;
  }
  const deciding = verdict.causes.map((cause) => ({
    cause,
    finding: findings.find((f) => f.cause === cause),
    check: checks.find((c) => c.id === cause),
  }));
  const resolutionOf = (cause: string) => resolved.find((r) => r.cause === cause);
  const allResolved = deciding.every((d) => resolutionOf(d.cause));
  const blocks: KnownBlock[] = [
    section(
      allResolved
        ? `✅ *Was failing: ${LAYER_LABELS[verdict.layer]}* (${resolved.map(resolutionLine).join('; ')})\n${mrkdwn(verdict.summary, 1500)}`
        : `❌ *Failing layer: ${LAYER_LABELS[verdict.layer]}*\n${mrkdwn(verdict.summary, 1500)}`,
    ),
  ];
  const [first, ...others] = deciding;
  // Before the findings arrive, the check's evidence stands in: the engine joined the list with '; '.
  const evidence =
    first?.finding?.evidence ?? (first?.check?.evidence ? first.check.evidence.split('; ') : []);
  if (evidence.length > 0) {
    const listed = bullets(evidence, { maxItems: EVIDENCE_ITEMS, maxEach: 300, budget: 2000 });
    blocks.push(section(`*Evidence*\n${listed}`));
  }
  if (first?.check?.confirm) {
    blocks.push(section(`*Confirm by hand*\n${codeBlock(first.check.confirm, 1500)}`));
  }
  const links = first?.finding?.links ?? [];
  if (links.length > 0) {
    blocks.push(context([`*In the Azure portal:* ${links.map((l) => link(l.url, l.label)).join(' · ')}`]));
  }
  if (others.length > 0) {
    const lines = others
      .slice(0, OTHER_CAUSES)
      .map((o) => `• ${mrkdwn(o.finding?.summary ?? o.check?.summary ?? o.cause, 300)}`);
    const more = (left: number) => `• …and ${left} more in the thread`;
    blocks.push(
      section(`*Also failing in this layer*\n${listWithin(lines, '\n', 2000, more, others.length)}`),
    );
  }
  if (first?.finding && first.finding.fixes.length === 0 && first.finding.advice) {
    blocks.push(section(`*What to do*\n${mrkdwn(first.finding.advice, 1500)}`));
  }
  const stillThere = deciding.filter((d) => !resolutionOf(d.cause));
  const gone = deciding.filter((d) => resolutionOf(d.cause));
  if (gone.length > 0 && !allResolved) {
    const lines = gone.map(
      (d) => `✅ ${mrkdwn(d.finding?.summary ?? d.cause, 300)}: ${resolutionLine(resolutionOf(d.cause)!)}`,
    );
    blocks.push(section(listWithin(lines, '\n', 2000, (left) => `…and ${left} more`)));
  }
  // A resolved cause offers no fix any more; the re-run shows what holds now.
  const buttons = fixButtons(
    runId,
    stillThere.flatMap((d) => (d.finding ? [d.finding] : [])),
  );
  if (buttons.length > 0) {
    blocks.push({ type: 'actions', block_id: truncate(`fixes:${runId}`, LIMITS.blockId), elements: buttons });
  }
  return blocks;
}

/** Risks and checks that could not run: next to the verdict, never part of it. */
function notes(checks: readonly Check[]): string[] {
  const out: string[] = [];
  const risks = checks.filter((c) => c.status === 'warn');
  if (risks.length > 0) {
    const items = risks.map((c) => mrkdwn(c.summary, 240));
    out.push(
      `🟡 *Risks, not the outage:* ${listWithin(items, ' · ', 1400, (left) => `…and ${left} more in the thread`)}`,
    );
  }
  const byReason = new Map<string, string[]>();
  for (const check of checks.filter((c) => c.status === 'error')) {
    const reason = reasonNotChecked(check);
    byReason.set(reason, [...(byReason.get(reason) ?? []), check.label]);
  }
  if (byReason.size > 0) {
    const items = [...byReason].map(
      ([reason, labels]) => `${mrkdwn(labels.join(', '), 400)} (${mrkdwn(reason, 200)})`,
    );
    out.push(
      `⚠️ *Could not check:* ${listWithin(items, '; ', 1400, (left) => `…and ${plural(left, 'more reason')} in the thread`)}`,
    );
  }
  return out;
}

function symptomPicker(runId: string): types.SectionBlock {
  return {
    type: 'section',
    block_id: truncate(`symptom:${runId}`, LIMITS.blockId),
    text: {
      type: 'mrkdwn',
      text: '*What did the client show?* The symptom ranks the causes within the failing layer.',
    },
    accessory: {
      type: 'static_select',
      action_id: SYMPTOM_ACTION_ID,
      placeholder: plainText('What did the client show?', LIMITS.placeholder),
      options: KNOWN_SYMPTOMS.map((symptom) => ({
        text: plainText(`${symptom}: ${SYMPTOM_DESCRIPTIONS[symptom]}`, LIMITS.optionText),
        value: symptom,
      })),
    },
  };
}

function footer(state: LiveDiagnosis): string {
  const run = `Run ${inlineCode(state.runId, 80)}`;
  if (state.failure) return `${run} · stopped`;
  if (state.report) {
    const took = elapsed(state.report.startedAt, state.report.finishedAt);
    return `${run} · finished in ${took} · every check and the metrics are in the thread`;
  }
  return `${run} · started ${clock(state.startedAt, true)} · this message updates as each layer reports`;
}

function fallbackText(name: string, state: LiveDiagnosis, verdict: Verdict | undefined): string {
  if (state.failure) return `${name}: the diagnosis stopped. ${state.failure}`;
  if (!verdict) return `Diagnosing ${name}: checking each layer…`;
  if (verdict.layer === 'none') return `${name}: ${verdict.summary}`;
  return `${name}: ${LAYER_LABELS[verdict.layer]} fails. ${verdict.summary}`;
}

/**
 * An incomplete report's next steps: what the guest's console shows, the agent when Run Command did not
 * answer, and a second run, which a check that timed out often answers.
 */
function nextStepsBlocks(state: LiveDiagnosis, report: Report): KnownBlock[] {
  const incomplete = incompleteDiagnosis(report, state.portal);
  if (!incomplete) return [];
  const steps = [
    `See what the guest shows without the agent: ${incomplete.console.map((l) => link(l.url, l.label)).join(' · ')}.`,
  ];
  const stuck = incomplete.stuckAgent;
  const restarted = stuck && state.resolved?.find((r) => r.cause === stuck.cause);
  if (restarted) {
    steps.push(`✅ The stuck agent was ${resolutionLine(restarted)}.`);
  } else if (stuck) {
    steps.push(
      'Run Command did not answer though the VM agent was not reported down: the agent or Windows is stuck. ' +
        'From the serial console, restart the agent services (`WindowsAzureGuestAgent`, `RdAgent`); if the ' +
        'console does not answer either, restart the VM (a second person approves it).',
    );
  }
  steps.push('Re-run the diagnosis: a check that timed out often answers the second time.');
  return [
    section(`*Next steps*\n${steps.map((step) => `• ${step}`).join('\n')}`),
    {
      type: 'actions',
      block_id: truncate(`rerun:${state.runId}`, LIMITS.blockId),
      elements: [
        ...(stuck && !restarted ? fixButtons(state.runId, [stuck]) : []),
        rerunButton(report.vm.id, state.request),
      ],
    },
  ];
}

export function diagnosisMessage(state: LiveDiagnosis): SlackMessage {
  const run = known(state);
  const name = run.vm?.name ?? state.target;
  const stopped = state.failure !== undefined;
  const checks = LAYERS.flatMap((layer) => run.checks(layer) ?? []);
  const blocks: KnownBlock[] = [
    header(`🩺 ${name}`),
    context([contextLine(state, run.vm)]),
    section(
      LAYERS.map((layer) => {
        const line = layerLine(layer, run.checks(layer), stopped, run.verdict, run.provisional);
        return layer === run.verdict?.layer && (state.resolved?.length ?? 0) > 0
          ? `${line} · ${state.resolved!.map(resolutionLine).join('; ')}`
          : line;
      }).join('\n'),
    ),
  ];
  if (state.failure) blocks.push(section(`❌ *The diagnosis stopped.* ${mrkdwn(state.failure, 2500)}`));
  if (run.verdict)
    blocks.push(
      divider(),
      ...verdictBlocks(
        state.runId,
        run.verdict,
        checks,
        run.findings,
        healthyNextStep(state, name),
        state.resolved ?? [],
      ),
    );
  const noted = notes(checks);
  if (noted.length > 0) blocks.push(context(noted));
  const nextSteps = state.report ? nextStepsBlocks(state, state.report) : [];
  blocks.push(...nextSteps);
  // The next steps carry their own Re-run.
  if (state.report && nextSteps.length === 0 && (state.resolved?.length ?? 0) > 0) {
    blocks.push({
      type: 'actions',
      block_id: truncate(`rerun:${state.runId}`, LIMITS.blockId),
      elements: [rerunButton(state.report.vm.id, state.request)],
    });
  }
  // The symptom only re-ranks the causes of a failing layer: offered only when there are several.
  if (
    state.report &&
    state.request.symptom === 'unknown' &&
    !stopped &&
    run.verdict &&
    run.verdict.causes.length > 1
  )
    blocks.push(symptomPicker(state.runId));
  blocks.push(context([footer(state)]));
  return message(mrkdwn(fallbackText(name, state, run.verdict), 1000), blocks);
}
